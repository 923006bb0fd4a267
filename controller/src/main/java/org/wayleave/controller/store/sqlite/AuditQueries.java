package org.wayleave.controller.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.StoreEvent;

/**
 * Pages of the audit trail: the {@code audit} rows of transactions that touched a key prefix,
 * newest first, each with its changes from the log. Runs inside the caller's read transaction,
 * which it neither commits nor rolls back.
 */
final class AuditQueries {
  private AuditQueries() {}

  /**
   * @param beforeRevision only records older than this; 0 (or less) means no bound
   */
  static List<AuditRecord> page(Connection c, String prefix, long beforeRevision, int limit)
      throws SQLException {
    List<AuditRecord> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT a.rev, a.time_ms, a.principal, a.action FROM audit a"
                + " WHERE a.rev < ? AND EXISTS (SELECT 1 FROM log l WHERE l.rev = a.rev"
                + " AND "
                + Rows.keyRange("l.key", prefix)
                + ") ORDER BY a.rev DESC LIMIT ?")) {
      ps.setLong(1, beforeRevision <= 0 ? Long.MAX_VALUE : beforeRevision);
      int next = Rows.bindKeyRange(ps, 2, prefix);
      ps.setInt(next, limit);
      try (ResultSet rs = ps.executeQuery();
          PreparedStatement ev =
              c.prepareStatement("SELECT * FROM log WHERE rev = ? ORDER BY seq")) {
        while (rs.next()) {
          long rev = rs.getLong(1);
          out.add(
              new AuditRecord(
                  rev,
                  Instant.ofEpochMilli(rs.getLong(2)),
                  rs.getString(3),
                  rs.getString(4),
                  changes(ev, rev)));
        }
      }
    }
    return out;
  }

  /** The changes of revision {@code rev}, in the order they were written. */
  private static List<StoreEvent> changes(PreparedStatement ev, long rev) throws SQLException {
    List<StoreEvent> changes = new ArrayList<>();
    ev.setLong(1, rev);
    try (ResultSet e = ev.executeQuery()) {
      while (e.next()) {
        changes.add(Rows.eventFromLog(e, rev));
      }
    }
    return changes;
  }
}
