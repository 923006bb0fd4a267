package org.wayleave.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void doublesFromTheBaseAndStopsAtTheCap() {
    Backoff backoff = new Backoff(ms(100), Duration.ofSeconds(60), false);

    assertThat(IntStream.rangeClosed(1, 12).mapToObj(backoff::delay))
        .containsExactly(
            ms(100), ms(200), ms(400), ms(800), ms(1600), ms(3200), ms(6400), ms(12800), ms(25600),
            ms(51200), ms(60000), ms(60000));
  }

  @Test
  void manyFailuresNeverOverflowPastTheCap() {
    Backoff backoff = new Backoff(ms(100), Duration.ofSeconds(60), false);

    assertThat(backoff.delay(63)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.delay(64)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    Backoff huge = new Backoff(Duration.ofNanos(1), Duration.ofDays(365 * 300), false);
    assertThat(huge.delay(Integer.MAX_VALUE)).isPositive();
  }

  @Test
  void jitterDrawsFromTheUpperHalfOfTheDelay() {
    assertThat(new Backoff(ms(100), ms(1000), true, () -> 0.0).delay(3)).isEqualTo(ms(200));
    assertThat(new Backoff(ms(100), ms(1000), true, () -> 0.5).delay(3))
        .isBetween(ms(299), ms(301));
    assertThat(new Backoff(ms(100), ms(1000), true, () -> 0.999_999_999).delay(3))
        .isEqualTo(ms(400));
    assertThat(new Backoff(ms(100), ms(1000), true, () -> 0.999_999_999).delay(10))
        .isEqualTo(ms(1000));
  }

  @Test
  void rejectsBadSettingsNamingTheValue() {
    assertThatThrownBy(() -> new Backoff(ms(-1), ms(1), false))
        .hasMessage("backoff base must be positive: PT-0.001S");
    assertThatThrownBy(() -> new Backoff(ms(100), ms(1), false))
        .hasMessage("backoff cap must not be less than base: base PT0.1S, cap PT0.001S");
    assertThatThrownBy(() -> new Backoff(ms(1), ms(1), false).delay(0))
        .hasMessage("failures must be at least 1: 0");
  }
}
