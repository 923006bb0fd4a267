package org.wayleave.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the delay before retry {@code attempt} (counting
 * from 0) is uniform in {@code [0, min(cap, base * 2^attempt)]}, so many agents that lost the same
 * controller spread their reconnects out instead of stampeding it (AWS Architecture Blog,
 * "Exponential Backoff And Jitter").
 */
public final class Backoff {
  public static final Duration DEFAULT_BASE = Duration.ofMillis(200);

  /**
   * 10 s: after a controller outage, reconnects spread over at most this long. A longer cap
   * stretches recovery and skews the spread (a few agents far out in the tail while most return
   * early); 10,000 agents retrying at most every 10 s still cost a down controller little.
   */
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(10);

  private final long baseNanos;
  private final long capNanos;
  private final RandomGenerator random;

  /**
   * @param random the source of jitter; tests pass a seeded one
   * @throws IllegalArgumentException if {@code base} is not positive or {@code cap} is below it
   */
  public Backoff(Duration base, Duration cap, RandomGenerator random) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base: must be positive (got " + base + ")");
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "cap: must be at least base " + base + " (got " + cap + ")");
    }
    this.baseNanos = base.toNanos();
    this.capNanos = cap.toNanos();
    this.random = Objects.requireNonNull(random, "random");
  }

  public Backoff(Duration base, Duration cap) {
    this(base, cap, new Random());
  }

  /** Base 200 ms, cap 10 s. */
  public static Backoff defaults() {
    return new Backoff(DEFAULT_BASE, DEFAULT_CAP);
  }

  /** {@code min(cap, base * 2^attempt)}: the most {@link #delay} can return for {@code attempt}. */
  public Duration ceiling(int attempt) {
    return Duration.ofNanos(ceilingNanos(attempt));
  }

  /**
   * A random delay in {@code [0, ceiling(attempt)]}.
   *
   * @throws IllegalArgumentException if {@code attempt} is negative
   */
  public Duration delay(int attempt) {
    return Duration.ofNanos(random.nextLong(ceilingNanos(attempt) + 1));
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
        + ", full jitter]";
  }
}
