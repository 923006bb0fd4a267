package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.wayleave.base.time.Scheduler;

/**
 * Manual timers for tests, on a {@link FakeTicker}: nothing runs until {@link #advance}, which runs
 * the tasks that fall due in time order (on the calling thread), moving the ticker to each one's
 * due time. Single-threaded by design.
 */
final class FakeScheduler implements Scheduler {

  private final class Task implements Cancellable {
    final long due;
    final long seq;
    final Runnable runnable;
    final Duration delay;
    boolean cancelled;

    Task(long due, long seq, Runnable runnable, Duration delay) {
      this.due = due;
      this.seq = seq;
      this.runnable = runnable;
      this.delay = delay;
    }

    @Override
    public void cancel() {
      cancelled = true;
      cancellations++;
    }
  }

  private final FakeTicker ticker;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.seq));
  private long seq;
  private int cancellations;

  FakeScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  @Override
  public Cancellable schedule(Runnable task, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    Task t = new Task(ticker.read() + delay.toNanos(), seq++, task, delay);
    tasks.add(t);
    return t;
  }

  /** Moves time forward by {@code duration}, running every task that falls due, in order. */
  void advance(Duration duration) {
    long target = ticker.read() + duration.toNanos();
    while (!tasks.isEmpty() && tasks.peek().due <= target) {
      Task next = tasks.poll();
      if (next.cancelled) {
        continue;
      }
      ticker.set(next.due);
      next.runnable.run();
    }
    ticker.set(target);
  }

  /** The delays of the tasks still waiting (not cancelled), soonest first. */
  List<Duration> pendingDelays() {
    List<Task> live = new ArrayList<>();
    for (Task t : tasks) {
      if (!t.cancelled) {
        live.add(t);
      }
    }
    live.sort(tasks.comparator());
    return live.stream().map(t -> t.delay).toList();
  }

  int cancellations() {
    return cancellations;
  }
}
