package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.Objects;

/**
 * What a successful reconcile asks for next: nothing, or another run after a delay.
 *
 * @param requeueAfter the delay before the key runs again, or null when the key is done
 */
public record Result(Duration requeueAfter) {

  private static final Result DONE = new Result(null);

  /** Validates the delay: it is null (done) or not negative. */
  public Result {
    if (requeueAfter != null && requeueAfter.isNegative()) {
      throw new IllegalArgumentException("requeueAfter cannot be negative: " + requeueAfter);
    }
  }

  /** The key is in line with its desired state; it runs again only when woken. */
  public static Result done() {
    return DONE;
  }

  /**
   * Runs the key again after {@code delay} (for example to poll progress); not a failure, so the
   * key's backoff is reset. Zero means as soon as possible.
   *
   * @throws NullPointerException if delay is null
   * @throws IllegalArgumentException if delay is negative
   */
  public static Result requeueAfter(Duration delay) {
    return new Result(Objects.requireNonNull(delay, "requeueAfter delay"));
  }

  /** Whether this result asks for no further run. */
  public boolean isDone() {
    return requeueAfter == null;
  }
}
