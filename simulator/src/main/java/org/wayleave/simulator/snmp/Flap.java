package org.wayleave.simulator.snmp;

/**
 * An interface flapping: from {@code startNanos} it is down for {@code periodNanos}, up for the
 * next, and so on. Computed from the clock, so no timer is needed.
 */
record Flap(long startNanos, long periodNanos) {
  Flap {
    if (periodNanos <= 0) {
      throw new IllegalArgumentException("period: must be positive (got " + periodNanos + " ns)");
    }
  }

  /** Whether the flapping holds the interface down at {@code t}. */
  boolean down(long t) {
    return t >= startNanos && ((t - startNanos) / periodNanos) % 2 == 0;
  }

  /** The first toggle strictly after {@code t}. */
  long nextToggle(long t) {
    if (t < startNanos) {
      return startNanos;
    }
    return startNanos + ((t - startNanos) / periodNanos + 1) * periodNanos;
  }

  /** Calls {@code out} with each part of [t0, t1) where neither flap holds the interface down. */
  static void upIntervals(long t0, long t1, Flap a, Flap b, Interval out) {
    long t = t0;
    int segments = 0;
    while (t < t1) {
      if (++segments > MAX_SEGMENTS) {
        // A long gap between reads of a fast flap: the rest counts as up for its average share.
        double share = (a == null ? 1 : 0.5) * (b == null ? 1 : 0.5);
        out.accept(t, t1, share);
        return;
      }
      long next = t1;
      if (a != null) {
        next = Math.min(next, a.nextToggle(t));
      }
      if (b != null) {
        next = Math.min(next, b.nextToggle(t));
      }
      if ((a == null || !a.down(t)) && (b == null || !b.down(t))) {
        out.accept(t, next, 1);
      }
      t = next;
    }
  }

  /** Most segments {@link #upIntervals} walks exactly. */
  static final int MAX_SEGMENTS = 20_000;

  /** A part of an interval, weighted (1 unless approximated). */
  @FunctionalInterface
  interface Interval {
    void accept(long from, long to, double weight);
  }
}
