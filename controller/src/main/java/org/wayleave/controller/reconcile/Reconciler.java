package org.wayleave.controller.reconcile;

/**
 * Brings the world for one key in line with the desired state. It receives only the key, never the
 * event that woke it, so it must read desired and observed state fresh on every call; a missed or
 * duplicated wake-up then cannot hurt (level-triggered).
 *
 * @param <K> the key type; needs value {@code equals} and {@code hashCode}
 */
@FunctionalInterface
public interface Reconciler<K> {

  /**
   * Reconciles {@code key}. The engine never calls this concurrently for the same key.
   *
   * @return {@link Result#done()} or {@link Result#requeueAfter}; never null
   * @throws TerminalException for an error retrying cannot fix: recorded, not retried
   * @throws Exception for any other error: retried after the key's backoff
   */
  Result reconcile(K key) throws Exception;
}
