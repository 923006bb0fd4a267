package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.base.seed.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The NOC at scale: what the NOC's screens and scrapers ask of a controller holding {@code
 * --circuits} circuits on {@code --devices} routers in London's 33 councils (about 3,000 circuits a
 * council at the defaults), as deployed: the HTTP API over HTTPS with a client certificate (the
 * region map's summary, a council's circuits and live links, a circuit's day of history, {@code
 * /metrics}), and the dashboard's region map and council view loading in headless Chromium.
 *
 * <p>The network is put in place first ({@link NocRun}): circuits applied, statuses written and a
 * day of rate history written, since no day of operation is run; the routers answer SNMP for real
 * and the controller polls them. The JSON's {@code parameters.real} and {@code
 * parameters.prefilled} say which is which. The reads are {@link NocReads}, the JSON {@link
 * NocReport}.
 */
@Command(
    name = "noc-benchmark",
    mixinStandardHelpOptions = true,
    description =
        "The NOC's HTTP API reads and the dashboard's views in Chromium, at 100,000 circuits.")
public final class NocBenchmark implements Callable<Integer> {
  static final int MAX_CIRCUITS_PER_DEVICE = 50;

  @Option(
      names = "--devices",
      defaultValue = "10000",
      description =
          "Simulated routers, spread over London's 33 councils (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--circuits",
      defaultValue = "100000",
      description = "Circuits, spread evenly over the routers (default: ${DEFAULT-VALUE}).")
  int circuits;

  @Option(
      names = "--requests",
      defaultValue = "50",
      description = "Measured requests of each HTTP figure (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--warmup",
      defaultValue = "5",
      description = "Unmeasured requests before them (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--browser-loads",
      defaultValue = "5",
      description = "Measured loads of each view in Chromium (default: ${DEFAULT-VALUE}).")
  int browserLoads;

  @Option(
      names = "--browser-warmup",
      defaultValue = "1",
      description = "Unmeasured loads of each view before them (default: ${DEFAULT-VALUE}).")
  int browserWarmup;

  @Option(
      names = "--browser-timeout-s",
      defaultValue = "60",
      description =
          "Give up a view that has not shown its data after this long (default: ${DEFAULT-VALUE}).")
  int browserTimeoutSeconds;

  @Option(
      names = "--no-browser",
      description = "Only the HTTP figures: no Chromium (the JSON's browser figures are null).")
  boolean noBrowser;

  @Option(
      names = "--poll-interval-s",
      defaultValue = "60",
      description = "The controller's SNMP poll interval (default: ${DEFAULT-VALUE}, its own).")
  int pollIntervalSeconds;

  @Option(
      names = "--quiet-s",
      defaultValue = "3",
      description =
          "Before the reads, the store must not have moved for this long (default:"
              + " ${DEFAULT-VALUE}).")
  int quietSeconds;

  @Option(
      names = "--snmp-port",
      defaultValue = "0",
      description = "UDP port of the simulated routers; 0: a free one (default: ${DEFAULT-VALUE}).")
  int snmpPort;

  @Option(
      names = "--fleet-heap",
      defaultValue = "2g",
      description = "-Xmx of the simulated routers' JVM (default: ${DEFAULT-VALUE}).")
  String fleetHeap;

  @Option(names = "--out", description = "JSON output (default: bench/results/noc-<date>.json).")
  Path out;

  @Option(
      names = "--dir",
      description = "Data directory (default: a fresh one under bench/target/bench-data).")
  Path dir;

  @Option(
      names = "--keep-data",
      description =
          "Keep the controller's data (store, history file: about 2 GB at the defaults), the CA"
              + " and the secrets; by default only the screenshots and logs stay.")
  boolean keepData;

  @Option(
      names = "--timeout-s",
      defaultValue = "1800",
      description = "Give up after this long in all (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  private final Progress progress = Progress.toStderr();

  public static void main(String[] args) {
    System.exit(new CommandLine(new NocBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    String refused = refusal();
    if (refused != null) {
      System.err.println("bench noc: " + refused);
      return 2;
    }
    Instant started = Instant.now();
    Deadline deadline = new Deadline(timeoutSeconds);
    Path cwd = Path.of("").toAbsolutePath();
    Path data = dir != null ? dir : BenchPaths.defaultDataDir(cwd, "noc", BenchPaths.STAMP_SECONDS);
    Files.createDirectories(data);
    Path outFile = out != null ? out : BenchPaths.defaultOut(cwd, "noc");
    CpuUse before = new CpuUse();
    Thread.sleep(2000);
    double[] busyBefore = before.since();
    NocReport.Run run;
    try {
      run = new NocRun(this, progress, data, deadline).run();
    } finally {
      if (!keepData) {
        for (String d : List.of("controller", "pki", "secrets", "chromium-profile")) {
          CoreBenchmark.deleteTree(data.resolve(d));
        }
      }
    }
    ObjectNode root = NocReport.build(this, run, cwd, data, started, busyBefore);
    BenchJson.write(outFile, root);
    System.out.println(BenchJson.pretty(root.path("results")));
    System.out.println("met: " + root.path("met"));
    System.out.println("written to " + BenchPaths.shown(cwd, outFile));
    return 0;
  }

  /**
   * Why this machine cannot run it, said before anything starts (Chromium missing, too few open
   * files for the routers' sockets); null when it can.
   */
  String refusal() {
    if (!noBrowser && Chromium.find().isEmpty()) {
      return Chromium.missing() + " (or --no-browser for the HTTP figures alone)";
    }
    return TelemetryFleetMain.checkFileDescriptors(devices);
  }

  private void validate() {
    CommandLine cl = new CommandLine(this);
    if (devices < 1 || devices > Seeds.MAX_SCALE_DEVICES) {
      throw new CommandLine.ParameterException(
          cl, "--devices: must be within 1-" + Seeds.MAX_SCALE_DEVICES);
    }
    // Each circuit commits its simulated sub-interface's 10-100 Mbit/s: past 50 to a router, a
    // port's 1,000 Mbit/s would not hold them.
    if (circuits < 1 || circuits > devices * (long) MAX_CIRCUITS_PER_DEVICE) {
      throw new CommandLine.ParameterException(
          cl, "--circuits: must be within 1-" + MAX_CIRCUITS_PER_DEVICE + " x --devices");
    }
    if (requests < 1 || requests > 10_000 || warmup < 0 || warmup > 1000) {
      throw new CommandLine.ParameterException(
          cl, "--requests: must be within 1-10000, --warmup within 0-1000");
    }
    if (browserLoads < 1 || browserLoads > 100 || browserWarmup < 0 || browserWarmup > 10) {
      throw new CommandLine.ParameterException(
          cl, "--browser-loads: must be within 1-100, --browser-warmup within 0-10");
    }
    if (pollIntervalSeconds < 1 || pollIntervalSeconds > 3600) {
      throw new CommandLine.ParameterException(cl, "--poll-interval-s: must be within 1-3600");
    }
    if (timeoutSeconds < 1 || browserTimeoutSeconds < 1 || quietSeconds < 0 || quietSeconds > 600) {
      throw new CommandLine.ParameterException(
          cl, "--timeout-s and --browser-timeout-s: must be positive; --quiet-s within 0-600");
    }
  }
}
