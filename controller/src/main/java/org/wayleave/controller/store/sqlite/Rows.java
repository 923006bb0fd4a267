package org.wayleave.controller.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StoreEvent;

/**
 * Rows to values and prefixes to SQL: reads a {@code kv} row as a {@link KeyValue} and a {@code
 * log} row as a {@link StoreEvent}, and turns "key starts with prefix" into a range the key indexes
 * can serve.
 */
final class Rows {
  /**
   * One current key: bind the key as parameter 1, read with {@link #selectKv(PreparedStatement,
   * String)}.
   */
  static final String SELECT_KV =
      "SELECT key, value, create_rev, mod_rev, version FROM kv WHERE key = ?";

  private Rows() {}

  static KeyValue selectKv(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(SELECT_KV)) {
      return selectKv(ps, key);
    }
  }

  static KeyValue selectKv(PreparedStatement ps, String key) throws SQLException {
    ps.setString(1, key);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? kv(rs, 1) : null;
    }
  }

  /**
   * The key, value, create revision, mod revision and version in the columns from {@code first} on
   * (in that order) of the current row.
   */
  static KeyValue kv(ResultSet rs, int first) throws SQLException {
    return new KeyValue(
        rs.getString(first),
        rs.getBytes(first + 1),
        rs.getLong(first + 2),
        rs.getLong(first + 3),
        rs.getLong(first + 4));
  }

  static StoreEvent eventFromLog(ResultSet rs, long rev) throws SQLException {
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
  static String keyRange(String column, String prefix) {
    return prefixEnd(prefix) == null ? column + " >= ?" : column + " >= ? AND " + column + " < ?";
  }

  /** Binds the parameters of {@link #keyRange} from {@code index}; returns the next index. */
  static int bindKeyRange(PreparedStatement ps, int index, String prefix) throws SQLException {
    ps.setString(index++, prefix);
    String end = prefixEnd(prefix);
    if (end != null) {
      ps.setString(index++, end);
    }
    return index;
  }
}
