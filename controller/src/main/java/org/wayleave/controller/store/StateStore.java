package org.wayleave.controller.store;

import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The only source of truth: a revisioned key-value store. Every successful write that changes
 * something moves a single global revision forward by one; a transaction's changes all carry the
 * same revision. A write returns only after it is durable.
 *
 * <p>Implementations are thread-safe.
 */
public interface StateStore extends AutoCloseable {

  /** The current value of {@code key}, or empty if absent. */
  Optional<KeyValue> get(String key);

  /** Every key starting with {@code prefix}, sorted by key, read at one revision. */
  Range list(String prefix);

  /**
   * Every key starting with {@code prefix} as it stood at {@code revision} (keys deleted by then
   * are absent), sorted by key; the range's revision is {@code revision}.
   *
   * @throws CompactedException if history at {@code revision} is no longer kept
   * @throws IllegalArgumentException if {@code revision} is negative or ahead of the store
   */
  Range listAt(String prefix, long revision);

  /** The current (latest committed) revision; 0 for an empty store. */
  long revision();

  /**
   * Applies {@code txn} atomically if all its compares hold. A transaction that writes nothing
   * succeeds without moving the revision.
   *
   * @throws StoreException if the write failed; nothing was written then
   */
  TxnResult txn(Txn txn);

  /**
   * Delivers every change under {@code prefix} with a revision greater than {@code fromRevision},
   * first from history, then live, without gaps or duplicates.
   *
   * @param fromRevision 0 means "from now"
   * @throws CompactedException if history older than {@code fromRevision} is no longer kept
   */
  Watch watch(String prefix, long fromRevision, WatchListener listener);

  /**
   * Audit records of transactions that touched a key under {@code prefix}, newest first.
   *
   * @param beforeRevision only records older than this; 0 means no bound
   * @param limit at most this many records
   */
  List<AuditRecord> audit(String prefix, long beforeRevision, int limit);

  /** Joins the named leader election as {@code candidateId}. */
  LeaderElection leaderElection(String name, String candidateId);

  @Override
  void close();

  /**
   * Hears, after each commit, how long it took from the call to the durable commit (waiting for the
   * write lock included), for metrics; replaces any listener before. A store that does not time its
   * commits ignores it.
   */
  default void onCommit(LongConsumer nanos) {}
}
