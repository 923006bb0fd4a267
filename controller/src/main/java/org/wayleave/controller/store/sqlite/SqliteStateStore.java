package org.wayleave.controller.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.Range;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
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
 */
public final class SqliteStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteStateStore.class);
  static final String DB_FILE = "wayleave.db";
  private static final String LOCK_FILE = "wayleave.lock";

  /**
   * The data directories (real paths) this JVM holds. OS file locks belong to the process, not to a
   * channel, and closing any channel on the lock file drops all of the process's locks on it; so a
   * second open in this JVM must be refused before it opens the lock file at all.
   */
  private static final Set<Path> HELD_DIRS = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final Path dbPath;
  private final Clock clock;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object readLock = new Object();
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ExecutorService dispatcher;
  private volatile long revision;
  private volatile boolean closed;
  private volatile LongConsumer commitObserver = nanos -> {};

  private SqliteStateStore(Path dir, Clock clock) throws IOException, SQLException {
    this.clock = clock;
    Files.createDirectories(dir);
    this.dir = dir.toRealPath();
    this.dbPath = this.dir.resolve(DB_FILE);
    if (!HELD_DIRS.add(this.dir)) {
      throw new StoreException(
          "data directory " + dir + " is in use by another Wayleave store in this process");
    }
    FileChannel channel = null;
    Connection wc = null;
    Connection rc = null;
    try {
      channel =
          FileChannel.open(
              this.dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new StoreException(
            "data directory "
                + dir
                + " is in use by another Wayleave process ("
                + LOCK_FILE
                + " is locked)");
      }
      wc = connect(dbPath);
      createSchema(wc);
      wc.setAutoCommit(false);
      rc = connect(dbPath);
      rc.setAutoCommit(false);
      this.revision = readRevision(wc);
      this.lockChannel = channel;
      this.fileLock = lock;
    } catch (IOException | SQLException | RuntimeException e) {
      // Leave nothing behind: no open connection, no lock, the directory free for a later open.
      closeQuietly(rc);
      closeQuietly(wc);
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      HELD_DIRS.remove(this.dir);
      throw e;
    }
    this.writer = wc;
    this.reader = rc;
    AtomicInteger n = new AtomicInteger();
    this.dispatcher =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "wayleave-store-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
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

  static Connection connect(Path db) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // FULL: fsync the WAL on every commit, so an acknowledged write survives power loss.
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  private static void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
              + " create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, version INTEGER NOT NULL)"
              + " WITHOUT ROWID");
      s.execute(
          "CREATE TABLE IF NOT EXISTS log (rev INTEGER NOT NULL, seq INTEGER NOT NULL, key TEXT NOT"
              + " NULL, deleted INTEGER NOT NULL, value BLOB, create_rev INTEGER NOT NULL, version"
              + " INTEGER NOT NULL, prev_value BLOB, prev_create_rev INTEGER, prev_mod_rev INTEGER,"
              + " prev_version INTEGER, PRIMARY KEY (rev, seq))");
      s.execute("CREATE INDEX IF NOT EXISTS log_key ON log (key, rev)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS audit (rev INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL,"
              + " principal TEXT NOT NULL, action TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      s.execute(
          "INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 0), ('compacted', 0)");
    }
  }

  private static long readRevision(Connection c) throws SQLException {
    return readMeta(c, "revision");
  }

  private static long readMeta(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  @Override
  public Optional<KeyValue> get(String key) {
    ensureOpen();
    synchronized (readLock) {
      try {
        KeyValue kv = selectKv(reader, key);
        reader.commit();
        return Optional.ofNullable(kv);
      } catch (SQLException e) {
        rollbackQuietly(reader);
        throw new StoreException("get " + key + " failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Range list(String prefix) {
    ensureOpen();
    synchronized (readLock) {
      try {
        // One read transaction: the rows and the revision come from the same snapshot.
        long rev = readRevision(reader);
        List<KeyValue> kvs = new ArrayList<>();
        try (PreparedStatement ps =
            reader.prepareStatement(
                "SELECT key, value, create_rev, mod_rev, version FROM kv"
                    + " WHERE "
                    + keyRange("key", prefix)
                    + " ORDER BY key")) {
          bindKeyRange(ps, 1, prefix);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              kvs.add(
                  new KeyValue(
                      rs.getString(1),
                      rs.getBytes(2),
                      rs.getLong(3),
                      rs.getLong(4),
                      rs.getLong(5)));
            }
          }
        }
        reader.commit();
        return new Range(kvs, rev);
      } catch (SQLException e) {
        rollbackQuietly(reader);
        throw new StoreException("list " + prefix + " failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public Range listAt(String prefix, long rev) {
    ensureOpen();
    if (rev < 0 || rev > revision) {
      throw new IllegalArgumentException(
          "revision must be within 0-" + revision + " (got " + rev + ")");
    }
    synchronized (readLock) {
      try {
        long compacted = readMeta(reader, "compacted");
        if (rev < compacted) {
          throw new CompactedException(rev, compacted);
        }
        List<KeyValue> kvs = new ArrayList<>();
        try (PreparedStatement ps =
            reader.prepareStatement(
                "SELECT l.key, l.deleted, l.value, l.create_rev, l.rev, l.version FROM log l JOIN"
                    + " (SELECT key, MAX(rev) AS rev FROM log WHERE "
                    + keyRange("key", prefix)
                    + " AND rev <= ? GROUP BY key) m"
                    + " ON l.key = m.key AND l.rev = m.rev ORDER BY l.key")) {
          int next = bindKeyRange(ps, 1, prefix);
          ps.setLong(next, rev);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              if (rs.getInt(2) == 0) {
                kvs.add(
                    new KeyValue(
                        rs.getString(1),
                        rs.getBytes(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6)));
              }
            }
          }
        }
        reader.commit();
        return new Range(kvs, rev);
      } catch (SQLException e) {
        rollbackQuietly(reader);
        throw new StoreException("listAt " + prefix + " @" + rev + " failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public long revision() {
    return revision;
  }

  /**
   * Hears how long each committed write took, in nanoseconds from the call (waiting for the write
   * lock included) to the durable commit; for metrics. Called on the writer's thread, after the
   * commit: keep it quick. Replaces any observer before.
   */
  public void onCommit(LongConsumer nanos) {
    this.commitObserver = Objects.requireNonNull(nanos, "nanos");
  }

  @Override
  public TxnResult txn(Txn txn) {
    long start = System.nanoTime();
    writeLock.lock();
    try {
      ensureOpen();
      try (PreparedStatement sel =
          writer.prepareStatement(
              "SELECT key, value, create_rev, mod_rev, version FROM kv WHERE key = ?")) {
        // Keys read for the compares are read once: the writes below reuse them as "before".
        Map<String, KeyValue> read = new HashMap<>();
        for (Compare c : txn.compares()) {
          KeyValue cur = selectKv(sel, c.key());
          read.put(c.key(), cur);
          long modRev = cur == null ? 0 : cur.modRevision();
          if (modRev != c.expectedModRevision()) {
            writer.rollback();
            return new TxnResult(false, revision);
          }
        }
        if (txn.isEmpty()) {
          writer.rollback();
          return new TxnResult(true, revision);
        }
        long rev = revision + 1;
        List<StoreEvent> events = applyWrites(txn, rev, sel, read);
        if (events.isEmpty()) {
          writer.rollback();
          return new TxnResult(true, revision);
        }
        insertLog(rev, events);
        try (PreparedStatement ps =
            writer.prepareStatement(
                "INSERT INTO audit (rev, time_ms, principal, action) VALUES (?, ?, ?, ?)")) {
          ps.setLong(1, rev);
          ps.setLong(2, clock.millis());
          ps.setString(3, txn.audit().principal());
          ps.setString(4, txn.audit().action());
          ps.executeUpdate();
        }
        try (PreparedStatement ps =
            writer.prepareStatement("UPDATE meta SET value = ? WHERE name = 'revision'")) {
          ps.setLong(1, rev);
          ps.executeUpdate();
        }
        writer.commit();
        revision = rev;
        try {
          commitObserver.accept(System.nanoTime() - start);
        } catch (RuntimeException e) {
          log.warn("commit observer failed", e);
        }
        publish(rev, events);
        return new TxnResult(true, rev);
      } catch (SQLException e) {
        rollbackQuietly(writer);
        throw new StoreException("transaction failed, nothing written: " + e.getMessage(), e);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private List<StoreEvent> applyWrites(
      Txn txn, long rev, PreparedStatement sel, Map<String, KeyValue> read) throws SQLException {
    List<StoreEvent> events = new ArrayList<>(txn.puts().size() + txn.deletes().size());
    try (PreparedStatement upsert =
            writer.prepareStatement(
                "INSERT INTO kv (key, value, create_rev, mod_rev, version) VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                    + " mod_rev = excluded.mod_rev, version = excluded.version");
        PreparedStatement del = writer.prepareStatement("DELETE FROM kv WHERE key = ?")) {
      for (var e : txn.puts().entrySet()) {
        KeyValue prev =
            read.containsKey(e.getKey()) ? read.get(e.getKey()) : selectKv(sel, e.getKey());
        KeyValue next =
            new KeyValue(
                e.getKey(),
                e.getValue(),
                prev == null ? rev : prev.createRevision(),
                rev,
                prev == null ? 1 : prev.version() + 1);
        upsert.setString(1, next.key());
        upsert.setBytes(2, next.value());
        upsert.setLong(3, next.createRevision());
        upsert.setLong(4, rev);
        upsert.setLong(5, next.version());
        upsert.addBatch();
        events.add(new StoreEvent(StoreEvent.Type.PUT, next, prev));
      }
      upsert.executeBatch();
      for (String key : txn.deletes()) {
        KeyValue prev = read.containsKey(key) ? read.get(key) : selectKv(sel, key);
        if (prev == null) {
          continue;
        }
        del.setString(1, key);
        del.executeUpdate();
        events.add(
            new StoreEvent(
                StoreEvent.Type.DELETE,
                new KeyValue(key, null, prev.createRevision(), rev, 0),
                prev));
      }
    }
    return events;
  }

  private void insertLog(long rev, List<StoreEvent> events) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement(
            "INSERT INTO log (rev, seq, key, deleted, value, create_rev, version, prev_value,"
                + " prev_create_rev, prev_mod_rev, prev_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
      int seq = 0;
      for (StoreEvent ev : events) {
        KeyValue kv = ev.kv();
        KeyValue prev = ev.prevKv();
        ps.setLong(1, rev);
        ps.setInt(2, seq++);
        ps.setString(3, kv.key());
        ps.setInt(4, ev.type() == StoreEvent.Type.DELETE ? 1 : 0);
        ps.setBytes(5, ev.type() == StoreEvent.Type.DELETE ? null : kv.value());
        ps.setLong(6, kv.createRevision());
        ps.setLong(7, kv.version());
        if (prev == null) {
          ps.setNull(8, Types.BLOB);
          ps.setNull(9, Types.INTEGER);
          ps.setNull(10, Types.INTEGER);
          ps.setNull(11, Types.INTEGER);
        } else {
          ps.setBytes(8, prev.value());
          ps.setLong(9, prev.createRevision());
          ps.setLong(10, prev.modRevision());
          ps.setLong(11, prev.version());
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static KeyValue selectKv(Connection c, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT key, value, create_rev, mod_rev, version FROM kv WHERE key = ?")) {
      return selectKv(ps, key);
    }
  }

  private static KeyValue selectKv(PreparedStatement ps, String key) throws SQLException {
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      return new KeyValue(
          rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
    }
  }

  private static StoreEvent eventFromLog(ResultSet rs, long rev) throws SQLException {
    String key = rs.getString("key");
    boolean deleted = rs.getInt("deleted") == 1;
    KeyValue kv =
        new KeyValue(
            key, rs.getBytes("value"), rs.getLong("create_rev"), rev, rs.getLong("version"));
    byte[] prevValue = rs.getBytes("prev_value");
    KeyValue prev = null;
    long prevMod = rs.getLong("prev_mod_rev");
    if (!rs.wasNull()) {
      prev =
          new KeyValue(
              key, prevValue, rs.getLong("prev_create_rev"), prevMod, rs.getLong("prev_version"));
    }
    return new StoreEvent(deleted ? StoreEvent.Type.DELETE : StoreEvent.Type.PUT, kv, prev);
  }

  /**
   * The smallest string greater than every string starting with {@code prefix}, in code-point order
   * (the order SQLite compares UTF-8 text in), or null when there is none (the empty prefix, or one
   * made only of U+10FFFF): then the range has no upper bound.
   */
  static String prefixEnd(String prefix) {
    int[] cps = prefix.codePoints().toArray();
    for (int i = cps.length - 1; i >= 0; i--) {
      int next = cps[i] + 1;
      if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
        next = Character.MAX_SURROGATE + 1;
      }
      if (next <= Character.MAX_CODE_POINT) {
        return new String(cps, 0, i) + Character.toString(next);
      }
    }
    return null;
  }

  /** SQL for "{@code column} starts with prefix", as a range the key index can serve. */
  private static String keyRange(String column, String prefix) {
    return prefixEnd(prefix) == null ? column + " >= ?" : column + " >= ? AND " + column + " < ?";
  }

  /** Binds the parameters of {@link #keyRange} from {@code index}; returns the next index. */
  private static int bindKeyRange(PreparedStatement ps, int index, String prefix)
      throws SQLException {
    ps.setString(index++, prefix);
    String end = prefixEnd(prefix);
    if (end != null) {
      ps.setString(index++, end);
    }
    return index;
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
      sub = new Subscription(prefix, listener, from, now);
      subscriptions.add(sub);
    } finally {
      writeLock.unlock();
    }
    dispatcher.execute(() -> sub.guarded(sub::replayThenDrain));
    return sub;
  }

  private long readMetaQuietly(String name) {
    try {
      long v = readMeta(writer, name);
      writer.rollback();
      return v;
    } catch (SQLException e) {
      throw new StoreException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private void publish(long rev, List<StoreEvent> events) {
    for (Subscription s : subscriptions) {
      s.offer(rev, events);
    }
  }

  /** One watcher: replays history from a private connection, then delivers live batches. */
  private final class Subscription implements Watch {
    private final String prefix;
    private final WatchListener listener;
    private final long from;
    private final long replayTo;
    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private boolean replaying = true;
    private boolean draining;
    private volatile boolean stopped;

    Subscription(String prefix, WatchListener listener, long from, long replayTo) {
      this.prefix = prefix;
      this.listener = listener;
      this.from = from;
      this.replayTo = replayTo;
    }

    void offer(long rev, List<StoreEvent> events) {
      if (rev <= from) {
        return;
      }
      List<StoreEvent> mine = new ArrayList<>();
      for (StoreEvent e : events) {
        if (e.kv().key().startsWith(prefix)) {
          mine.add(e);
        }
      }
      if (mine.isEmpty()) {
        return;
      }
      boolean schedule;
      synchronized (this) {
        if (stopped) {
          return;
        }
        pending.add(new Batch(rev, List.copyOf(mine)));
        schedule = !replaying && !draining;
        if (schedule) {
          draining = true;
        }
      }
      if (schedule) {
        dispatcher.execute(() -> guarded(this::drain));
      }
    }

    /**
     * Runs a delivery task so that nothing it throws, not even an Error, can stall the watch
     * silently: the watcher is told and the watch ends.
     */
    void guarded(Runnable task) {
      try {
        task.run();
      } catch (Throwable t) {
        log.error("watch on {} failed", prefix, t);
        fail(new StoreException("watch delivery failed: " + t, t));
        if (t instanceof Error e && !(t instanceof LinkageError)) {
          throw e;
        }
      }
    }

    void replayThenDrain() {
      if (from < replayTo) {
        try {
          replay();
        } catch (SQLException | RuntimeException e) {
          fail(new StoreException("watch replay failed: " + e.getMessage(), e));
          return;
        }
      }
      synchronized (this) {
        replaying = false;
        draining = true;
      }
      drain();
    }

    private void replay() throws SQLException {
      try (Connection c = connect(dbPath);
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT * FROM log WHERE rev > ? AND rev <= ? AND "
                      + keyRange("key", prefix)
                      + " ORDER BY rev, seq")) {
        ps.setLong(1, from);
        ps.setLong(2, replayTo);
        bindKeyRange(ps, 3, prefix);
        ps.setFetchSize(1000);
        try (ResultSet rs = ps.executeQuery()) {
          long curRev = -1;
          List<StoreEvent> batch = new ArrayList<>();
          while (rs.next() && !stopped) {
            long rev = rs.getLong("rev");
            if (rev != curRev && !batch.isEmpty()) {
              deliver(curRev, batch);
              batch = new ArrayList<>();
            }
            curRev = rev;
            batch.add(eventFromLog(rs, rev));
          }
          if (!batch.isEmpty() && !stopped) {
            deliver(curRev, batch);
          }
        }
      }
    }

    private void drain() {
      while (true) {
        Batch b;
        synchronized (this) {
          b = pending.poll();
          if (b == null || stopped) {
            draining = false;
            return;
          }
        }
        deliver(b.rev, b.events);
      }
    }

    private void deliver(long rev, List<StoreEvent> events) {
      if (stopped) {
        return;
      }
      try {
        listener.onEvents(rev, List.copyOf(events));
      } catch (RuntimeException e) {
        log.warn("watch listener on {} threw; closing the watch", prefix, e);
        fail(e);
      }
    }

    void fail(Throwable t) {
      close();
      try {
        listener.onError(t);
      } catch (RuntimeException e) {
        log.debug("watch listener onError threw", e);
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        stopped = true;
        pending.clear();
      }
      subscriptions.remove(this);
    }
  }

  private record Batch(long rev, List<StoreEvent> events) {}

  // ---------------------------------------------------------------- audit

  @Override
  public List<AuditRecord> audit(String prefix, long beforeRevision, int limit) {
    ensureOpen();
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    synchronized (readLock) {
      try {
        List<AuditRecord> out = new ArrayList<>();
        try (PreparedStatement ps =
            reader.prepareStatement(
                "SELECT a.rev, a.time_ms, a.principal, a.action FROM audit a"
                    + " WHERE a.rev < ? AND EXISTS (SELECT 1 FROM log l WHERE l.rev = a.rev"
                    + " AND "
                    + keyRange("l.key", prefix)
                    + ") ORDER BY a.rev DESC LIMIT ?")) {
          ps.setLong(1, beforeRevision <= 0 ? Long.MAX_VALUE : beforeRevision);
          int next = bindKeyRange(ps, 2, prefix);
          ps.setInt(next, limit);
          try (ResultSet rs = ps.executeQuery();
              PreparedStatement ev =
                  reader.prepareStatement("SELECT * FROM log WHERE rev = ? ORDER BY seq")) {
            while (rs.next()) {
              long rev = rs.getLong(1);
              List<StoreEvent> changes = new ArrayList<>();
              ev.setLong(1, rev);
              try (ResultSet e = ev.executeQuery()) {
                while (e.next()) {
                  changes.add(eventFromLog(e, rev));
                }
              }
              out.add(
                  new AuditRecord(
                      rev,
                      Instant.ofEpochMilli(rs.getLong(2)),
                      rs.getString(3),
                      rs.getString(4),
                      changes));
            }
          }
        }
        reader.commit();
        return out;
      } catch (SQLException e) {
        rollbackQuietly(reader);
        throw new StoreException("audit query failed: " + e.getMessage(), e);
      }
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
    for (Subscription s : subscriptions) {
      s.fail(new StoreException("store closed"));
    }
    dispatcher.shutdown();
    try {
      dispatcher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (readLock) {
      closeQuietly(reader);
    }
    closeQuietly(writer);
    try {
      fileLock.release();
      lockChannel.close();
    } catch (IOException e) {
      log.debug("releasing the data directory lock failed", e);
    } finally {
      HELD_DIRS.remove(dir);
    }
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
