package org.wayleave.base.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic time, and waiting on it: injected wherever code measures or waits, so tests advance or
 * record time instead of sleeping (after Caffeine's {@code Ticker}). Wall-clock time is a {@link
 * java.time.Clock}; delayed tasks are a {@link Scheduler}.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current time in nanoseconds; only differences between readings mean anything. */
  long read();

  /** Waits {@code duration} on the calling thread; a test ticker records or advances instead. */
  default void sleep(Duration duration) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(Scheduler.saturatedNanos(duration));
  }

  /** The system's monotonic clock, {@link System#nanoTime()}, sleeping for real. */
  static Ticker system() {
    return System::nanoTime;
  }

  /** How a test waits instead: records the duration, or blocks on a latch. */
  @FunctionalInterface
  interface Sleep {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** The system's monotonic clock, waiting through {@code sleep} (tests). */
  static Ticker sleepingWith(Sleep sleep) {
    return new Ticker() {
      @Override
      public long read() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        sleep.sleep(duration);
      }
    };
  }
}
