package org.wayleave.controller.telemetry;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.wayleave.base.time.Ticker;

/**
 * When each device is polled: every interval from an offset of its own (a hash of its id), less
 * often (2, 4, up to {@link #MAX_BACKOFF} intervals apart) while it keeps failing, realigned rather
 * than bursting after a pause. Runs on one scheduling thread and hands each device that falls due
 * to {@code onDue}.
 */
final class PollSchedule {
  /** Longest stretch between polls of a failing device, in intervals. */
  static final int MAX_BACKOFF = 8;

  private final long intervalNanos;
  private final Ticker ticker;
  private final Consumer<PolledDevice> onDue;
  private final ScheduledExecutorService scheduler;
  private volatile boolean closed;

  /**
   * @param scheduler the scheduling thread, owned from now on
   */
  PollSchedule(
      TelemetryConfig config,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Consumer<PolledDevice> onDue) {
    this.intervalNanos = config.interval().toNanos();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.onDue = onDue;
  }

  /** Puts {@code p} on the schedule, first due at its offset within the next interval. */
  void first(PolledDevice p) {
    long offset = Math.floorMod((long) p.id.hashCode() * 0x9E3779B97F4A7C15L, intervalNanos);
    p.dueNanos = ticker.read() + offset;
    schedule(p);
  }

  private void schedule(PolledDevice p) {
    if (closed || p.removed) {
      return;
    }
    long delay = Math.max(0, p.dueNanos - ticker.read());
    p.next = scheduler.schedule(() -> due(p), delay, TimeUnit.NANOSECONDS);
  }

  private void due(PolledDevice p) {
    if (p.removed || closed) {
      return;
    }
    int backoff = Math.min(MAX_BACKOFF, 1 << Math.min(p.consecutiveFailures, 3));
    p.dueNanos += intervalNanos * (p.consecutiveFailures == 0 ? 1 : backoff);
    long now = ticker.read();
    if (p.dueNanos < now) {
      // Fell behind (a paused JVM): realign instead of firing a burst of catch-up polls.
      p.dueNanos = now + intervalNanos;
    }
    schedule(p);
    onDue.accept(p);
  }

  /** Runs {@code task} on the scheduling thread after {@code delayNanos}, unless closed. */
  void later(Runnable task, long delayNanos) {
    if (!closed) {
      scheduler.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
  }

  /** Stops the scheduling thread: nothing falls due any more. */
  void close() {
    closed = true;
    scheduler.shutdownNow();
  }
}
