package org.wayleave.controller.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store's file and schema: opens a connection with the store's pragmas (WAL, {@code
 * synchronous=FULL}), creates the {@code kv}, {@code log}, {@code audit} and {@code meta} tables
 * when missing, and reads the counters kept in {@code meta}.
 */
final class SqliteSchema {
  private SqliteSchema() {}

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

  static void create(Connection c) throws SQLException {
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

  static long readRevision(Connection c) throws SQLException {
    return readMeta(c, "revision");
  }

  static long readMeta(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT value FROM meta WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }
}
