package org.wayleave.agent.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.agent.ApplyOutcome;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.SubInterface;

/**
 * {@link OvsDriver} against a real OVSDB server holding bridge {@code br0} with Camden's router's
 * ports: what an apply writes, that it is a diff, that a refused transaction changes nothing, and
 * that changes made with {@code ovs-vsctl} are heard, reported and undone.
 */
class OvsDriverTest {
  static final Map<String, String> PORTS =
      Map.of("ge-0/0/0", "ge-0-0-0", "ge-0/0/1", "ge-0-0-1", "ge-0/0/2", "ge-0-0-2");

  @TempDir Path dir;
  OvsdbServer server;
  OvsdbClient client;
  OvsDriver driver;

  @BeforeEach
  void start() throws Exception {
    server = OvsdbServer.start(dir);
    server.vsctl(
        "add-br",
        "br0",
        "--",
        "add-port",
        "br0",
        "ge-0-0-0",
        "--",
        "add-port",
        "br0",
        "ge-0-0-1",
        "--",
        "add-port",
        "br0",
        "ge-0-0-2");
    client = OvsdbClient.connect(server.socket(), Duration.ofSeconds(5));
    driver = new OvsDriver(client, "rtr-camden-01", "br0", PORTS, "ge-0/0/0");
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static SubInterface sub(String port, int vlan, String circuit, long mbps) {
    return SubInterface.newBuilder()
        .setName(port + "." + vlan)
        .setPort(port)
        .setCTag(vlan)
        .setAlias(circuit)
        .setBandwidthMbps(mbps)
        .setAdminUp(true)
        .build();
  }

  static DeviceConfig config(SubInterface... subs) {
    return DeviceConfig.newBuilder()
        .setDeviceId("rtr-camden-01")
        .addAllSubInterfaces(List.of(subs))
        .build();
  }

  @Test
  void anApplyMakesEachSubInterfaceAnInternalPortOnItsVlanAndOpensOnlyThoseVlans()
      throws Exception {
    DeviceConfig want =
        config(
            sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100), sub("ge-0/0/1", 101, "LPSN-CAM-0002", 50));
    ApplyOutcome out = driver.apply(want, false);
    assertThat(out.itemErrors()).isEmpty();
    assertThat(out.actual()).isEqualTo(want);
    assertThat(driver.read()).isEqualTo(want);
    assertThat(server.get("Port", "ge-0-0-1.100", "tag")).isEqualTo("100");
    assertThat(server.get("Interface", "ge-0-0-1.100", "type")).isEqualTo("internal");
    assertThat(server.get("Port", "ge-0-0-1.100", "external_ids"))
        .contains("wayleave-circuit=LPSN-CAM-0001");
    assertThat(server.get("Port", "ge-0-0-1", "trunks")).isEqualTo("[100, 101]");
    assertThat(server.get("Port", "ge-0-0-0", "trunks")).isEqualTo("[100, 101]");
    // A port without circuits passes nothing (an empty trunks would pass every VLAN).
    assertThat(server.get("Port", "ge-0-0-2", "trunks")).isEqualTo("[4095]");
    // What snmpd will call them: Linux's names, reported beside the configuration.
    assertThat(driver.osNames(out.actual()))
        .containsEntry("ge-0/0/1.100", "ge-0-0-1.100")
        .containsEntry("ge-0/0/1.101", "ge-0-0-1.101")
        .containsEntry("ge-0/0/1", "ge-0-0-1");
  }

  @Test
  void applyingTheSameAgainChangesNothingAndAChangeIsADiff() throws Exception {
    driver.apply(
        config(
            sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100), sub("ge-0/0/2", 200, "LPSN-CAM-0003", 10)),
        false);
    String uuid = server.get("Port", "ge-0-0-1.100", "_uuid");
    driver.apply(
        config(
            sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100), sub("ge-0/0/2", 200, "LPSN-CAM-0003", 10)),
        false);
    assertThat(server.get("Port", "ge-0-0-1.100", "_uuid")).isEqualTo(uuid);

    // The bandwidth changes, the other circuit goes: the port is updated in place.
    DeviceConfig next = config(sub("ge-0/0/1", 100, "LPSN-CAM-0001", 200));
    assertThat(driver.apply(next, false).itemErrors()).isEmpty();
    assertThat(driver.read()).isEqualTo(next);
    assertThat(server.get("Port", "ge-0-0-1.100", "_uuid")).isEqualTo(uuid);
    assertThat(server.get("Port", "ge-0-0-2", "trunks")).isEqualTo("[4095]");
  }

  @Test
  void aRefusedTransactionChangesNothingAndFailsEveryItemWithOvsReason() throws Exception {
    DeviceConfig first = config(sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100));
    driver.apply(first, false);
    // VLAN 4096 slipped past every check upstream: OVS refuses the tag, so nothing changes.
    ApplyOutcome out =
        driver.apply(
            config(
                sub("ge-0/0/1", 101, "LPSN-CAM-0002", 10),
                sub("ge-0/0/2", 4096, "LPSN-CAM-0009", 10)),
            false);
    assertThat(out.itemErrors())
        .extracting(e -> e.getName())
        .containsExactlyInAnyOrder("ge-0/0/1.100", "ge-0/0/1.101", "ge-0/0/2.4096");
    assertThat(out.itemErrors().get(0).getMessage()).contains("OVS refused the change");
    assertThat(out.actual()).isEqualTo(first);
  }

  @Test
  void anItemOvsCannotCarryFailsAloneAndTheRestApplies() throws Exception {
    ApplyOutcome out =
        driver.apply(
            config(
                sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100),
                sub("ge-0/0/7", 100, "LPSN-CAM-0004", 10)),
            false);
    assertThat(out.itemErrors()).hasSize(1);
    assertThat(out.itemErrors().get(0).getName()).isEqualTo("ge-0/0/7.100");
    assertThat(out.itemErrors().get(0).getMessage()).contains("'ge-0/0/7' has no OVS port");
    assertThat(out.actual().getSubInterfacesList())
        .extracting(SubInterface::getName)
        .containsExactly("ge-0/0/1.100");
  }

  @Test
  void changesMadeByHandAreHeardReportedAndUndone() throws Exception {
    DeviceConfig want = config(sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100));
    driver.apply(want, false);
    AtomicInteger heard = new AtomicInteger();
    driver.onOutOfBandChange(heard::incrementAndGet);
    driver.monitor();
    // The driver's own applies are not news.
    driver.apply(
        config(
            sub("ge-0/0/1", 100, "LPSN-CAM-0001", 100), sub("ge-0/0/1", 102, "LPSN-CAM-0005", 10)),
        false);
    driver.apply(want, false);

    // Someone deletes the circuit's port: heard once. Updates come in order on the connection, so
    // had the applies been heard, they would have counted first.
    server.vsctl("del-port", "br0", "ge-0-0-1.100");
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.get() >= 1);
    assertThat(heard.get()).isEqualTo(1);
    // And adds one of their own on ge-0/0/2.
    server.vsctl(
        "add-port",
        "br0",
        "ge-0-0-2.777",
        "tag=777",
        "--",
        "set",
        "interface",
        "ge-0-0-2.777",
        "type=internal");
    await().atMost(Duration.ofSeconds(5)).until(() -> heard.get() >= 2);
    assertThat(driver.read().getSubInterfacesList())
        .extracting(SubInterface::getName)
        .containsExactly("ge-0/0/2.777");

    // Kept when asked to keep what no circuit owns; removed, and the circuit back, otherwise.
    driver.apply(want, true);
    assertThat(driver.read().getSubInterfacesList())
        .extracting(SubInterface::getName)
        .containsExactly("ge-0/0/1.100", "ge-0/0/2.777");
    assertThat(driver.apply(want, false).itemErrors()).isEmpty();
    assertThat(driver.read()).isEqualTo(want);
  }
}
