package org.wayleave.base.time;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay, injected so tests can advance time instead of sleeping (after
 * Caffeine's {@code Scheduler}). Implementations must run the task on another thread or later,
 * never inline from {@link #schedule}.
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once after {@code delay}.
   *
   * @param delay not negative; zero means as soon as possible
   * @return a handle that cancels the task if it has not started; cancelling twice is harmless
   */
  Cancellable schedule(Runnable task, Duration delay);

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Stops the task from running if it has not started yet; never interrupts a running one. */
    void cancel();
  }

  /** A scheduler backed by {@code executor}; the caller owns the executor and shuts it down. */
  static Scheduler of(ScheduledExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    return (task, delay) -> {
      ScheduledFuture<?> future =
          executor.schedule(task, saturatedNanos(delay), TimeUnit.NANOSECONDS);
      return () -> future.cancel(false);
    };
  }

  /** {@code duration} in nanoseconds, saturating at {@link Long#MAX_VALUE} instead of failing. */
  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
