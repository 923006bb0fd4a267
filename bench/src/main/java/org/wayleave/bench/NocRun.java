package org.wayleave.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Device;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * One NOC run: the network put in place (inventory and circuits applied on a controller without
 * polling, statuses written, a day of history written into the history file), then the controller
 * as deployed on that data (SQLite, mutual TLS on both gRPC ports and HTTPS, SNMP polling of {@code
 * --devices} simulated routers in a child JVM, a policy that lets nobody read without signing in),
 * and the NOC's reads measured over HTTPS ({@link NocReads}) and in Chromium.
 */
final class NocRun {
  static final String CONTROLLER = "bench-controller";

  /** The certificate the HTTP client presents: the NOC's wall screen. */
  static final Identity NOC = new Identity(Identity.Role.NOC, "bench-wall");

  /** The token the browser signs in with is bound to this principal. */
  static final String TOKEN_PRINCIPAL = "noc:wall";

  /** How the network was put in place, for the report. */
  record Setup(
      int councils,
      int snmpPort,
      int subInterfacesPerRouter,
      double applySeconds,
      Map<CircuitPhase, Integer> phases,
      NocState.History history,
      double settleSeconds,
      long pollsBeforeReads,
      String council,
      int councilCircuits,
      String circuit) {}

  private final NocBenchmark o;
  private final Progress progress;
  private final Path data;
  private final Deadline deadline;

  NocRun(NocBenchmark o, Progress progress, Path data, Deadline deadline) {
    this.o = o;
    this.progress = progress;
    this.data = data;
    this.deadline = deadline;
  }

  NocReport.Run run() throws Exception {
    int snmpPort = o.snmpPort != 0 ? o.snmpPort : freeSnmpPort();
    NocInventory inv = new NocInventory(o.devices, snmpPort);
    DirectorySecretProvider secrets = new DirectorySecretProvider(data.resolve("secrets"));
    secrets.generateMissing(Seeds.secretRefs(inv.resources()));
    HaPki pki = HaPki.make(data.resolve("pki"), List.of(CONTROLLER));
    pki.issue(NOC);
    String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
    AccessPolicy policy =
        AccessPolicy.parse(
            "tokens:\n  "
                + TOKEN_PRINCIPAL
                + ": "
                + AccessPolicy.sha256(token)
                + "\nhttp:\n  anonymousRead: false\n",
            "bench policy");
    Map<String, Integer> perCouncil = inv.circuitsPerCouncil(o.circuits);
    String council =
        perCouncil.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    int sub = (o.circuits + o.devices - 1) / o.devices;

    long now = System.currentTimeMillis();
    Prefilled p = prefill(inv, pki, policy, now);
    progress.say("simulated routers: %d, SNMP only, %d sub-interfaces each", o.devices, sub);
    try (TelemetryFleet fleet =
        TelemetryFleet.start(
            o.devices, sub, secrets.dir(), snmpPort, o.fleetHeap, data, deadline.remaining())) {
      Controller c = Controller.start(config(pki, policy, true));
      try {
        long t0 = System.nanoTime();
        long polls = settle(c, p.phases());
        double settle = (System.nanoTime() - t0) / 1e9;
        Setup setup =
            new Setup(
                inv.councils(),
                snmpPort,
                sub,
                p.applySeconds(),
                p.phases(),
                p.history(),
                settle,
                polls,
                council,
                perCouncil.get(council),
                firstCircuitOf(inv, council));
        return new NocReads(o, progress, data, deadline)
            .run(c, pki, token, inv, perCouncil, setup, fleet);
      } finally {
        c.close();
      }
    }
  }

  private record Prefilled(
      double applySeconds, Map<CircuitPhase, Integer> phases, NocState.History history) {}

  /**
   * The network on a controller that does not poll: inventory and circuits applied in process,
   * statuses written; then, with it closed, a day of history into its history file.
   */
  private Prefilled prefill(NocInventory inv, HaPki pki, AccessPolicy policy, long now)
      throws Exception {
    List<Op> ops = inv.circuitOps(o.circuits);
    List<Circuit> circuits;
    double applySeconds;
    Map<CircuitPhase, Integer> phases;
    try (Controller c = Controller.start(config(pki, policy, false))) {
      c.state().apply(Op.upserts(inv.resources(), "r"), "bench", "noc inventory");
      long t0 = System.nanoTime();
      c.state().apply(ops, "bench", "apply " + ops.size() + " circuits");
      applySeconds = (System.nanoTime() - t0) / 1e9;
      circuits = c.state().cache().list(Kind.CIRCUIT);
      progress.say("%d circuits applied in %.1f s", circuits.size(), applySeconds);
      phases = NocState.writeStatuses(c.store(), circuits, now);
      c.state().cache().awaitRevisionOrThrow(c.store().revision());
      progress.say("statuses written: %s", phases);
    }
    ControllerConfig measured = config(pki, policy, true);
    NocState.History h =
        NocState.prefillHistory(
            measured.historyFile(), HistoryLayout.forFile(measured.telemetry()), circuits, now);
    progress.say(
        "a day of history for %d sub-interfaces, %d polls, in %.1f s (%d MB)",
        h.interfaces(), h.points(), h.seconds(), h.fileBytes() >> 20);
    return new Prefilled(applySeconds, phases, h);
  }

  /**
   * Waits until every router has answered two polls (its rates known), the device reconciles are
   * done and the store has not moved for a few seconds; checks that the controller kept every
   * circuit's phase. Returns the polls made meanwhile.
   */
  private long settle(Controller c, Map<CircuitPhase, Integer> phases) throws InterruptedException {
    Telemetry t = c.telemetry();
    List<String> devices = c.state().cache().list(Kind.DEVICE).stream().map(Device::getId).toList();
    progress.say("waiting for two polls of each of %d routers (a rate needs two)", devices.size());
    Await.until(
        () -> devices.stream().allMatch(d -> measured(t.device(d))),
        deadline.remaining(),
        "every router answering SNMP with rates");
    long quiet = System.nanoTime();
    long rev = c.store().revision();
    while (System.nanoTime() - quiet < Duration.ofSeconds(o.quietSeconds).toNanos()) {
      deadline.remaining();
      Thread.sleep(250);
      boolean busy = c.deviceEngine().queueDepth() > 0 || c.deviceEngine().runningCount() > 0;
      if (busy || c.store().revision() != rev) {
        rev = c.store().revision();
        quiet = System.nanoTime();
      }
    }
    Map<CircuitPhase, Integer> now = c.state().cache().statusCounts();
    if (!now.equals(phases)) {
      throw new IllegalStateException(
          "the controller changed circuits' phases: written " + phases + ", now " + now);
    }
    progress.say("controller settled: %s", now);
    return c.poller().stats().polls();
  }

  /** Whether a router answered its last poll with rates (a poll after the first). */
  private static boolean measured(Telemetry.DeviceView v) {
    return v != null
        && v.reachable()
        && v.interfaces().stream().anyMatch(i -> !Double.isNaN(i.rates().inBps()));
  }

  /** The first circuit (by number) of {@code council}. */
  private String firstCircuitOf(NocInventory inv, String council) {
    for (int i = 0; i < o.circuits; i++) {
      if (inv.councilOf(i % o.devices + 1).equals(council)) {
        return ScaleCircuits.id(i);
      }
    }
    throw new IllegalStateException("council " + council + " has no circuit");
  }

  private ControllerConfig config(HaPki pki, AccessPolicy policy, boolean polling)
      throws IOException {
    TelemetryConfig t =
        polling
            ? TelemetryConfig.defaults().withInterval(Duration.ofSeconds(o.pollIntervalSeconds))
            : TelemetryConfig.disabled();
    return new ControllerConfig(
            data.resolve("controller"),
            "127.0.0.1",
            ChildProcesses.freePort(),
            ChildProcesses.freePort(),
            ChildProcesses.freePort(),
            List.of(),
            Clock.systemUTC())
        .withTelemetry(t, data.resolve("secrets"))
        .withSecurity(pki.controllerFiles(CONTROLLER), policy);
  }

  /** A UDP port free on the first scale router's loopback address. */
  private static int freeSnmpPort() throws IOException {
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.16.0.1"), 0))) {
      return s.getLocalPort();
    }
  }
}
