package org.wayleave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The floor a durable write cannot go under: one fsync'd SQLite commit of a small row, with the
 * same driver and pragmas as the controller's store ({@code SqliteStateStore}: WAL, {@code
 * synchronous=FULL}, autocommit off), on a separate database file in the same directory tree as the
 * controller's.
 */
final class RawSqliteCommit {
  static final int BLOB_BYTES = 200;

  private RawSqliteCommit() {}

  /** The pragmas the store sets, checked back so the comparison is like for like. */
  record Settings(String journalMode, int synchronous) {}

  /**
   * Runs {@code warmup} unrecorded then {@code count} recorded commits into {@code into}.
   *
   * @return the pragmas as SQLite reported them
   */
  static Settings run(Path db, int warmup, int count, Latency into)
      throws SQLException, IOException {
    Files.createDirectories(db.getParent());
    Random random = new Random(42);
    byte[] blob = new byte[BLOB_BYTES];
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      Settings settings;
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute("PRAGMA busy_timeout=10000");
        s.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, value BLOB NOT NULL)");
        String mode;
        try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
          mode = rs.next() ? rs.getString(1) : "?";
        }
        int sync;
        try (ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
          sync = rs.next() ? rs.getInt(1) : -1;
        }
        settings = new Settings(mode, sync);
      }
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO raw (value) VALUES (?)")) {
        for (int i = 0; i < warmup + count; i++) {
          random.nextBytes(blob);
          long t0 = System.nanoTime();
          ins.setBytes(1, blob);
          ins.executeUpdate();
          c.commit();
          long nanos = System.nanoTime() - t0;
          if (i >= warmup) {
            into.record(nanos);
          }
        }
      }
      return settings;
    }
  }
}
