package org.wayleave.controller.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.Range;

/**
 * The listings of a key prefix: as it stands now (from {@code kv}) and as it stood at a past
 * revision (from the change log). Each runs inside the caller's read transaction, which it neither
 * commits nor rolls back.
 */
final class RangeQueries {
  private RangeQueries() {}

  /** Every key under {@code prefix} now; the rows and the revision come from one snapshot. */
  static Range list(Connection c, String prefix) throws SQLException {
    long rev = SqliteSchema.readRevision(c);
    List<KeyValue> kvs = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT key, value, create_rev, mod_rev, version FROM kv"
                + " WHERE "
                + Rows.keyRange("key", prefix)
                + " ORDER BY key")) {
      Rows.bindKeyRange(ps, 1, prefix);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          kvs.add(Rows.kv(rs, 1));
        }
      }
    }
    return new Range(kvs, rev);
  }

  /**
   * Every key under {@code prefix} as it stood at {@code rev}: the last logged change of each key
   * up to then, deletes left out.
   *
   * @throws CompactedException if the log before {@code rev} is no longer kept
   */
  static Range listAt(Connection c, String prefix, long rev) throws SQLException {
    long compacted = SqliteSchema.readMeta(c, "compacted");
    if (rev < compacted) {
      throw new CompactedException(rev, compacted);
    }
    List<KeyValue> kvs = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.deleted, l.key, l.value, l.create_rev, l.rev, l.version FROM log l JOIN"
                + " (SELECT key, MAX(rev) AS rev FROM log WHERE "
                + Rows.keyRange("key", prefix)
                + " AND rev <= ? GROUP BY key) m"
                + " ON l.key = m.key AND l.rev = m.rev ORDER BY l.key")) {
      int next = Rows.bindKeyRange(ps, 1, prefix);
      ps.setLong(next, rev);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getInt(1) == 0) {
            kvs.add(Rows.kv(rs, 2));
          }
        }
      }
    }
    return new Range(kvs, rev);
  }
}
