package org.wayleave.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The core benchmark's command-line flags (a picocli mixin of {@link CoreBenchmark}), and the
 * checks on them: each size within its bounds, and all of them together within what the seed's
 * routers can hold.
 */
final class CoreOptions {
  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "JSON output (default: bench/results/core-<yyyy-MM-dd>.json under the working"
              + " directory).")
  Path out;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Data directory, empty or absent (default: a fresh directory under"
              + " bench/target/bench-data). Keep it on the real disk, not tmpfs.")
  Path dir;

  @Mixin StoreSizes sizes = new StoreSizes(3);

  @Option(
      names = "--list",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "ListCircuits page_size, at most "
              + CoreBenchmark.MAX_PAGE_SIZE
              + " (default: ${DEFAULT-VALUE}).")
  int list;

  @Option(
      names = "--list-repeats",
      paramLabel = "N",
      defaultValue = "50",
      description = "Measured ListCircuits calls (default: ${DEFAULT-VALUE}).")
  int listRepeats;

  @Option(
      names = "--raw-commits",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured raw SQLite commits (default: ${DEFAULT-VALUE}).")
  int rawCommits;

  @Option(
      names = "--diag",
      paramLabel = "N",
      defaultValue = "300",
      description =
          "Iterations of each single-item diagnostic (0: skip diagnostics) (default:"
              + " ${DEFAULT-VALUE}).")
  int diag;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description =
          "Also record a JFR profile of the measured phases (create, raw commit, apply, list) into"
              + " FILE: settings 'profile', Java stacks sampled every 1 ms.")
  Path jfr;

  @Option(
      names = "--keep-data",
      description = "Keep the default data directory after the run (a --dir is always kept).")
  boolean keepData;

  @Mixin RunNotes said = new RunNotes();

  /** Unmeasured ListCircuits calls before the measured ones. */
  int listWarmup() {
    return Math.min(CoreBenchmark.LIST_WARMUP, listRepeats);
  }

  /** Circuits the creates and the applies (warm-up ones too) make, before any list fill. */
  long createdBeforeList() {
    return sizes.circuits();
  }

  /** Fails with a usage error for a size out of bounds. */
  void validate(CommandLine cl) {
    sizes.validate(cl);
    requireAtLeast(cl, "--list", list, 1);
    requireAtLeast(cl, "--list-repeats", listRepeats, 1);
    requireAtLeast(cl, "--raw-commits", rawCommits, 1);
    requireAtLeast(cl, "--diag", diag, 0);
    requireAtMost(
        cl, "--list", list, CoreBenchmark.MAX_PAGE_SIZE, "the server caps page_size there");
  }

  /** Fails with a usage error if the run would create more circuits than {@code workload} fits. */
  void checkCapacity(CommandLine cl, Workload workload) {
    long planned = createdBeforeList() + 2L * Math.max(0, diag);
    long fill = Math.max(0, list - createdBeforeList());
    if (planned + fill > workload.capacity()) {
      throw new CommandLine.ParameterException(
          cl,
          "these sizes create "
              + (planned + fill)
              + " circuits, but the "
              + CoreBenchmark.SEED
              + " seed fits about "
              + workload.capacity()
              + " at 1 Mbit/s each spread over "
              + workload.councils()
              + " routers before a VLAN pool or port runs out; use smaller sizes");
    }
  }

  /** Fails with a usage error unless {@code value <= max}, saying {@code why}. */
  static void requireAtMost(CommandLine cl, String name, int value, int max, String why) {
    if (value > max) {
      throw new CommandLine.ParameterException(
          cl, name + " must be at most " + max + " (" + why + "); got " + value);
    }
  }

  static void requireAtLeast(CommandLine cl, String name, int value, int min) {
    if (value < min) {
      throw new CommandLine.ParameterException(
          cl, name + " must be at least " + min + "; got " + value);
    }
  }
}
