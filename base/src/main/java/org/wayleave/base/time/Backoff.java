package org.wayleave.base.time;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff, the one every retry uses: the delay before retry {@code attempt}
 * (counting from 0) grows as {@code min(cap, base * 2^attempt)}, with jitter drawn from it
 * ("Exponential Backoff And Jitter", AWS Architecture Blog):
 *
 * <ul>
 *   <li>{@link Jitter#FULL}: uniform in {@code [0, ceiling]}. Agents that lost the same controller
 *       spread their reconnects out instead of stampeding it.
 *   <li>{@link Jitter#EQUAL}: uniform in {@code [ceiling/2, ceiling]}. Reconcile keys that failed
 *       together spread out, and the delay still grows.
 *   <li>{@link Jitter#NONE}: exactly the ceiling, for retries that must not come early (a push the
 *       router refused).
 * </ul>
 */
public final class Backoff {
  /** How the delay is drawn from the ceiling. */
  public enum Jitter {
    NONE,
    EQUAL,
    FULL
  }

  /** Agents' reconnects: the first retry within 200 ms. */
  public static final Duration DEFAULT_BASE = Duration.ofMillis(200);

  /**
   * 10 s: after a controller outage, agents' reconnects spread over at most this long. A longer cap
   * stretches recovery and skews the spread (a few agents far out in the tail while most return
   * early); 10,000 agents retrying at most every 10 s still cost a down controller little.
   */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(10);

  private final long baseNanos;
  private final long capNanos;
  private final Jitter jitter;
  private final RandomGenerator random;

  /**
   * @param random the source of jitter; tests pass a seeded or fixed one
   * @throws IllegalArgumentException if {@code base} is not positive or {@code cap} is below it
   */
  public Backoff(Duration base, Duration cap, Jitter jitter, RandomGenerator random) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base: must be positive (got " + base + ")");
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "cap: must be at least base " + base + " (got " + cap + ")");
    }
    this.baseNanos = Scheduler.saturatedNanos(base);
    this.capNanos = Scheduler.saturatedNanos(cap);
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Full jitter from {@code random}. */
  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    this(base, cap, Jitter.FULL, random);
  }

  /** Full jitter. */
  public Backoff(Duration base, Duration cap) {
    this(base, cap, new Random());
  }

  /** {@code jitter} from a fresh source of randomness. */
  public Backoff(Duration base, Duration cap, Jitter jitter) {
    this(base, cap, jitter, new Random());
  }

  /** Agents' reconnects: base 200 ms, cap 10 s, full jitter. */
  public static Backoff defaults() {
    return new Backoff(DEFAULT_BASE, DEFAULT_CAP);
  }

  /** {@code min(cap, base * 2^attempt)}: the most {@link #delay} can return for {@code attempt}. */
  public Duration ceiling(int attempt) {
    return Duration.ofNanos(ceilingNanos(attempt));
  }

  /**
   * The delay before retry {@code attempt}, drawn from {@link #ceiling} by the jitter.
   *
   * @throws IllegalArgumentException if {@code attempt} is negative
   */
  public Duration delay(int attempt) {
    long ceiling = ceilingNanos(attempt);
    long nanos =
        switch (jitter) {
          case NONE -> ceiling;
          case FULL -> random.nextLong(ceiling + 1);
          case EQUAL -> {
            long half = ceiling / 2;
            yield Math.min(ceiling, half + (long) (random.nextDouble() * (ceiling - half + 1)));
          }
        };
    return Duration.ofNanos(nanos);
  }

  /**
   * The delay after {@code failures} consecutive failures: {@link #delay}{@code (failures - 1)}.
   *
   * @throws IllegalArgumentException if {@code failures} is below 1
   */
  public Duration afterFailures(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: must be at least 1 (got " + failures + ")");
    }
    return delay(failures - 1);
  }

  private long ceilingNanos(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt: must not be negative (got " + attempt + ")");
    }
    // base * 2^attempt > cap  <=>  base > cap >> attempt; no overflow for any attempt.
    if (attempt >= 63 || baseNanos > (capNanos >> attempt)) {
      return capNanos;
    }
    return Math.min(capNanos, baseNanos << attempt);
  }

  @Override
  public String toString() {
    return "Backoff[base="
        + Duration.ofNanos(baseNanos)
        + ", cap="
        + Duration.ofNanos(capNanos)
        + ", "
        + jitter.name().toLowerCase(java.util.Locale.ROOT)
        + " jitter]";
  }
}
