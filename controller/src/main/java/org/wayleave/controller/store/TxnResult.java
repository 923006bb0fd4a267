package org.wayleave.controller.store;

/**
 * The outcome of a {@link Txn}.
 *
 * @param succeeded false when a compare failed (nothing was written)
 * @param revision the revision of the write when it succeeded and wrote something; otherwise the
 *     store revision the compares were checked at
 */
public record TxnResult(boolean succeeded, long revision) {}
