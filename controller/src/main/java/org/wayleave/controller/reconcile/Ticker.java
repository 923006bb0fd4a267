package org.wayleave.controller.reconcile;

/**
 * A source of monotonic time in nanoseconds, injected so tests can advance time instead of sleeping
 * (after Caffeine's {@code Ticker}).
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current time in nanoseconds; only differences between readings mean anything. */
  long read();

  /** The system's monotonic clock, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
