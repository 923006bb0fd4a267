package org.wayleave.simulator.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.smi.OID;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.simulator.SimDevice.PortSpec;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;
import org.wayleave.simulator.SystemTools;

/**
 * net-snmp's real {@code snmpbulkwalk} walks ifTable and ifXTable of a simulated router, over v2c
 * and over v3 authPriv (SHA-256, AES-128): the answers are valid IF-MIB and match the router model.
 * Skipped when net-snmp's tools are missing (see {@link SystemTools}).
 */
class SnmpBulkwalkIT {
  static final String IF_TABLE = "1.3.6.1.2.1.2.2.1";
  static final String IF_X_TABLE = "1.3.6.1.2.1.31.1.1.1";
  static final List<PortSpec> PORTS =
      List.of(
          new PortSpec("ge-0/0/0", 10_000, "uplink to the PSN core"),
          new PortSpec("ge-0/0/1", 1_000, "council LAN"),
          new PortSpec("ge-0/0/2", 1_000, "council LAN"));

  /** A line of {@code snmpbulkwalk -On -Oe -Ot}: {@code .1.3.6... = TYPE: value}. */
  static final Pattern LINE = Pattern.compile("^(\\.[0-9.]+) = (?:([A-Za-z0-9]+): ?)?(.*)$");

  static final String END_OF_MIB_VIEW =
      "No more variables left in this MIB View (It is past the end of the MIB tree)";

  @TempDir Path home;
  Path snmpbulkwalk;
  AtomicLong clock = new AtomicLong();
  SimRouter router;
  RouterMib mib;
  SnmpFleet fleet;

  /** One walked instance: its type as net-snmp names it, and its value as printed. */
  record Value(String type, String text) {
    long number() {
      return Long.parseLong(text.trim());
    }

    String string() {
      String t = text.trim();
      return t.startsWith("\"") && t.endsWith("\"") && t.length() >= 2
          ? t.substring(1, t.length() - 1)
          : t;
    }
  }

  @BeforeEach
  void start() throws Exception {
    snmpbulkwalk = SystemTools.require("snmpbulkwalk", "snmp");
    router = new SimRouter("rtr-bulkwalk-01", PORTS.stream().map(PortSpec::name).toList());
    router.put(sub("ge-0/0/1.100", "ge-0/0/1", 100, "LPSN-CAM-0001", 100, true));
    router.put(sub("ge-0/0/1.200", "ge-0/0/1", 200, "LPSN-CAM-0002", 50, true));
    router.put(sub("ge-0/0/2.300", "ge-0/0/2", 300, "LPSN-CAM-0003", 1_000, false));
    router.put(sub("ge-0/0/0.2001", "ge-0/0/0", 2001, "ISC-BRE-LEW-0001", 5_000, true));
    mib = new RouterMib(router, PORTS, clock::get);
    mib.view(); // first seen now: every sub-interface counts from boot
    mib.setLinkUp("ge-0/0/1.200", false);
    // Three hours of traffic: the busy interfaces' 64-bit counters are well past 2^32.
    clock.addAndGet(Duration.ofHours(3).toNanos());
  }

  SnmpFleet.Binding serve(SnmpEndpoint endpoint) {
    fleet = SnmpFleet.serve(List.of(new SnmpFleet.Member(mib, endpoint)));
    return fleet.binding(router.deviceId());
  }

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  static SubInterface sub(
      String name, String port, int vlan, String alias, long mbps, boolean adminUp) {
    return SubInterface.newBuilder()
        .setName(name)
        .setPort(port)
        .setCTag(vlan)
        .setAlias(alias)
        .setBandwidthMbps(mbps)
        .setAdminUp(adminUp)
        .build();
  }

  @Test
  void v2cWalkShowsTheRouterModel() throws Exception {
    SnmpFleet.Binding b = serve(SnmpEndpoint.v2c("127.0.0.1", 0, "bulkwalk-community"));
    List<String> auth = List.of("-v2c", "-c", "bulkwalk-community");
    checkAgainstModel(walk(b, auth, IF_TABLE), walk(b, auth, IF_X_TABLE), mib.view());
  }

  @Test
  void v3AuthPrivWalkShowsTheRouterModel() throws Exception {
    SnmpFleet.Binding b =
        serve(
            SnmpEndpoint.v3(
                "127.0.0.1", 0, "wayleave", "bulkwalk-auth-secret", "bulkwalk-priv-secret"));
    List<String> auth =
        List.of(
            "-v3",
            "-l",
            "authPriv",
            "-u",
            "wayleave",
            "-a",
            "SHA-256",
            "-A",
            "bulkwalk-auth-secret",
            "-x",
            "AES",
            "-X",
            "bulkwalk-priv-secret");
    checkAgainstModel(walk(b, auth, IF_TABLE), walk(b, auth, IF_X_TABLE), mib.view());
  }

  void checkAgainstModel(Map<String, Value> ifTable, Map<String, Value> ifXTable, MibView model) {
    List<MibView.IfRow> rows = model.rows();
    assertThat(rows).hasSize(PORTS.size() + 4);
    int[] columns = {1, 2, 3, 5, 7, 8, 10, 13, 14, 16, 20};
    assertThat(ifTable)
        .as("every ifTable column for every interface, nothing else")
        .hasSize(columns.length * rows.size());
    assertThat(ifXTable)
        .as("ifXTable: ifName, ifHCInOctets, ifHCOutOctets, ifHighSpeed, ifAlias")
        .hasSize(5 * rows.size());
    for (MibView.IfRow r : rows) {
      int i = r.ifIndex();
      assertThat(ifTable.get(col(IF_TABLE, 1, i)).number()).isEqualTo(i);
      assertThat(ifTable.get(col(IF_TABLE, 2, i)).string()).isEqualTo(r.name());
      assertThat(ifTable.get(col(IF_TABLE, 3, i)).number())
          .isEqualTo(r.name().contains(".") ? 135 : 6);
      assertThat(ifTable.get(col(IF_TABLE, 5, i)))
          .isEqualTo(
              new Value(
                  "Gauge32", Long.toString(Math.min(4_294_967_295L, r.speedMbps() * 1_000_000))));
      assertThat(ifTable.get(col(IF_TABLE, 7, i)).number()).isEqualTo(r.adminUp() ? 1 : 2);
      assertThat(ifTable.get(col(IF_TABLE, 8, i)).number()).isEqualTo(r.operUp() ? 1 : 2);
      assertThat(ifXTable.get(col(IF_X_TABLE, 1, i)).string()).isEqualTo(r.name());
      assertThat(ifXTable.get(col(IF_X_TABLE, 15, i)))
          .isEqualTo(new Value("Gauge32", Long.toString(r.speedMbps())));
      assertThat(ifXTable.get(col(IF_X_TABLE, 18, i)).string()).isEqualTo(r.alias());
      for (int c : new int[] {10, 13, 14, 16, 20}) {
        assertThat(ifTable.get(col(IF_TABLE, c, i)).type()).isEqualTo("Counter32");
      }
      for (int[] pair : new int[][] {{10, 6}, {16, 10}}) {
        Value hc = ifXTable.get(col(IF_X_TABLE, pair[1], i));
        assertThat(hc.type()).isEqualTo("Counter64");
        assertThat(ifTable.get(col(IF_TABLE, pair[0], i)).number())
            .as("Counter32 of %s is the low 32 bits of its Counter64", r.name())
            .isEqualTo(hc.number() & 0xFFFF_FFFFL);
      }
    }
    // The router's sub-interfaces, as the controller maps them back to circuits.
    Map<String, String> aliasByName = new LinkedHashMap<>();
    Map<String, Long> speedByName = new LinkedHashMap<>();
    Map<String, Long> operByName = new LinkedHashMap<>();
    for (MibView.IfRow r : rows) {
      aliasByName.put(
          ifXTable.get(col(IF_X_TABLE, 1, r.ifIndex())).string(),
          ifXTable.get(col(IF_X_TABLE, 18, r.ifIndex())).string());
      speedByName.put(r.name(), ifXTable.get(col(IF_X_TABLE, 15, r.ifIndex())).number());
      operByName.put(r.name(), ifTable.get(col(IF_TABLE, 8, r.ifIndex())).number());
    }
    for (SubInterface s : router.config().getSubInterfacesList()) {
      assertThat(aliasByName).containsEntry(s.getName(), s.getAlias());
      assertThat(speedByName).containsEntry(s.getName(), s.getBandwidthMbps());
    }
    assertThat(aliasByName).containsEntry("ge-0/0/0", "uplink to the PSN core");
    assertThat(operByName)
        .containsEntry("ge-0/0/1.100", 1L)
        .containsEntry("ge-0/0/1.200", 2L)
        .containsEntry("ge-0/0/2.300", 2L);
    // Three hours at 20-60 % of 100 Mbit/s is 27-81 GB: the 64-bit counter is past 2^32, the 32-bit
    // one wrapped.
    long hcIn =
        ifXTable
            .get(col(IF_X_TABLE, 6, model.row("ge-0/0/1.100").orElseThrow().ifIndex()))
            .number();
    assertThat(hcIn).isGreaterThan(1L << 32);
    long portIn =
        ifXTable.get(col(IF_X_TABLE, 6, model.row("ge-0/0/1").orElseThrow().ifIndex())).number();
    assertThat(portIn).as("a port carries its sub-interfaces").isGreaterThan(hcIn);
  }

  static String col(String table, int column, int ifIndex) {
    return "." + table + "." + column + "." + ifIndex;
  }

  /**
   * Runs snmpbulkwalk with numeric output and returns what it printed, by OID, checking the walk
   * order.
   */
  Map<String, Value> walk(SnmpFleet.Binding b, List<String> auth, String root)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(snmpbulkwalk.toString(), "-On", "-Oe", "-Ot", "-m", "", "-r", "2", "-t", "2"));
    cmd.addAll(auth);
    cmd.add("udp:" + b.address().getAddress().getHostAddress() + ":" + b.address().getPort());
    cmd.add(root);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    // Keep the user's net-snmp configuration and persistent files out of it.
    pb.environment().put("SNMPCONFPATH", home.toString());
    pb.environment().put("SNMP_PERSISTENT_DIR", home.toString());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("MIBS", "");
    Path out = Files.createTempFile(home, "walk", ".out");
    Path err = Files.createTempFile(home, "walk", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("snmpbulkwalk finishes").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("snmpbulkwalk exit status; stderr: %s", stderr).isZero();
    Map<String, Value> values = new LinkedHashMap<>();
    OID previous = null;
    String[] lines = stdout.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      if (line.isBlank()) {
        continue;
      }
      if (line.endsWith(END_OF_MIB_VIEW)) {
        // ifXTable is the last thing the router shows: net-snmp prints endOfMibView to end that
        // walk.
        assertThat(n).as("endOfMibView ends the walk: %s", stdout).isEqualTo(lines.length - 1);
        break;
      }
      Matcher m = LINE.matcher(line);
      assertThat(m.matches()).as("a numeric snmpbulkwalk line: %s", line).isTrue();
      OID oid = new OID(m.group(1).substring(1));
      assertThat(oid.startsWith(new OID(root))).as("%s is inside %s", oid, root).isTrue();
      if (previous != null) {
        assertThat(oid.compareTo(previous)).as("%s comes after %s", oid, previous).isPositive();
      }
      previous = oid;
      values.put(m.group(1), new Value(m.group(2) == null ? "" : m.group(2), m.group(3)));
    }
    assertThat(values).as("snmpbulkwalk printed: %s; stderr: %s", stdout, stderr).isNotEmpty();
    return values;
  }
}
