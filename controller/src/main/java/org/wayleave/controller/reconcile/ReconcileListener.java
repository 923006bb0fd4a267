package org.wayleave.controller.reconcile;

import org.wayleave.base.time.Ticker;

/**
 * Hears every reconcile, for metrics and logging. Called on the worker thread, so it must be quick;
 * an exception it throws is logged and otherwise ignored.
 *
 * @param <K> the key type
 */
public interface ReconcileListener<K> {

  /** A reconcile of {@code key} is about to start. */
  default void onStart(K key) {}

  /**
   * A reconcile of {@code key} ended.
   *
   * @param durationNanos how long the reconciler ran, by the engine's {@link Ticker}
   * @param error what the reconciler threw for {@link Outcome#RETRY} and {@link Outcome#TERMINAL};
   *     null otherwise
   */
  default void onDone(K key, Outcome outcome, long durationNanos, Throwable error) {}

  /** A listener that ignores everything. */
  static <K> ReconcileListener<K> noop() {
    return new ReconcileListener<>() {};
  }
}
