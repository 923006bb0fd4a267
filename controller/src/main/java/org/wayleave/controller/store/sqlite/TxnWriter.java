package org.wayleave.controller.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;

/**
 * Writes transactions on the writer connection: checks the compares, applies the puts and deletes
 * to {@code kv}, logs every change with its previous value, adds the audit row and moves the
 * revision in {@code meta}, all in one SQLite transaction that it commits (or rolls back when there
 * is nothing to write); or stages several transactions in one SQLite transaction for the caller to
 * commit together. The caller holds the store's write lock and rolls back on an {@link
 * SQLException}.
 */
final class TxnWriter {
  private final Connection writer;
  private final Clock clock;

  /**
   * How a transaction ended.
   *
   * @param events the changes committed at {@code result.revision()}; empty when nothing was
   *     written
   */
  record Outcome(TxnResult result, List<StoreEvent> events) {
    static Outcome unchanged(boolean succeeded, long revision) {
      return new Outcome(new TxnResult(succeeded, revision), List.of());
    }
  }

  TxnWriter(Connection writer, Clock clock) {
    this.writer = writer;
    this.clock = clock;
  }

  /** Applies {@code txn} on top of the store at {@code revision} and commits it on its own. */
  Outcome write(Txn txn, long revision) throws SQLException {
    Outcome o;
    try {
      o = stage(txn, revision);
    } catch (NotLeaderException e) {
      writer.rollback();
      throw e;
    }
    if (o.events().isEmpty()) {
      writer.rollback();
    } else {
      writer.commit();
    }
    return o;
  }

  /**
   * Applies {@code txn} on top of the store at {@code revision} inside the open SQLite transaction,
   * neither committing nor rolling back: a transaction refused (a compare, the guard or the fence)
   * or with nothing to change writes nothing, so several can be staged one after another and
   * committed together, each seeing the ones before it.
   *
   * @throws NotLeaderException if the transaction's fence no longer holds (nothing written)
   */
  Outcome stage(Txn txn, long revision) throws SQLException {
    if (txn.fence() != null && !txn.fence().holds()) {
      throw new NotLeaderException(
          "refused: written under leadership in term "
              + txn.fence().term()
              + ", which this controller no longer holds");
    }
    try (PreparedStatement sel = writer.prepareStatement(Rows.SELECT_KV)) {
      // Keys read for the compares are read once: the writes below reuse them as "before".
      Map<String, KeyValue> read = new HashMap<>();
      if (!comparesHold(txn, sel, read) || changedSince(txn.since(), revision)) {
        return Outcome.unchanged(false, revision);
      }
      if (txn.isEmpty()) {
        return Outcome.unchanged(true, revision);
      }
      long rev = revision + 1;
      List<StoreEvent> events = applyWrites(txn, rev, sel, read);
      if (events.isEmpty()) {
        return Outcome.unchanged(true, revision);
      }
      insertLog(rev, events);
      insertAudit(rev, txn.audit());
      setRevision(rev);
      return new Outcome(new TxnResult(true, rev), events);
    }
  }

  /**
   * Whether every compare holds, stopping at the first that does not; {@code read} gets the keys.
   */
  private static boolean comparesHold(Txn txn, PreparedStatement sel, Map<String, KeyValue> read)
      throws SQLException {
    for (Compare c : txn.compares()) {
      KeyValue cur = Rows.selectKv(sel, c.key());
      read.put(c.key(), cur);
      long modRev = cur == null ? 0 : cur.modRevision();
      if (modRev != c.expectedModRevision()) {
        return false;
      }
    }
    return true;
  }

  /** Whether a key the guard covers changed after its revision (up to {@code revision}). */
  private boolean changedSince(Txn.Since since, long revision) throws SQLException {
    if (since == null || since.revision() >= revision) {
      return false;
    }
    if (since.revision() < SqliteSchema.readMeta(writer, "compacted")) {
      return true; // the changes since are no longer all logged: assume the worst
    }
    try (PreparedStatement ps = writer.prepareStatement("SELECT key FROM log WHERE rev > ?")) {
      ps.setLong(1, since.revision());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (since.covers(rs.getString(1))) {
            return true;
          }
        }
      }
    }
    return false;
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
            read.containsKey(e.getKey()) ? read.get(e.getKey()) : Rows.selectKv(sel, e.getKey());
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
        KeyValue prev = read.containsKey(key) ? read.get(key) : Rows.selectKv(sel, key);
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

  private void insertAudit(long rev, Audit audit) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement(
            "INSERT INTO audit (rev, time_ms, principal, action) VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, rev);
      ps.setLong(2, clock.millis());
      ps.setString(3, audit.principal());
      ps.setString(4, audit.action());
      ps.executeUpdate();
    }
  }

  private void setRevision(long rev) throws SQLException {
    try (PreparedStatement ps =
        writer.prepareStatement("UPDATE meta SET value = ? WHERE name = 'revision'")) {
      ps.setLong(1, rev);
      ps.executeUpdate();
    }
  }
}
