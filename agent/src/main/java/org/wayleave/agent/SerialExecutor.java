package org.wayleave.agent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks one at a time, in order, on a shared executor: many agents share a few threads yet
 * each still applies strictly serially. Shutting it down never shuts the shared executor down.
 */
final class SerialExecutor extends AbstractExecutorService {
  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;
  private boolean shutdown;
  private Thread current;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public synchronized void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("serial executor is shut down");
    }
    tasks.add(task);
    if (!running) {
      running = true;
      try {
        delegate.execute(this::drain);
      } catch (RejectedExecutionException e) {
        running = false;
        tasks.remove(task);
        throw e;
      }
    }
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          running = false;
          current = null;
          notifyAll();
          return;
        }
        current = Thread.currentThread();
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // the task logs its own failures; one bad task must not stop the queue
      } finally {
        synchronized (this) {
          current = null;
          Thread.interrupted(); // do not leak an interrupt meant for this task into the shared pool
        }
      }
    }
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    notifyAll();
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(tasks);
    tasks.clear();
    if (current != null) {
      current.interrupt();
    }
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && !running;
  }

  @Override
  public synchronized boolean awaitTermination(long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (running) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
