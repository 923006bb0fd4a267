package org.wayleave.controller.reconcile;

/** How one reconcile of a key ended, as reported to a {@link ReconcileListener}. */
public enum Outcome {
  /** The reconciler returned {@link Result#done()}; the key's backoff is reset. */
  SUCCESS,
  /** The reconciler asked to run again after a delay; not a failure, the backoff is reset. */
  REQUEUE,
  /** The reconciler threw; the key runs again after its backoff. */
  RETRY,
  /** The reconciler threw {@link TerminalException}; the key is not retried. */
  TERMINAL
}
