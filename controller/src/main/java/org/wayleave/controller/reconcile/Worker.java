package org.wayleave.controller.reconcile;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.time.Ticker;

/**
 * One reconcile task: takes the next ready key from the {@link WorkQueue}, runs the {@link
 * Reconciler} on it, turns what happened into an {@link Outcome}, tells the listener, and hands the
 * outcome back to the queue. Whatever the reconciler does, even throwing an {@link Error}, the key
 * is released.
 */
final class Worker<K> {

  private static final Logger log = LoggerFactory.getLogger(ReconcileEngine.class);

  private final String name;
  private final Reconciler<K> reconciler;
  private final ReconcileListener<? super K> listener;
  private final Ticker ticker;
  private final WorkQueue<K> queue;
  private final ThreadLocal<Boolean> insideReconcile = new ThreadLocal<>();

  Worker(
      String name,
      Reconciler<K> reconciler,
      ReconcileListener<? super K> listener,
      Ticker ticker,
      WorkQueue<K> queue) {
    this.name = name;
    this.reconciler = reconciler;
    this.listener = listener;
    this.ticker = ticker;
    this.queue = queue;
  }

  /** Whether the calling thread is inside a reconcile of this engine. */
  boolean isInsideReconcile() {
    return insideReconcile.get() != null;
  }

  /** Runs the next ready key, if any is left by the time the task starts. */
  void runNext() {
    K key = queue.poll();
    if (key == null) {
      return;
    }
    Outcome outcome = Outcome.RETRY; // also when an Error escapes
    Duration requeueAfter = null;
    Throwable error = null;
    notifyListener(() -> listener.onStart(key));
    insideReconcile.set(Boolean.TRUE);
    long start = ticker.read();
    try {
      Result result = reconciler.reconcile(key);
      if (result == null) {
        error = new NullPointerException("reconciler returned a null Result for " + key);
      } else if (result.isDone()) {
        outcome = Outcome.SUCCESS;
      } else {
        outcome = Outcome.REQUEUE;
        requeueAfter = result.requeueAfter();
      }
    } catch (TerminalException e) {
      outcome = Outcome.TERMINAL;
      error = e;
    } catch (Exception e) {
      error = e;
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    } catch (Error e) {
      error = e;
      throw e;
    } finally {
      long took = ticker.read() - start;
      insideReconcile.remove();
      complete(key, outcome, requeueAfter, error, took);
    }
  }

  private void complete(K key, Outcome outcome, Duration requeueAfter, Throwable error, long took) {
    if (outcome == Outcome.TERMINAL) {
      log.warn(
          "{}: reconcile of {} failed and will not be retried: {}", name, key, error.toString());
    }
    if (error != null) {
      log.debug("{}: reconcile of {} ended {}", name, key, outcome, error);
    }
    notifyListener(() -> listener.onDone(key, outcome, took, error));
    queue.finish(key, outcome, requeueAfter, error);
  }

  private void notifyListener(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("{}: reconcile listener failed: {}", name, e.toString(), e);
    }
  }
}
