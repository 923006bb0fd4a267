package org.wayleave.controller.reconcile;

/**
 * Thrown by a {@link Reconciler} for an error that retrying cannot fix (for example an invalid
 * spec). The engine records it ({@link Outcome#TERMINAL}) and does not retry; the key runs again
 * only when it is enqueued again.
 */
public class TerminalException extends Exception {

  private static final long serialVersionUID = 1L;

  /** An error that retrying cannot fix, described by {@code message}. */
  public TerminalException(String message) {
    super(message);
  }

  /**
   * An error that retrying cannot fix, described by {@code message} and caused by {@code cause}.
   */
  public TerminalException(String message, Throwable cause) {
    super(message, cause);
  }
}
