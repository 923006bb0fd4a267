package org.wayleave.agent.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.agent.AgentConfig;
import org.wayleave.agent.Driver;
import org.wayleave.agent.DriverException;
import org.wayleave.api.v1.DeviceConfig;

/** {@code driver: ovs} in an agent's config: what is checked, and the driver it makes. */
class OvsSettingsTest {
  static String config(String ovs) {
    return "controller: localhost\n"
        + "device_id: rtr-camden-01\n"
        + "driver: ovs\n"
        + "insecure: true\n"
        + ovs;
  }

  static String section(Path socket) {
    return "ovs:\n"
        + "  socket: "
        + socket
        + "\n"
        + "  bridge: br0\n"
        + "  uplink: ge-0/0/0\n"
        + "  ports:\n"
        + "    ge-0/0/0: ge-0-0-0\n"
        + "    ge-0/0/1: ge-0-0-1\n";
  }

  @Test
  void theSectionIsReadAndChecked() {
    AgentConfig c = AgentConfig.parse(config(section(Path.of("/run/x/db.sock"))));
    assertThat(c.ovs().bridge()).isEqualTo("br0");
    assertThat(c.ovs().ports()).containsEntry("ge-0/0/1", "ge-0-0-1");
    assertThat(c.ovs().uplink()).isEqualTo("ge-0/0/0");
    assertThat(c.ovs().openflow()).as("beside the database").isEqualTo("unix:/run/x/br0.mgmt");
    assertThat(
            AgentConfig.parse(config(section(Path.of("/s")) + "  openflow: off\n"))
                .ovs()
                .openflow())
        .isNull();

    assertThatThrownBy(() -> AgentConfig.parse(config("")))
        .hasMessage("ovs: driver ovs needs the ovs section");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    config(section(Path.of("/s")).replace("ge-0-0-1", "ge/0/1-much-too-long"))))
        .hasMessageStartingWith("ovs.ports.ge-0/0/1: must be an OVS port name of 1-10");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    config(section(Path.of("/s")).replace("uplink: ge-0/0/0", "uplink: ge-0/0/9"))))
        .hasMessageStartingWith("ovs.uplink: 'ge-0/0/9' is not one of ovs.ports");
    assertThatThrownBy(() -> AgentConfig.parse(config(section(Path.of("/s")) + "  colour: blue\n")))
        .hasMessageStartingWith("ovs.colour: unknown field");
    assertThatThrownBy(
            () -> AgentConfig.parse(config(section(Path.of("/s")) + "  openflow: br0.mgmt\n")))
        .hasMessageStartingWith("ovs.openflow: must be unix:PATH");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    config(section(Path.of("/s"))).replace("driver: ovs", "driver: sim")
                        + "sim:\n  ports: [ge-0/0/1]\n"))
        .hasMessage("ovs: only with driver ovs (driver is sim)");
  }

  @Test
  void theDriverReachesTheSwitchOrSaysWhereItLooked(@TempDir Path dir) throws Exception {
    try (OvsdbServer server = OvsdbServer.start(dir)) {
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
          "ge-0-0-1");
      AgentConfig noSwitch = AgentConfig.parse(config(section(server.socket())));
      assertThatThrownBy(noSwitch::createDriver)
          .isInstanceOf(DriverException.class)
          .hasMessageContaining(
              "ovs.openflow: the switch does not answer OpenFlow at unix:"
                  + dir.resolve("br0.mgmt"));
      Driver d =
          AgentConfig.parse(config(section(server.socket()) + "  openflow: off\n")).createDriver();
      assertThat(d).isInstanceOf(OvsDriver.class);
      assertThat(d.read())
          .isEqualTo(DeviceConfig.newBuilder().setDeviceId("rtr-camden-01").build());
    }
    AgentConfig nowhere = AgentConfig.parse(config(section(dir.resolve("gone.sock"))));
    assertThatThrownBy(nowhere::createDriver)
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("ovs.socket: OVSDB at " + dir.resolve("gone.sock"));
  }
}
