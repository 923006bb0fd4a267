package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.cli.lab.Lab;
import org.wayleave.cli.lab.LabInventory;
import org.wayleave.cli.lab.Shell;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * The data plane for real: a lab of one council router (Open vSwitch on the userspace datapath,
 * snmpd, an agent process) in network namespaces this test makes and always removes, driven by a
 * controller in this JVM. Traffic is real (ping, iperf3), counters are snmpd's, drift is made with
 * ovs-vsctl and ip link by hand. Needs root, Open vSwitch, snmpd, snmp, iperf3 and ethtool; skipped
 * without them, failed instead where system tests are required (CI).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabIT {
  static final String CIRCUIT = "LPSN-CAM-0001";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static LabRun run;
  static Lab.Router camden;
  static final List<Circuit> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startLab() throws Exception {
    List<String> missing = new ArrayList<>(Lab.missing());
    for (String p : List.of("iperf3", "snmpget", "ping")) {
      if (Shell.which(p) == null) {
        missing.add("missing: " + p + " (apt-get install iperf3 snmp iputils-ping)");
      }
    }
    if (!Lab.root()) {
      missing.add("not root: the lab makes network namespaces");
    }
    if (!missing.isEmpty()) {
      String why = String.join("; ", missing);
      if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
        throw new AssertionError(why + " (system tests are required here)");
      }
      Assumptions.abort(why);
    }
    TelemetryConfig d = TelemetryConfig.defaults();
    TelemetryConfig poll =
        new TelemetryConfig(
            true,
            Duration.ofSeconds(1),
            d.timeout(),
            d.retries(),
            d.maxInFlight(),
            d.maxRepetitions(),
            d.utilisationThreshold(),
            d.errorsPerSecondThreshold(),
            d.history());
    run = LabRun.start(data, List.of("camden"), new LabRun.Ports(19090, 18080, 19091), poll, true);
    camden = run.lab.router("camden");
    run.controller.state().cache().addListener((rev, events) -> seen.add(circuit(CIRCUIT)));
  }

  @AfterAll
  static void stopLab() {
    if (run != null) {
      run.close();
    }
    assertThat(Shell.run("ip", "netns", "list")).doesNotContain(Lab.PREFIX);
    assertThat(Shell.tryRun("ip", "link", "show", Lab.MGMT_BRIDGE)).isFalse();
  }

  static Circuit circuit(String id) {
    return run.controller.state().cache().circuitWithStatus(id);
  }

  static ConditionStatus condition(Circuit c, String type) {
    return c.getStatus().getConditionsList().stream()
        .filter(x -> x.getType().equals(type))
        .map(Condition::getStatus)
        .findFirst()
        .orElse(ConditionStatus.CONDITION_STATUS_UNKNOWN);
  }

  static void awaitPhase(String id, CircuitPhase phase, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              Circuit c = circuit(id);
              assertThat(c.getStatus().getPhase()).as("%s: %s", id, c.getStatus()).isEqualTo(phase);
            });
  }

  @Test
  @Order(1)
  void theCircuitGoesActiveOnlyOnceTheAgentAppliedItAndSnmpShowsItUp() {
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(60));
    Circuit c = circuit(CIRCUIT);
    assertThat(condition(c, "Applied")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(condition(c, "LinkUp")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    // Every status seen on the way: never ACTIVE without both.
    for (Circuit s : seen) {
      if (s != null && s.getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_ACTIVE) {
        assertThat(condition(s, "Applied")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
        assertThat(condition(s, "LinkUp")).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
      }
    }
    assertThat(seen)
        .anyMatch(s -> s != null && s.getStatus().getPhase() != CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  @Order(2)
  void trafficFlowsOnTheCircuitsVlanAndNoOther() {
    Lab.Service dwp = Lab.SERVICES.get(0);
    awaitAddressed();
    assertThat(ping(camden.lanNs(), dwp.address())).as("council host to DWP on VLAN 101").isTrue();
    // A host in DWP's subnet but on GSi's VLAN: no path, though the address would route.
    run.lab.addHost("stray", Lab.SERVICES.get(1).vlan(), "198.19.101.99/24");
    assertThat(ping(camden.lanNs(), "198.19.101.99")).as("host on VLAN 102").isFalse();
    assertThat(ping(camden.lanNs(), Lab.SERVICES.get(1).address())).as("GSi").isFalse();
  }

  @Test
  @Order(3)
  void theCommittedRateHoldsAndSnmpCountsTheTraffic() throws Exception {
    Lab.Service dwp = Lab.SERVICES.get(0);
    awaitAddressed();
    String ifName = Lab.Router.subInterface(dwp.vlan());
    long before = snmpOutOctets(ifName);
    Process server =
        new ProcessBuilder(
                "ip", "netns", "exec", dwp.ns(), "iperf3", "-s", "-1", "-B", dwp.address())
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("iperf3-server.out").toFile())
            .start();
    try {
      // The server listening first: a client that finds nobody would only say so.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> Shell.run("ip", "netns", "exec", dwp.ns(), "ss", "-ltn").contains(":5201"));
      JsonNode r = iperfClient(dwp.address(), 2 * LabInventory.COMMITTED_MBPS, 5);
      System.out.println("LabIT: iperf3 client: " + r.path("end"));
      assertThat(r.has("error")).as("iperf3 says %s", r.path("error")).isFalse();
      JsonNode sum = r.path("end").path("sum");
      double received = r.path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
      assertThat(received)
          .as("UDP offered at twice the committed rate arrives at the committed rate")
          .isBetween(LabInventory.COMMITTED_MBPS * 0.9, LabInventory.COMMITTED_MBPS * 1.1);
      long bytes = sum.path("bytes").asLong();
      long packets = sum.path("packets").asLong();
      // Each datagram also carries UDP (8), IP (20) and Ethernet (14) headers on the interface.
      long expected = bytes + 42 * packets;
      // snmpd caches interface counters for a few seconds: asked until its cache has caught up.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat((double) (snmpOutOctets(ifName) - before))
                      .as(
                          "ifHCOutOctets of %s against iperf3's %d bytes in %d datagrams",
                          ifName, bytes, packets)
                      .isBetween(expected * 0.95, expected * 1.05));
    } finally {
      server.destroyForcibly();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void aPortDeletedByHandIsDriftAndRepaired() {
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(30));
    String port = Lab.Router.subInterface(Lab.SERVICES.get(0).vlan());
    seen.clear();
    long t0 = System.nanoTime();
    vsctl("del-port", port);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> vsctl("list-ports", "br0").contains(port));
    long repairMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("LabIT: port deleted by hand, repaired in " + repairMs + " ms");
    assertThat(vsctl("get", "port", port, "tag").trim()).isEqualTo("101");
    assertThat(repairMs).as("repair after a by-hand delete").isLessThan(1_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                seen.stream()
                    .anyMatch(
                        s ->
                            s != null
                                && s.getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_DRIFTED));
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(30));
  }

  @Test
  @Order(5)
  void theParentPortsLinkDownIsDownAndUpIsActive() {
    Shell.run("ip", "-n", camden.ns(), "link", "set", Lab.OVS_PORT, "down");
    try {
      awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_DOWN, Duration.ofSeconds(20));
    } finally {
      Shell.run("ip", "-n", camden.ns(), "link", "set", Lab.OVS_PORT, "up");
    }
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(20));
  }

  @Test
  @Order(6)
  void aPushInterruptedByTheAgentsDeathLeavesOldOrNewAndOneResyncConverges() throws Exception {
    String vswitchd = Shell.run("pgrep", "-f", "ovs-vswitchd unix:" + camden.ovsdb()).trim();
    // The switch daemon paused: the agent's transaction lands in OVSDB, then it waits for it.
    Shell.run("kill", "-STOP", vswitchd);
    String added = Lab.Router.subInterface(102);
    try {
      Circuit c = circuit(CIRCUIT);
      Circuit slower =
          c.toBuilder().clearStatus().setSpec(c.getSpec().toBuilder().setCommittedMbps(10)).build();
      Circuit second =
          Circuit.newBuilder()
              .setId("LPSN-CAM-0002")
              .setSpec(
                  c.getSpec().toBuilder()
                      .setDescription("Camden to GSi (lab)")
                      .setAEnd(c.getSpec().getAEnd().toBuilder().setCTag(102)))
              .build();
      run.controller
          .state()
          .apply(
              List.of(
                  Op.write(Op.Mode.UPDATE, Kind.CIRCUIT, slower, "circuits[0]"),
                  Op.write(Op.Mode.CREATE, Kind.CIRCUIT, second, "circuits[1]")),
              "engineer:lab-test",
              "two changes in one push");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> vsctl("list-ports", "br0").contains(added));
      assertThat(run.lab.killAgent(camden)).isTrue();
    } finally {
      Shell.run("kill", "-CONT", vswitchd);
    }
    // Old or new, never half: the new port and the new rate together.
    String rate =
        vsctl("get", "port", Lab.Router.subInterface(101), "external_ids:wayleave-bandwidth-mbps");
    assertThat(rate.replace("\"", "").trim()).isEqualTo("10");
    run.startAgent(camden);
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(60));
    awaitPhase("LPSN-CAM-0002", CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(60));
    String meters =
        Shell.run(
            "ovs-ofctl",
            "-O",
            "OpenFlow13",
            "dump-meters",
            "unix:" + camden.dir().resolve("br0.mgmt"));
    assertThat(meters).contains("rate=10000").contains("rate=20000");
  }

  @Test
  @Order(7)
  void aPortAddedOrRetaggedByHandIsUndone() {
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(30));
    String stray = Lab.Router.subInterface(555);
    vsctl("add-port", "br0", stray, "tag=555", "--", "set", "interface", stray, "type=internal");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !vsctl("list-ports", "br0").contains(stray));
    String port = Lab.Router.subInterface(101);
    vsctl("set", "port", port, "tag=555");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> vsctl("get", "port", port, "tag").trim().equals("101"));
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(30));
  }

  @Test
  @Order(8)
  void aSwitchDaemonRestartGetsItsRatesAndLinksBack() {
    run.lab.restartSwitch(camden);
    String mgmt = "unix:" + camden.dir().resolve("br0.mgmt");
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String meters =
                  Shell.tryRun("ovs-ofctl", "-O", "OpenFlow13", "dump-meters", mgmt)
                      ? Shell.run("ovs-ofctl", "-O", "OpenFlow13", "dump-meters", mgmt)
                      : "";
              return meters.contains("rate=10000") && meters.contains("rate=20000");
            });
    awaitPhase(CIRCUIT, CircuitPhase.CIRCUIT_PHASE_ACTIVE, Duration.ofSeconds(30));
    awaitAddressed();
    assertThat(ping(camden.lanNs(), Lab.SERVICES.get(0).address())).isTrue();
  }

  // ------------------------------------------------------------------ helpers

  static String vsctl(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + camden.ovsdb(), "--timeout=10"));
    cmd.addAll(List.of(args));
    return Shell.run(cmd, Map.of());
  }

  static void awaitAddressed() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Shell.run("ip", "-n", camden.ns(), "-o", "-4", "addr", "show")
                    .contains(camden.circuitAddress(Lab.SERVICES.get(0).vlan())));
  }

  static boolean ping(String ns, String address) {
    return Shell.tryRun("ip", "netns", "exec", ns, "ping", "-c", "2", "-W", "1", address);
  }

  /**
   * iperf3's client from the council host, as JSON. iperf3 -J exits 0 even when it could not
   * connect, saying so in {@code error}: that is tried again (the server may not listen yet).
   */
  static JsonNode iperfClient(String server, long mbps, int seconds) throws Exception {
    JsonNode r = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      r =
          JSON.readTree(
              Shell.run(
                  "ip",
                  "netns",
                  "exec",
                  camden.lanNs(),
                  "iperf3",
                  "-c",
                  server,
                  "-u",
                  "-b",
                  mbps + "M",
                  "-t",
                  Integer.toString(seconds),
                  "-l",
                  "1400",
                  "-J"));
      if (!r.path("error").asText().contains("unable to connect")) {
        break;
      }
      Thread.sleep(200);
    }
    return r;
  }

  /** ifHCOutOctets of the router's interface, from its snmpd over the management link. */
  static long snmpOutOctets(String ifName) throws Exception {
    String ifIndex =
        Shell.run(
                "ip", "netns", "exec", camden.ns(), "cat", "/sys/class/net/" + ifName + "/ifindex")
            .trim();
    Path secrets = data.resolve("secrets/snmp/" + camden.deviceId());
    // net-snmp's tools keep state; give them a directory of the test's, not /var/lib/snmp.
    Path state = Files.createDirectories(data.resolve("snmp-tools"));
    List<String> cmd =
        List.of(
            "snmpget",
            "-v3",
            "-l",
            "authPriv",
            "-u",
            "wayleave",
            "-a",
            "SHA-256",
            "-A",
            Files.readString(secrets.resolve("auth")).trim(),
            "-x",
            "AES",
            "-X",
            Files.readString(secrets.resolve("priv")).trim(),
            "-On",
            "-Oqv",
            camden.mgmtAddress(),
            "1.3.6.1.2.1.31.1.1.1.10." + ifIndex);
    String out = Shell.run(cmd, Map.of("SNMP_PERSISTENT_DIR", state.toString(), "MIBS", ""));
    // The first run also says it made its state directory; the value is the last line.
    String[] lines = out.strip().split("\n");
    return Long.parseLong(lines[lines.length - 1].trim());
  }
}
