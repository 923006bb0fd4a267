package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The southbound at scale. A controller in this JVM, a simulator of {@code --devices} routers in a
 * child JVM (so this JVM's heap is the controller's alone), then one Apply of {@code --circuits}
 * circuits spread evenly over the routers. Measures the time from the Apply to every circuit
 * Applied (ACTIVE), the pushes the controller sent against the minimum (one per router), the pushes
 * the agents found redundant, and the controller's heap after a full GC.
 *
 * <p>This class is the command and the run; the simulator is a {@link SimulatorProcess}, the JSON a
 * {@link SouthboundReport}.
 */
@Command(
    name = "southbound-benchmark",
    mixinStandardHelpOptions = true,
    description = "Time from Apply to all circuits Applied, pushes vs minimum, controller heap.")
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
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--sim-heap",
      defaultValue = "4g",
      description = "Simulator JVM -Xmx (default: ${DEFAULT-VALUE}).")
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
      // Better said now than a simulator hanging on "Too many open files" halfway.
      System.err.println("bench southbound: " + limits);
      return 2;
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path data =
        dir != null ? dir : BenchPaths.defaultDataDir(cwd, "southbound", BenchPaths.STAMP_SECONDS);
    Path outFile = out != null ? out : BenchPaths.defaultOut(cwd, "southbound");
    Files.createDirectories(data);

    try (Controller controller =
        Controller.start(
            new ControllerConfig(
                data.resolve("controller"), "127.0.0.1", 0, 0, 0, List.of(), Clock.systemUTC()))) {
      progress.say("inventory: %d routers", devices);
      List<Resource> inventory = Seeds.scale(devices);
      controller.state().apply(Op.upserts(inventory, "r"), "bench", "scale inventory");

      progress.say("simulator: %d routers in a child JVM", devices);
      try (SimulatorProcess sim =
          SimulatorProcess.start(simHeap, devices, controller.agentPort(), data)) {
        SouthboundReport.Figures figures = measure(controller, sim);
        ObjectNode root = SouthboundReport.build(devices, circuits, simHeap, data, figures);
        BenchJson.write(outFile, root);
        System.out.println(BenchJson.pretty(root.path("results")));
        System.out.println("written to " + BenchPaths.shown(cwd, outFile));
        return 0;
      }
    }
  }

  /**
   * Null if this machine lets both processes hold what {@code devices} routers need, else why not,
   * naming {@code ulimit -n}: the simulator child holds a TCP connection (its agent) and a UDP
   * socket (its SNMP) per router, and this JVM a connection per agent. The JVM raises its soft
   * limit to the hard one at start on Linux, and the child inherits it, so the figure is the
   * effective one.
   */
  static String checkFileDescriptors(int devices) {
    return checkFileDescriptors(devices, OpenFiles.max(), OpenFiles.open());
  }

  static String checkFileDescriptors(int devices, long max, long open) {
    long need = Math.max(2L * devices + OpenFiles.HEADROOM, devices + open + OpenFiles.HEADROOM);
    return OpenFiles.check(
        max,
        need,
        devices,
        "in the simulator: a TCP connection and a UDP socket per router, plus "
            + OpenFiles.HEADROOM
            + " spare",
        " (at most " + Math.max(0, (max - OpenFiles.HEADROOM) / 2) + " here)");
  }

  private void validate() {
    if (devices < 1 || devices > Seeds.MAX_SCALE_DEVICES) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--devices: must be within 1-" + Seeds.MAX_SCALE_DEVICES);
    }
    if (circuits < devices || circuits > devices * 3000L) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--circuits: must be within --devices and 3000 x --devices");
    }
  }

  /**
   * Waits for every agent, applies the circuits in one batch and waits until all are ACTIVE and the
   * reconciles have settled; then reads the pushes, the simulator's stats and the heap.
   */
  private SouthboundReport.Figures measure(Controller controller, SimulatorProcess sim)
      throws Exception {
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    long connectStart = System.nanoTime();
    Await.until(() -> controller.agents().sessions() == devices, timeout, "all agents connected");
    double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
    sim.awaitHttpPort();
    progress.say("all %d agents connected in %.1f s", devices, connectSeconds);
    awaitSettled(controller);
    long pushesBefore = controller.pushes().pushes();

    List<Op> circuitOps = circuitOps();
    progress.say("apply: %d circuits in one batch", circuits);
    long t0 = System.nanoTime();
    controller.state().apply(circuitOps, "bench", "apply " + circuits + " circuits");
    double applySeconds = (System.nanoTime() - t0) / 1e9;
    ResourceCache cache = controller.state().cache();
    Await.until(() -> active(cache) == circuits, timeout, "all circuits ACTIVE");
    double allAppliedSeconds = (System.nanoTime() - t0) / 1e9;
    progress.say(
        "all %d circuits ACTIVE %.1f s after the Apply (the Apply itself took %.1f s)",
        circuits, allAppliedSeconds, applySeconds);
    awaitSettled(controller);
    long pushes = controller.pushes().pushes() - pushesBefore;
    ObjectNode simStats = sim.stats();
    long heapMb = JvmMetrics.heapAfterFullGcMb();
    return new SouthboundReport.Figures(
        connectSeconds, applySeconds, allAppliedSeconds, pushes, simStats, heapMb);
  }

  /** {@code --circuits} new circuits spread evenly over the routers and their first three ports. */
  private List<Op> circuitOps() {
    List<Op> circuitOps = new ArrayList<>(circuits);
    for (int i = 0; i < circuits; i++) {
      int d = i % devices + 1;
      int port = 1 + (i / devices) % 3;
      circuitOps.add(
          Op.write(
              Op.Mode.CREATE,
              Kind.CIRCUIT,
              Circuit.newBuilder()
                  .setId(String.format("SCALE-%07d", i))
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil(Seeds.scaleCouncilId((d - 1) / 100 + 1))
                          .setSupplier("scale-carrier")
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice(Seeds.scaleDeviceId(d))
                                  .setPort("ge-0/0/" + port))
                          .setCommittedMbps(1))
                  .build(),
              "resources[" + i + "]"));
    }
    return circuitOps;
  }

  private static long active(ResourceCache cache) {
    long n = 0;
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      if (cache.withStatus(c).getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_ACTIVE) {
        n++;
      }
    }
    return n;
  }

  private static void awaitSettled(Controller c) throws InterruptedException {
    Await.until(
        () -> c.deviceEngine().queueDepth() == 0 && c.deviceEngine().runningCount() == 0,
        Duration.ofSeconds(120),
        "reconciles settled");
  }
}
