package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff: {@code base * 2^(failures-1)}, never more than {@code cap}. With
 * jitter the delay is drawn uniformly from {@code [d/2, d]} ("equal jitter"), so keys that failed
 * together spread out but the delay still grows.
 */
final class Backoff {

  private final long baseNanos;
  private final long capNanos;
  private final boolean jitter;
  private final DoubleSupplier random;

  Backoff(Duration base, Duration cap, boolean jitter) {
    this(base, cap, jitter, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** {@code random} returns values in {@code [0, 1)}; tests pass a fixed one. */
  Backoff(Duration base, Duration cap, boolean jitter, DoubleSupplier random) {
    Objects.requireNonNull(base, "backoff base");
    Objects.requireNonNull(cap, "backoff cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("backoff base must be positive: " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff cap must not be less than base: base " + base + ", cap " + cap);
    }
    this.baseNanos = Scheduler.saturatedNanos(base);
    this.capNanos = Scheduler.saturatedNanos(cap);
    this.jitter = jitter;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The delay before the next attempt after {@code failures} consecutive failures (at least 1). */
  Duration delay(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1: " + failures);
    }
    int shift = Math.min(failures - 1, 62);
    long nanos = baseNanos > (capNanos >> shift) ? capNanos : baseNanos << shift;
    if (jitter) {
      long half = nanos / 2;
      nanos = half + (long) (random.getAsDouble() * (nanos - half + 1));
      nanos = Math.min(nanos, capNanos);
    }
    return Duration.ofNanos(nanos);
  }

  @Override
  public String toString() {
    return Duration.ofNanos(baseNanos)
        + ".."
        + Duration.ofNanos(capNanos)
        + (jitter ? " jittered" : "");
  }
}
