package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Op;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The southbound at scale, in the configuration people run. A controller in this JVM (mutual TLS on
 * both gRPC ports and HTTPS, SNMP polling on), {@code --devices} simulated routers spread over as
 * many child JVMs as the open-files limit needs (so this JVM's heap is the controller's alone),
 * then one Apply of {@code --circuits} circuits spread evenly over the routers. Measures the time
 * from the Apply to every circuit ACTIVE (agent applied and SNMP link up), the pushes sent against
 * the minimum (one per router) and those the agents found redundant, the controller's heap after a
 * full GC, and then a controller restart: every agent back and in sync, the reconnect rate's peak
 * to mean, the CPU the handshakes cost. Each transport of {@code --transports} is a run of its own
 * (mutual TLS first; plaintext beside it for comparison).
 *
 * <p>This class is the command; a run is a {@link SouthboundRun}, the JSON a {@link
 * SouthboundReport}.
 */
@Command(
    name = "southbound-benchmark",
    mixinStandardHelpOptions = true,
    description =
        "Apply to all ACTIVE, pushes vs minimum, controller heap, reconnect after a restart; over"
            + " mutual TLS and plaintext.")
public final class SouthboundBenchmark implements Callable<Integer> {
  @Option(
      names = "--devices",
      defaultValue = "10000",
      description = "Simulated routers (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--circuits",
      defaultValue = "100000",
      description = "Circuits in the one Apply (default: ${DEFAULT-VALUE}).")
  int circuits;

  @Option(
      names = "--transports",
      defaultValue = "mtls,plaintext",
      split = ",",
      description = "Runs, in order: mtls, plaintext or both (default: ${DEFAULT-VALUE}).")
  List<String> transports;

  @Option(
      names = "--poll-interval-s",
      defaultValue = "60",
      description =
          "The controller's SNMP poll interval, seconds; ACTIVE needs a poll to see the link up"
              + " (default: ${DEFAULT-VALUE}, the controller's own).")
  int pollIntervalSeconds;

  @Option(
      names = "--simulator-processes",
      defaultValue = "0",
      description =
          "Simulator child JVMs to spread the routers over; 0: as few as the open-files limit"
              + " allows (default: ${DEFAULT-VALUE}).")
  int simulatorProcesses;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description =
          "Also record a JFR profile of this JVM (the controller) over each run's measured phases"
              + " into FILE (a run's transport is added to the name).")
  Path jfr;

  @Option(
      names = "--out",
      description = "JSON output (default: bench/results/southbound-<date>.json).")
  Path out;

  @Option(
      names = "--dir",
      description = "Data directory (default: a fresh one under bench/target/bench-data).")
  Path dir;

  @Option(
      names = "--timeout-s",
      defaultValue = "600",
      description = "Give up a phase after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--sim-heap",
      defaultValue = "2g",
      description = "-Xmx of each simulator JVM (default: ${DEFAULT-VALUE}).")
  String simHeap;

  private final Progress progress = Progress.toStderr();

  public static void main(String[] args) {
    System.exit(new CommandLine(new SouthboundBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    String limits = checkFileDescriptors(devices);
    if (limits != null) {
      // Better said now than a controller failing on "Too many open files" halfway.
      System.err.println("bench southbound: " + limits);
      return 2;
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path data =
        dir != null ? dir : BenchPaths.defaultDataDir(cwd, "southbound", BenchPaths.STAMP_SECONDS);
    Path outFile = out != null ? out : BenchPaths.defaultOut(cwd, "southbound");
    List<Op> circuitOps = Workload.scaleCircuits(devices, circuits, "SCALE");
    List<SouthboundRun.Figures> runs = new ArrayList<>();
    for (String t : transports) {
      Path runData = data.resolve(t);
      Files.createDirectories(runData);
      HaPki pki =
          t.equals("mtls")
              ? HaPki.make(runData.resolve("pki"), List.of(SouthboundRun.CONTROLLER))
              : HaPki.insecure();
      runs.add(new SouthboundRun(this, progress, pki, runData).run(circuitOps));
    }
    ObjectNode root = SouthboundReport.build(this, data, runs);
    BenchJson.write(outFile, root);
    System.out.println(BenchJson.pretty(root.path("results")));
    System.out.println("written to " + BenchPaths.shown(cwd, outFile));
    return 0;
  }

  /**
   * Null if this machine lets the controller hold what {@code devices} agents need, else why not,
   * naming {@code ulimit -n}: this JVM holds a connection per agent. The simulators are spread over
   * as many processes as their two descriptors per router need ({@link SimulatorFleet}). The JVM
   * raises its soft limit to the hard one at start on Linux, and children inherit it, so the figure
   * is the effective one.
   */
  static String checkFileDescriptors(int devices) {
    return checkFileDescriptors(devices, OpenFiles.max(), OpenFiles.open());
  }

  static String checkFileDescriptors(int devices, long max, long open) {
    long need = devices + open + OpenFiles.HEADROOM;
    return OpenFiles.check(
        max,
        need,
        devices,
        "in the controller: a TLS connection per agent, plus what it has open and "
            + OpenFiles.HEADROOM
            + " spare",
        " (at most " + Math.max(0, max - open - OpenFiles.HEADROOM) + " here)");
  }

  private void validate() {
    CommandLine cl = new CommandLine(this);
    if (devices < 1 || devices > Seeds.MAX_SCALE_DEVICES) {
      throw new CommandLine.ParameterException(
          cl, "--devices: must be within 1-" + Seeds.MAX_SCALE_DEVICES);
    }
    if (circuits < devices || circuits > devices * 3000L) {
      throw new CommandLine.ParameterException(
          cl, "--circuits: must be within --devices and 3000 x --devices");
    }
    if (transports.isEmpty()
        || !List.of("mtls", "plaintext").containsAll(transports)
        || new java.util.HashSet<>(transports).size() != transports.size()) {
      throw new CommandLine.ParameterException(
          cl, "--transports: must be mtls, plaintext or both, each once (got " + transports + ")");
    }
    int least = SimulatorFleet.processesFor(devices, OpenFiles.max());
    if (simulatorProcesses != 0 && (simulatorProcesses < least || simulatorProcesses > devices)) {
      throw new CommandLine.ParameterException(
          cl,
          "--simulator-processes: must be 0 (as few as fit) or within "
              + least
              + "-"
              + devices
              + " (the open-files limit needs at least "
              + least
              + ", and each process at least one router)");
    }
    if (pollIntervalSeconds < 1 || pollIntervalSeconds > 3600) {
      throw new CommandLine.ParameterException(cl, "--poll-interval-s: must be within 1-3600");
    }
  }
}
