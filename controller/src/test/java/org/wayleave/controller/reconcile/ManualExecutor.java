package org.wayleave.controller.reconcile;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * An executor for tests that only queues tasks; the test runs them on its own thread, one at a time
 * ({@link #runNext}) or until none are left ({@link #runAll}). Running one from inside another task
 * stands in for a second worker thread.
 */
final class ManualExecutor implements Executor {

  private final Queue<Runnable> tasks = new ArrayDeque<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  /** Tasks waiting to run. */
  int size() {
    return tasks.size();
  }

  /** Runs the oldest waiting task. */
  void runNext() {
    Runnable task = tasks.poll();
    if (task == null) {
      throw new IllegalStateException("no task to run");
    }
    task.run();
  }

  /** Runs tasks, including those they submit, until none are left; returns how many ran. */
  int runAll() {
    int ran = 0;
    while (!tasks.isEmpty()) {
      if (++ran > 10_000) {
        throw new IllegalStateException("tasks keep coming: a reconcile loop?");
      }
      runNext();
    }
    return ran;
  }
}
