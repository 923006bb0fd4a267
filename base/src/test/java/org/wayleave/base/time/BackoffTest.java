package org.wayleave.base.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration CAP = Duration.ofSeconds(30);

  @Test
  void ceilingDoublesFromTheBaseUntilTheCap() {
    Backoff b = new Backoff(Backoff.DEFAULT_BASE, CAP);
    assertThat(b.ceiling(0)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(400));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(6400));
    assertThat(b.ceiling(7)).isEqualTo(Duration.ofMillis(25600));
    assertThat(b.ceiling(8)).isEqualTo(CAP);
    assertThat(b.ceiling(62)).isEqualTo(CAP);
    assertThat(b.ceiling(63)).isEqualTo(CAP);
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(CAP);
  }

  @Test
  void defaultsAre200MillisecondsCappedAt10Seconds() {
    Backoff b = Backoff.defaults();
    assertThat(b.ceiling(0)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofMillis(6400));
    assertThat(b.ceiling(6)).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void delayIsNeverNegativeNorAboveTheCeilingOrCap() {
    Backoff b = new Backoff(Backoff.DEFAULT_BASE, CAP, new Random(42));
    for (int attempt = 0; attempt < 100; attempt++) {
      for (int i = 0; i < 200; i++) {
        Duration d = b.delay(attempt);
        assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThanOrEqualTo(b.ceiling(attempt));
        assertThat(d).isLessThanOrEqualTo(CAP);
      }
    }
  }

  @Test
  void theRangeEndsAreReachable() {
    RandomGenerator highest =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            throw new AssertionError("bounded draw expected");
          }

          @Override
          public long nextLong(long bound) {
            return bound - 1;
          }
        };
    RandomGenerator lowest =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            throw new AssertionError("bounded draw expected");
          }

          @Override
          public long nextLong(long bound) {
            return 0;
          }
        };
    assertThat(new Backoff(Duration.ofMillis(200), CAP, highest).delay(3))
        .isEqualTo(Duration.ofMillis(1600));
    assertThat(new Backoff(Duration.ofMillis(200), CAP, highest).delay(30)).isEqualTo(CAP);
    assertThat(new Backoff(Duration.ofMillis(200), CAP, lowest).delay(30)).isEqualTo(Duration.ZERO);
  }

  @Test
  void delaysGrowWithAttemptsOnAverage() {
    Backoff b = new Backoff(Backoff.DEFAULT_BASE, CAP, new Random(7));
    double previous = -1;
    for (int attempt = 0; attempt <= 8; attempt++) {
      double mean = meanMillis(b, attempt, 2000);
      double half = b.ceiling(attempt).toMillis() / 2.0;
      assertThat(mean)
          .as("attempt %d", attempt)
          .isGreaterThan(previous)
          .isBetween(half * 0.9, half * 1.1);
      previous = mean;
    }
  }

  @Test
  void fullJitterSpreadsDelaysOverTheWholeRange() {
    Backoff b = new Backoff(Backoff.DEFAULT_BASE, CAP, new Random(1));
    int[] deciles = new int[10];
    int n = 5000;
    for (int i = 0; i < n; i++) {
      long ms = b.delay(20).toMillis();
      deciles[(int) Math.min(9, ms * 10 / CAP.toMillis())]++;
    }
    // Uniform over [0, cap]: each tenth of the range gets about a tenth of the draws,
    // including the lowest tenth (which "equal jitter" would never hit).
    for (int i = 0; i < 10; i++) {
      assertThat(deciles[i]).as("decile %d", i).isBetween(n / 10 * 8 / 10, n / 10 * 12 / 10);
    }
  }

  @Test
  void rejectsBadSettingsNamingThem() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, CAP))
        .hasMessageContaining("base: must be positive");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("cap: must be at least base");
    assertThatThrownBy(() -> Backoff.defaults().delay(-1))
        .hasMessageContaining("attempt: must not be negative (got -1)");
  }

  private static double meanMillis(Backoff b, int attempt, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += b.delay(attempt).toNanos() / 1e6;
    }
    return sum / n;
  }

  // Without jitter and with equal jitter, counted in failures: the reconcile engine's and the
  // device reconciler's retries.

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  /** A source whose every draw in {@code [0, 1)} is {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("a draw in [0, 1) expected");
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  @Test
  void withoutJitterDoublesFromTheBaseAndStopsAtTheCap() {
    Backoff backoff = new Backoff(ms(100), Duration.ofSeconds(60), Backoff.Jitter.NONE);

    assertThat(IntStream.rangeClosed(1, 12).mapToObj(backoff::afterFailures))
        .containsExactly(
            ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200), ms(6400), ms(12800), ms(25600),
            ms(51200), ms(60000), ms(60000));
  }

  @Test
  void manyFailuresNeverOverflowPastTheCap() {
    Backoff backoff = new Backoff(ms(100), Duration.ofSeconds(60), Backoff.Jitter.NONE);

    assertThat(backoff.afterFailures(63)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.afterFailures(64)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.afterFailures(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    Backoff huge =
        new Backoff(Duration.ofNanos(1), Duration.ofDays(365 * 300), Backoff.Jitter.NONE);
    assertThat(huge.afterFailures(Integer.MAX_VALUE)).isPositive();
  }

  @Test
  void equalJitterDrawsFromTheUpperHalfOfTheDelay() {
    Backoff.Jitter equal = Backoff.Jitter.EQUAL;
    assertThat(new Backoff(ms(100), ms(1000), equal, fixed(0.0)).afterFailures(3))
        .isEqualTo(ms(200));
    assertThat(new Backoff(ms(100), ms(1000), equal, fixed(0.5)).afterFailures(3))
        .isBetween(ms(299), ms(301));
    assertThat(new Backoff(ms(100), ms(1000), equal, fixed(0.999_999_999)).afterFailures(3))
        .isEqualTo(ms(400));
    assertThat(new Backoff(ms(100), ms(1000), equal, fixed(0.999_999_999)).afterFailures(10))
        .isEqualTo(ms(1000));
  }

  @Test
  void failuresCountFromOne() {
    assertThatThrownBy(() -> new Backoff(ms(1), ms(1), Backoff.Jitter.NONE).afterFailures(0))
        .hasMessage("failures: must be at least 1 (got 0)");
  }
}
