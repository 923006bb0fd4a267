package org.wayleave.bench;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The HA benchmark's command-line flags (a picocli mixin of {@link HaBenchmark}): the sizes of the
 * store comparison ({@link StoreSizes}, as the core benchmark's), and those of the failover runs.
 */
final class HaOptions {
  static final int ETCD_MEMBERS = 3;
  static final int CONTROLLERS = 2;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "JSON output (default: bench/results/ha-<yyyy-MM-dd>.json under the working directory).")
  Path out;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the stores, etcd members and child processes keep their data, empty or absent"
              + " (default: a fresh directory under bench/target/bench-data). Deleted afterwards"
              + " unless --keep-data.")
  Path dir;

  @Mixin StoreSizes sizes = new StoreSizes(5);

  @Option(
      names = "--kills",
      paramLabel = "N",
      defaultValue = "20",
      description = "Leader SIGKILLs (default: ${DEFAULT-VALUE}; at least 20 for a result).")
  int kills;

  @Option(
      names = "--max-creates",
      paramLabel = "N",
      defaultValue = "30000",
      description =
          "Most circuits the writers create during the failover runs, together"
              + " (default: ${DEFAULT-VALUE}).")
  int maxCreates;

  @Option(
      names = "--write-interval-ms",
      paramLabel = "MS",
      defaultValue = "50",
      description =
          "Pause of each writer after each create; one writer per controller"
              + " (default: ${DEFAULT-VALUE}).")
  int writeIntervalMs;

  @Option(
      names = "--failover-timeout-s",
      paramLabel = "S",
      defaultValue = "30",
      description =
          "Longest wait for a new leader, a write and a push after a kill, and for the topology"
              + " to settle (default: ${DEFAULT-VALUE}).")
  int failoverTimeoutS;

  @Option(
      names = "--timeout-s",
      paramLabel = "S",
      defaultValue = "3600",
      description = "Give up the failover runs after this long (default: ${DEFAULT-VALUE}).")
  int timeoutS;

  @Option(
      names = "--controller-heap",
      paramLabel = "SIZE",
      defaultValue = "384m",
      description = "-Xmx of each controller's JVM (default: ${DEFAULT-VALUE}).")
  String controllerHeap;

  @Option(
      names = "--sim-heap",
      paramLabel = "SIZE",
      defaultValue = "384m",
      description = "-Xmx of the simulator's JVM (default: ${DEFAULT-VALUE}).")
  String simHeap;

  @Option(
      names = "--no-snmp",
      description =
          "Simulated routers do not answer SNMP and the controllers do not poll (the default"
              + " polls, as deployed; routers bind 127.1.0.1-33:16161).")
  boolean noSnmp;

  @Option(
      names = "--insecure",
      description =
          "Controllers, agents and the benchmark's client talk plaintext (the default is mutual TLS"
              + " from a CA made for the run, as deployed).")
  boolean insecure;

  @Option(names = "--keep-data", description = "Keep the data directory after the run.")
  boolean keepData;

  @Mixin RunNotes said = new RunNotes();

  /** Fails with a usage error for a size out of bounds. */
  void validate(CommandLine cl, Workload workload) {
    sizes.validate(cl);
    CoreOptions.requireAtLeast(cl, "--kills", kills, 1);
    CoreOptions.requireAtLeast(cl, "--max-creates", maxCreates, 10);
    CoreOptions.requireAtLeast(cl, "--write-interval-ms", writeIntervalMs, 0);
    CoreOptions.requireAtLeast(cl, "--failover-timeout-s", failoverTimeoutS, 5);
    CoreOptions.requireAtLeast(cl, "--timeout-s", timeoutS, 10);
    // Each store, and the failover runs' store, starts empty but for the seed.
    long most = Math.max(sizes.circuits(), maxCreates);
    if (most > workload.capacity()) {
      throw new CommandLine.ParameterException(
          cl,
          "these sizes create up to "
              + most
              + " circuits in one store, but the "
              + CoreBenchmark.SEED
              + " seed fits about "
              + workload.capacity()
              + "; use smaller sizes");
    }
  }
}
