package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * One southbound run in one transport: a controller in this JVM as deployed (SNMP polling on at
 * {@code pollInterval}, mutual TLS on both gRPC ports and HTTPS unless plaintext), the routers in a
 * {@link SimulatorFleet}; connect, one Apply to all ACTIVE (agent applied and SNMP link up), then
 * the controller restarted and every agent back and in sync.
 */
final class SouthboundRun {
  static final String CONTROLLER = "bench-controller";

  /** What one run measured. */
  record Figures(
      String transport,
      int simulatorProcesses,
      Phase connect,
      double applyCallSeconds,
      Phase toActive,
      long pushes,
      long redundantPushes,
      long subInterfaces,
      long heapMb,
      long simulatorRssMb,
      Phase reconnect,
      double reconnectPeakToMean,
      long reconnectPushes,
      long earlyPolls,
      List<long[]> timeline) {}

  /** The columns of {@link Figures#timeline}, one row a second from the Apply. */
  static final List<String> TIMELINE =
      List.of(
          "s",
          "pushes",
          "early_polls",
          "polls",
          "provisioning",
          "active",
          "down",
          "degraded",
          "other");

  /**
   * One measured stretch: its wall time, the CPU seconds this JVM (the controller) and the
   * simulators used in it.
   */
  record Phase(double seconds, double controllerCpuSeconds, double simulatorCpuSeconds) {}

  private final SouthboundBenchmark o;
  private final Progress progress;
  private final HaPki pki;
  private final Path data;

  SouthboundRun(SouthboundBenchmark o, Progress progress, HaPki pki, Path data) {
    this.o = o;
    this.progress = progress;
    this.pki = pki;
    this.data = data;
  }

  String transport() {
    return pki.tls() ? "mtls" : "plaintext";
  }

  Figures run(List<Op> circuitOps) throws Exception {
    int processes =
        o.simulatorProcesses > 0
            ? o.simulatorProcesses
            : SimulatorFleet.processesFor(o.devices, OpenFiles.max());
    ControllerConfig config = config();
    Controller controller = Controller.start(config);
    try {
      List<Resource> inventory = Seeds.scale(o.devices);
      controller.state().apply(Op.upserts(inventory, "r"), "bench", "scale inventory");
      progress.say(
          "[%s] simulator: %d routers in %d child JVM(s)", transport(), o.devices, processes);
      long c0 = System.nanoTime();
      long cpu0 = JvmMetrics.processCpuNanos();
      try (SimulatorFleet fleet =
          SimulatorFleet.start(
              o.devices,
              processes,
              o.simHeap,
              "127.0.0.1:" + controller.agentPort(),
              pki.simulatorFlags(),
              data.resolve("secrets"),
              data,
              timeout())) {
        Phase connect = awaitAgents(controller, fleet, c0, cpu0);
        progress.say("[%s] %d agents connected in %.1f s", transport(), o.devices, connect.seconds);
        awaitSettled(controller);
        long pushesBefore = controller.pushes().pushes();
        long earlyBefore = earlyPolls(controller);

        Recording recording = startRecording();
        Meter m = new Meter(fleet);
        long t0 = System.nanoTime();
        controller.state().apply(circuitOps, "bench", "apply " + circuitOps.size() + " circuits");
        double applyCall = (System.nanoTime() - t0) / 1e9;
        List<long[]> timeline = rampToActive(controller, circuitOps.size(), t0);
        Phase toActive = m.phase();
        progress.say(
            "[%s] all %d circuits ACTIVE %.1f s after the Apply (the call %.1f s)",
            transport(), circuitOps.size(), toActive.seconds, applyCall);
        awaitSettled(controller);
        long pushes = controller.pushes().pushes() - pushesBefore;
        long early = earlyPolls(controller) - earlyBefore;
        ObjectNode stats = fleet.stats();
        long heapMb = JvmMetrics.heapAfterFullGcMb();

        controller.close();
        controller = null;
        Reconnect r = reconnect(config, fleet);
        controller = r.controller;
        if (recording != null) {
          recording.stop();
          recording.close();
        }
        return new Figures(
            transport(),
            processes,
            connect,
            applyCall,
            toActive,
            pushes,
            stats.path("pushes_redundant").asLong(),
            stats.path("sub_interfaces").asLong(),
            heapMb,
            fleet.rssMb(),
            r.phase,
            r.peakToMean,
            r.pushes,
            early,
            timeline);
      }
    } finally {
      if (controller != null) {
        controller.close();
      }
    }
  }

  /**
   * Waits until all {@code circuits} are ACTIVE, noting each second since the Apply at {@code t0}
   * the pushes sent, the early and all SNMP polls made, and the circuits PROVISIONING and ACTIVE:
   * the shape of the ramp says which stage holds the rest back.
   */
  private List<long[]> rampToActive(Controller c, int circuits, long t0)
      throws InterruptedException {
    List<long[]> rows = new ArrayList<>();
    ResourceCache cache = c.state().cache();
    long pushes0 = c.pushes().pushes();
    long early0 = c.poller().earlyPolls();
    long polls0 = c.poller().stats().polls();
    long deadline = t0 + timeout().toNanos();
    long next = t0;
    long since = t0;
    boolean told = false;
    while (true) {
      // One pass over the statuses every half second: at 100,000 circuits, counting every 200 ms
      // (twice a row) took 18 % of the controller's samples from the run it measured.
      Map<CircuitPhase, Integer> counts = cache.statusCounts();
      long active = counts.getOrDefault(CircuitPhase.CIRCUIT_PHASE_ACTIVE, 0);
      long now = System.nanoTime();
      if (now >= next || active == circuits) {
        rows.add(
            new long[] {
              Math.round((now - t0) / 1e9),
              c.pushes().pushes() - pushes0,
              c.poller().earlyPolls() - early0,
              c.poller().stats().polls() - polls0,
              counts.getOrDefault(CircuitPhase.CIRCUIT_PHASE_PROVISIONING, 0),
              active,
              counts.getOrDefault(CircuitPhase.CIRCUIT_PHASE_DOWN, 0),
              counts.getOrDefault(CircuitPhase.CIRCUIT_PHASE_DEGRADED, 0),
              circuits - counted(counts)
            });
        next += 1_000_000_000L;
      }
      if (active == circuits) {
        return rows;
      }
      int stored = counts.values().stream().mapToInt(Integer::intValue).sum();
      if (counts.getOrDefault(CircuitPhase.CIRCUIT_PHASE_PROVISIONING, 0) > 0
          || stored < circuits) {
        since = now;
      } else if (!told && active > 0 && now - since > 3_000_000_000L) {
        told = true;
        tellStragglers(cache, counts);
      }
      if (now > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout() + " waiting for all circuits ACTIVE: " + active);
      }
      Thread.sleep(500);
    }
  }

  /** The circuits in the four phases the ramp has a column for; the rest are "other". */
  private static long counted(Map<CircuitPhase, Integer> counts) {
    long n = 0;
    for (CircuitPhase p :
        List.of(
            CircuitPhase.CIRCUIT_PHASE_PROVISIONING,
            CircuitPhase.CIRCUIT_PHASE_ACTIVE,
            CircuitPhase.CIRCUIT_PHASE_DOWN,
            CircuitPhase.CIRCUIT_PHASE_DEGRADED)) {
      n += counts.getOrDefault(p, 0);
    }
    return n;
  }

  /**
   * Says, once, which circuits are not ACTIVE 3 s after the last PENDING or PROVISIONING one moved
   * on: the phases, and the first few circuits not ACTIVE with their conditions, so a tail in the
   * ramp has a name.
   */
  private void tellStragglers(ResourceCache cache, Map<CircuitPhase, Integer> counts) {
    progress.say(
        "[%s] none PENDING or PROVISIONING for 3 s, not all ACTIVE: %s", transport(), counts);
    cache.list(Kind.CIRCUIT).stream()
        .map(cache::withStatus)
        .filter(c -> c.getStatus().getPhase() != CircuitPhase.CIRCUIT_PHASE_ACTIVE)
        .limit(3)
        .forEach(c -> progress.say("[%s]   %s: %s", transport(), c.getId(), c.getStatus()));
  }

  /** Waits for every agent; the phase since the simulators' start at {@code c0}, {@code cpu0}. */
  private Phase awaitAgents(Controller c, SimulatorFleet fleet, long c0, long cpu0)
      throws InterruptedException {
    Await.until(() -> c.agents().sessions() == o.devices, timeout(), "agents");
    // From the simulators' start: their JVMs, their agents' certificates, every handshake.
    return new Phase(
        Stats.round3((System.nanoTime() - c0) / 1e9),
        Stats.round3((JvmMetrics.processCpuNanos() - cpu0) / 1e9),
        Stats.round3(fleet.cpuSeconds()));
  }

  private record Reconnect(Controller controller, Phase phase, double peakToMean, long pushes) {}

  /**
   * Starts the controller again on the same data and ports and waits until every agent is back and
   * the device reconciles have settled; counts arrivals per second for the peak-to-mean rate.
   */
  private Reconnect reconnect(ControllerConfig config, SimulatorFleet fleet) throws Exception {
    progress.say("[%s] controller restarted", transport());
    Meter m = new Meter(fleet);
    Controller c = Controller.start(config);
    List<Integer> perSecond = new ArrayList<>();
    long deadline = System.nanoTime() + timeout().toNanos();
    int seen = 0;
    long next = System.nanoTime() + 1_000_000_000L;
    int first = -1;
    while (seen < o.devices) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "timed out after " + timeout() + " waiting for agents to reconnect: " + seen);
      }
      Thread.sleep(Math.max(1, (next - System.nanoTime()) / 1_000_000));
      next += 1_000_000_000L;
      int now = c.agents().sessions();
      perSecond.add(Math.max(0, now - seen));
      if (first < 0 && now > 0) {
        first = perSecond.size() - 1;
      }
      seen = now;
    }
    awaitSettled(c);
    Phase phase = m.phase();
    List<Integer> arriving = perSecond.subList(Math.max(0, first), perSecond.size());
    double mean = (double) o.devices / arriving.size();
    int peak = arriving.stream().mapToInt(Integer::intValue).max().orElse(0);
    progress.say(
        "[%s] %d agents back and in sync %.1f s after the restart, %d pushes; per second %s",
        transport(), o.devices, phase.seconds, c.pushes().pushes(), arriving);
    return new Reconnect(c, phase, peak / mean, c.pushes().pushes());
  }

  private ControllerConfig config() throws java.io.IOException {
    return new ControllerConfig(
            data.resolve("controller"),
            "127.0.0.1",
            ChildProcesses.freePort(),
            ChildProcesses.freePort(),
            ChildProcesses.freePort(),
            List.of(),
            Clock.systemUTC())
        .withTelemetry(
            TelemetryConfig.defaults().withInterval(Duration.ofSeconds(o.pollIntervalSeconds)),
            data.resolve("secrets"))
        .withSecurity(pki.controllerFiles(CONTROLLER), AccessPolicy.defaults());
  }

  /** A JFR recording of this JVM into {@code --jfr}, with the transport in its name; or null. */
  private Recording startRecording() throws Exception {
    if (o.jfr == null) {
      return null;
    }
    String name =
        o.jfr.getFileName().toString().replaceFirst("(\\.jfr)?$", "-" + transport() + ".jfr");
    Recording r =
        JfrProfile.recording(
            o.jfr.resolveSibling(name),
            "wayleave-southbound-" + transport(),
            Map.of("jdk.ExecutionSample#period", "10 ms"));
    r.start();
    return r;
  }

  private Duration timeout() {
    return Duration.ofSeconds(o.timeoutSeconds);
  }

  private static long earlyPolls(Controller c) {
    return c.poller().earlyPolls();
  }

  /** Waits until the device engine has nothing queued or running. */
  static void awaitSettled(Controller c) throws InterruptedException {
    Await.until(
        () -> c.deviceEngine().queueDepth() == 0 && c.deviceEngine().runningCount() == 0,
        Duration.ofSeconds(120),
        "reconciles settled");
  }

  /** Wall time and CPU from its making to {@link #phase()}. */
  private static final class Meter {
    private final SimulatorFleet fleet;
    private final long t0 = System.nanoTime();
    private final long cpu0 = JvmMetrics.processCpuNanos();
    private final double sim0;

    Meter(SimulatorFleet fleet) {
      this.fleet = fleet;
      this.sim0 = fleet.cpuSeconds();
    }

    Phase phase() {
      return new Phase(
          Stats.round3((System.nanoTime() - t0) / 1e9),
          Stats.round3((JvmMetrics.processCpuNanos() - cpu0) / 1e9),
          Stats.round3(fleet.cpuSeconds() - sim0));
    }
  }
}
