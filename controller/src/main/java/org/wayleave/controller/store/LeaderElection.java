package org.wayleave.controller.store;

/**
 * Leadership among the controllers sharing one store. Only the leader writes desired state and runs
 * the reconcilers.
 */
public interface LeaderElection extends AutoCloseable {
  /** Blocks until this candidate is the leader, or the thread is interrupted. */
  void campaign() throws InterruptedException;

  /** True while this candidate holds leadership. */
  boolean isLeader();

  /** Gives leadership up (if held) and leaves the election. */
  @Override
  void close();
}
