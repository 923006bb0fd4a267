package org.wayleave.controller.store;

/**
 * A leader's claim, put on a transaction ({@link Txn.Builder#fence}) so that the store commits it
 * only while the claim holds, checked in the same atomic step as the write: a deposed leader's
 * writes are refused with {@link NotLeaderException} however late they arrive. On etcd the claim is
 * the election's leader key at the revision it was created with; on the embedded store (one
 * process, which always leads) it is checked in the writing process.
 */
public interface Fence {
  /** Whether the claim still holds as far as this process knows (it may have been lost since). */
  boolean holds();

  /** The leader's term the claim was made in. */
  long term();
}
