package org.wayleave.controller.store;

import java.util.Optional;

/**
 * Leadership among the controllers sharing one store. Only the leader runs the reconcilers and
 * writes observed state; its writes are fenced by its claim ({@link #fence()}).
 */
public interface LeaderElection extends AutoCloseable {
  /** Blocks until this candidate is the leader, or the thread is interrupted. */
  void campaign() throws InterruptedException;

  /** True while this candidate holds leadership. */
  boolean isLeader();

  /**
   * The term of the leadership held now (it grows with every new leader, so no two share one), or 0
   * when not leading.
   */
  long term();

  /** The claim to put on the leader's writes while leading, or null when not leading. */
  Fence fence();

  /** The candidate id of whoever leads now, if the store can tell. */
  Optional<String> leader();

  /** Gives leadership up (if held) and leaves the election. */
  @Override
  void close();
}
