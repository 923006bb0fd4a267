package org.wayleave.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where a benchmark writes by default (its JSON under {@code bench/results}, its data under {@code
 * bench/target/bench-data}), and how it names those places in what it prints and records: relative
 * to the working directory, since results are committed and machine paths are not.
 */
final class BenchPaths {
  /** Data directory time stamps to the millisecond. */
  static final String STAMP_MILLIS = "yyyyMMdd-HHmmss-SSS";

  /** Data directory time stamps to the second. */
  static final String STAMP_SECONDS = "yyyyMMdd-HHmmss";

  private BenchPaths() {}

  /** {@code bench/results/<benchmark>-<yyyy-MM-dd>.json} under {@code cwd}. */
  static Path defaultOut(Path cwd, String benchmark) {
    return cwd.resolve("bench/results/" + benchmark + "-" + LocalDate.now() + ".json");
  }

  /** A fresh {@code bench/target/bench-data/<benchmark>-<stamp>} under {@code cwd}. */
  static Path defaultDataDir(Path cwd, String benchmark, String stampPattern) {
    return cwd.resolve(
        "bench/target/bench-data/"
            + benchmark
            + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern(stampPattern)));
  }

  /** {@code file} relative to {@code cwd} if it is under it, else as given. */
  static Path shown(Path cwd, Path file) {
    Path abs = file.toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs) : file;
  }

  /** {@code dir} relative to {@code cwd} if it is under it, else its last name alone. */
  static String recorded(Path cwd, Path dir) {
    Path abs = dir.toAbsolutePath();
    return abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.getFileName().toString();
  }
}
