package org.wayleave.controller.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.Range;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}, so a commit
 * returns only after the write-ahead log is fsync'd. One writer connection (writes are serialised
 * by a lock, as SQLite serialises them anyway) and one reader connection for point reads and
 * listings; watch catch-up reads use a connection of their own.
 *
 * <p>Tables: {@code kv} (current state), {@code log} (every change with its previous value, by
 * revision: the watch history and the audit's before/after), {@code audit} (who and what, one row
 * per revision) and {@code meta} (the current revision). A data directory is held by one process at
 * a time through an OS file lock.
 *
 * <p>This class holds the connections, the locks and the revision; the work is done by {@link
 * SqliteSchema} (file and tables), {@link TxnWriter} (writes), {@link RangeQueries} and {@link
 * AuditQueries} (reads), {@link WatchHub} (watches) and {@link DirectoryLock} (the data directory).
 */
public final class SqliteStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);
  static final String DB_FILE = "wayleave.db";

  private final Path dbPath;
  private final DirectoryLock dirLock;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
  private long groups;
  private final Object readLock = new Object();
  private final TxnWriter txnWriter;
  private final WatchHub watches;
  private volatile long revision;
  private volatile boolean closed;
  private volatile LongConsumer commitObserver = nanos -> {};

  /** A query run in a read transaction on the reader connection. */
  @FunctionalInterface
  private interface ReadQuery<T> {
    T run(Connection reader) throws SQLException;
  }

  private SqliteStateStore(Path dir, Clock clock) throws IOException, SQLException {
    Files.createDirectories(dir);
    Path realDir = dir.toRealPath();
    this.dbPath = realDir.resolve(DB_FILE);
    DirectoryLock held = DirectoryLock.acquire(realDir, dir);
    Connection wc = null;
    Connection rc = null;
    try {
      wc = SqliteSchema.connect(dbPath);
      SqliteSchema.create(wc);
      wc.setAutoCommit(false);
      rc = SqliteSchema.connect(dbPath);
      rc.setAutoCommit(false);
      this.revision = SqliteSchema.readRevision(wc);
    } catch (SQLException | RuntimeException e) {
      // Leave nothing behind: no open connection, no lock, the directory free for a later open.
      closeQuietly(rc);
      closeQuietly(wc);
      held.abandon(e);
      throw e;
    }
    this.dirLock = held;
    this.writer = wc;
    this.reader = rc;
    this.txnWriter = new TxnWriter(wc, clock);
    this.watches = new WatchHub(dbPath);
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @throws StoreException if the directory is held by another process or the file is unusable
   */
  public static SqliteStateStore open(Path dir) {
    return open(dir, Clock.systemUTC());
  }

  /** As {@link #open(Path)}, stamping audit records with {@code clock}. */
  public static SqliteStateStore open(Path dir, Clock clock) {
    try {
      SqliteStateStore store = new SqliteStateStore(dir, clock);
      log.info(
          "SQLite store open at {} (WAL, synchronous=FULL), revision {}",
          store.dbPath,
          store.revision);
      return store;
    } catch (IOException | SQLException e) {
      throw new StoreException("cannot open SQLite store in " + dir + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<KeyValue> get(String key) {
    ensureOpen();
    return Optional.ofNullable(read("get " + key, c -> Rows.selectKv(c, key)));
  }

  @Override
  public Range list(String prefix) {
    ensureOpen();
    // One read transaction: the rows and the revision come from the same snapshot.
    return read("list " + prefix, c -> RangeQueries.list(c, prefix));
  }

  @Override
  public Range listAt(String prefix, long rev) {
    ensureOpen();
    if (rev < 0 || rev > revision) {
      throw new IllegalArgumentException(
          "revision must be within 0-" + revision + " (got " + rev + ")");
    }
    return read("listAt " + prefix + " @" + rev, c -> RangeQueries.listAt(c, prefix, rev));
  }

  @Override
  public List<AuditRecord> audit(String prefix, long beforeRevision, int limit) {
    ensureOpen();
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return read("audit query", c -> AuditQueries.page(c, prefix, beforeRevision, limit));
  }

  /**
   * Runs {@code query} in one read transaction on the reader connection; an SQL failure rolls it
   * back and is reported as "{@code what} failed".
   */
  private <T> T read(String what, ReadQuery<T> query) {
    synchronized (readLock) {
      try {
        T result = query.run(reader);
        reader.commit();
        return result;
      } catch (SQLException e) {
        rollbackQuietly(reader);
        throw new StoreException(what + " failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public long revision() {
    return revision;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Hears how long each committed write took, in nanoseconds from the call (waiting for the write
   * lock included) to the durable commit; for metrics. Called on the writer's thread, after the
   * commit: keep it quick. Replaces any observer before.
   */
  public void onCommit(LongConsumer nanos) {
    this.commitObserver = Objects.requireNonNull(nanos, "nanos");
  }

  /** A caller's transaction waiting for the write lock, committed by whoever takes it first. */
  private static final class Pending {
    final Txn txn;
    final long startNanos = System.nanoTime();
    TxnWriter.Outcome outcome;
    RuntimeException error;
    boolean done;

    Pending(Txn txn) {
      this.txn = txn;
    }
  }

  /** The most transactions committed together. */
  static final int MAX_GROUP = 256;

  /**
   * Commits {@code txn}. Group commit: callers that arrive while another commits queue up, and the
   * next to take the write lock stages every queued transaction in turn (each checked against the
   * ones before it, with a revision, log rows and audit row of its own, exactly as one after the
   * other) in one SQLite transaction, so they share one fsync; the others find theirs done. Nothing
   * is acknowledged before the commit that holds it. A lone caller commits alone, as before.
   */
  @Override
  public TxnResult txn(Txn txn) {
    Pending p = new Pending(txn);
    queue.add(p);
    writeLock.lock();
    try {
      while (!p.done) {
        if (closed) {
          queue.remove(p);
          ensureOpen();
        }
        commitGroup(drain());
      }
    } finally {
      writeLock.unlock();
    }
    if (p.error != null) {
      throw p.error;
    }
    return p.outcome.result();
  }

  private List<Pending> drain() {
    List<Pending> group = new ArrayList<>();
    for (Pending q = queue.poll(); q != null; q = queue.poll()) {
      group.add(q);
      if (group.size() == MAX_GROUP) {
        break;
      }
    }
    return group;
  }

  /** Commits {@code group} in one SQLite transaction; on any failure, one at a time instead. */
  private void commitGroup(List<Pending> group) {
    if (group.size() == 1) {
      commitOne(group.get(0));
      return;
    }
    long rev = revision;
    boolean wrote = false;
    try {
      for (Pending p : group) {
        try {
          p.outcome = txnWriter.stage(p.txn, rev);
          if (!p.outcome.events().isEmpty()) {
            rev = p.outcome.result().revision();
            wrote = true;
          }
        } catch (NotLeaderException e) {
          p.error = e; // nothing of it was written
        }
      }
      if (wrote) {
        writer.commit();
      } else {
        writer.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(writer);
      log.debug("group of {} transactions failed; committing them one by one", group.size(), e);
      for (Pending p : group) {
        p.outcome = null;
        p.error = null;
        commitOne(p);
      }
      return;
    }
    groups++;
    group.forEach(this::done);
  }

  private void commitOne(Pending p) {
    try {
      p.outcome = txnWriter.write(p.txn, revision);
      groups++;
    } catch (SQLException e) {
      rollbackQuietly(writer);
      p.error = new StoreException("transaction failed, nothing written: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      rollbackQuietly(writer);
      p.error = e;
    }
    done(p);
  }

  /** Publishes what {@code p} committed, in revision order, and marks it done. */
  private void done(Pending p) {
    if (p.error == null && !p.outcome.events().isEmpty()) {
      long rev = p.outcome.result().revision();
      revision = rev;
      try {
        commitObserver.accept(System.nanoTime() - p.startNanos);
      } catch (RuntimeException e) {
        log.warn("commit observer failed", e);
      }
      watches.publish(rev, p.outcome.events());
    }
    p.done = true;
  }

  /** Transactions queued for the write lock, for tests. */
  int queued() {
    return queue.size();
  }

  /** SQLite transactions ended (committed or rolled back) by {@link #txn}, for tests. */
  long groups() {
    writeLock.lock();
    try {
      return groups;
    } finally {
      writeLock.unlock();
    }
  }

  // ---------------------------------------------------------------- watch

  @Override
  public Watch watch(String prefix, long fromRevision, WatchListener listener) {
    if (fromRevision < 0) {
      throw new IllegalArgumentException("fromRevision cannot be negative: " + fromRevision);
    }
    Subscription sub;
    writeLock.lock();
    try {
      ensureOpen();
      long compacted = readMetaQuietly("compacted");
      if (fromRevision > 0 && fromRevision < compacted) {
        throw new CompactedException(fromRevision, compacted);
      }
      long now = revision;
      // A fromRevision ahead of the store means: only what comes after it (see offer).
      long from = fromRevision == 0 ? now : fromRevision;
      // Registered under the write lock: every revision <= now comes from history, every later
      // one from the live queue, so nothing is missed or delivered twice.
      sub = watches.register(prefix, listener, from, now);
    } finally {
      writeLock.unlock();
    }
    watches.start(sub);
    return sub;
  }

  private long readMetaQuietly(String name) {
    try {
      long v = SqliteSchema.readMeta(writer, name);
      writer.rollback();
      return v;
    } catch (SQLException e) {
      throw new StoreException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- leadership

  /**
   * The embedded store serves one process (the data directory is locked), so that process is always
   * the leader.
   */
  @Override
  public LeaderElection leaderElection(String name, String candidateId) {
    ensureOpen();
    return new LeaderElection() {
      private volatile boolean leader;

      @Override
      public void campaign() {
        leader = !closed;
      }

      @Override
      public boolean isLeader() {
        return leader && !closed;
      }

      @Override
      public long term() {
        return isLeader() ? 1 : 0;
      }

      /** Unfenced: nobody else can write this store while the process holds its directory. */
      @Override
      public Fence fence() {
        return null;
      }

      @Override
      public Optional<String> leader() {
        return isLeader() ? Optional.of(candidateId) : Optional.empty();
      }

      @Override
      public void close() {
        leader = false;
      }
    };
  }

  // ---------------------------------------------------------------- lifecycle

  private void ensureOpen() {
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed", e);
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      writeLock.unlock();
    }
    watches.close();
    synchronized (readLock) {
      closeQuietly(reader);
    }
    closeQuietly(writer);
    dirLock.release();
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("close failed", e);
    }
  }
}
