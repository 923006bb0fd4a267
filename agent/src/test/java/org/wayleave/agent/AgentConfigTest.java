package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigTest {
  private static final String VALID =
      """
      controller: ctl.psn.example:19091
      device_id: rtr-camden-01
      driver: sim
      heartbeat_seconds: 5
      state_file: /var/lib/wayleave/agent.gen
      sim:
        ports: [ge-0/0/0, ge-0/0/1]
      """;

  @TempDir Path dir;

  @Test
  void readsSeveralControllersToDialInTurn() {
    AgentConfig c =
        AgentConfig.parse(
            "controller: [ctl-a.psn.example, 'ctl-b.psn.example:19091', '[::1]:7000']\n"
                + "device_id: rtr-camden-01\nsim: {ports: [ge-0/0/0]}\ninsecure: true\n");
    assertThat(c.controllerTarget()).isEqualTo("ctl-a.psn.example:9091");
    assertThat(c.controllerTargets())
        .containsExactly("ctl-a.psn.example:9091", "ctl-b.psn.example:19091", "[::1]:7000");
    assertThat(
            AgentConfig.parse(
                    "controller: ctl-a\ndevice_id: rtr-camden-01\nsim: {ports: [ge-0/0/0]}\n")
                .controllerTargets())
        .containsExactly("ctl-a:9091");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    "controller: []\ndevice_id: rtr-camden-01\nsim: {ports: [ge-0/0/0]}\n"))
        .hasMessage("controller: must name at least one controller");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    "controller: [a, 'a:9091']\n"
                        + "device_id: rtr-camden-01\n"
                        + "sim: {ports: [ge-0/0/0]}\n"))
        .hasMessage("controller[1]: a:9091 is listed twice");
    assertThatThrownBy(
            () ->
                AgentConfig.parse(
                    "controller: [a, '']\ndevice_id: rtr-camden-01\nsim: {ports: [ge-0/0/0]}\n"))
        .hasMessageStartingWith("controller[1]: must be a non-empty string");
  }

  @Test
  void readsEveryField() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, VALID);

    AgentConfig c = AgentConfig.load(file);

    assertThat(c.controllerHost()).isEqualTo("ctl.psn.example");
    assertThat(c.controllerPort()).isEqualTo(19091);
    assertThat(c.controllerTarget()).isEqualTo("ctl.psn.example:19091");
    assertThat(c.deviceId()).isEqualTo("rtr-camden-01");
    assertThat(c.driver()).isEqualTo("sim");
    assertThat(c.heartbeatSeconds()).isEqualTo(5);
    assertThat(c.stateFile()).isEqualTo(Path.of("/var/lib/wayleave/agent.gen"));
    assertThat(c.simPorts()).containsExactly("ge-0/0/0", "ge-0/0/1");
  }

  @Test
  void fillsDefaults() {
    AgentConfig c =
        AgentConfig.parse("controller: localhost\ndevice_id: rtr-a\nsim: {ports: [eth0]}\n");
    assertThat(c.controllerPort()).isEqualTo(9091);
    assertThat(c.driver()).isEqualTo("sim");
    assertThat(c.heartbeatInterval()).hasSeconds(10);
    assertThat(c.stateFile()).isEqualTo(Path.of("data/agent/rtr-a.applied-generation"));
  }

  @Test
  void understandsIpv6Controllers() {
    AgentConfig c =
        AgentConfig.parse("controller: '[::1]:7000'\ndevice_id: rtr-a\nsim: {ports: [eth0]}\n");
    assertThat(c.controllerHost()).isEqualTo("::1");
    assertThat(c.controllerTarget()).isEqualTo("[::1]:7000");
  }

  @Test
  void createsTheSimDriverWithThePorts() throws Exception {
    Driver d = AgentConfig.parse(VALID).createDriver();
    assertThat(d).isInstanceOf(SimDriver.class);
    assertThat(((SimDriver) d).router().ports()).containsExactlyInAnyOrder("ge-0/0/0", "ge-0/0/1");
    assertThat(d.read().getDeviceId()).isEqualTo("rtr-camden-01");
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        arguments(
            "no controller", "device_id: rtr-a\nsim: {ports: [eth0]}", "controller: is required"),
        arguments(
            "controller port not number",
            "controller: h:abc\ndevice_id: rtr-a\nsim: {ports: [eth0]}",
            "controller: port must be a number within 1-65535 (got 'abc'"),
        arguments(
            "controller port too big",
            "controller: h:70000\ndevice_id: rtr-a\nsim: {ports: [eth0]}",
            "controller: port must be within 1-65535 (got 70000)"),
        arguments(
            "bare ipv6",
            "controller: '::1:9091'\ndevice_id: rtr-a\nsim: {ports: [eth0]}",
            "controller: write an IPv6 address in brackets"),
        arguments(
            "bad host",
            "controller: 'a b:1'\ndevice_id: rtr-a\nsim: {ports: [eth0]}",
            "controller: host must be a name or address (got 'a b')"),
        arguments("no device", "controller: h:1\nsim: {ports: [eth0]}", "device_id: is required"),
        arguments(
            "bad device",
            "controller: h:1\ndevice_id: Rtr_A\nsim: {ports: [eth0]}",
            "device_id: must be 2-63 lower-case letters"),
        arguments(
            "device not string",
            "controller: h:1\ndevice_id: [x]\nsim: {ports: [eth0]}",
            "device_id: must be a non-empty string"),
        arguments(
            "linux driver",
            "controller: h:1\ndevice_id: rtr-a\ndriver: linux",
            "driver: 'linux' is not supported yet (this kernel has no 802.1Q module); use ovs"),
        arguments(
            "unknown driver",
            "controller: h:1\ndevice_id: rtr-a\ndriver: netconf\nsim: {ports: [eth0]}",
            "driver: must be one of sim, ovs, linux (got 'netconf')"),
        arguments(
            "heartbeat zero",
            "controller: h:1\ndevice_id: rtr-a\nheartbeat_seconds: 0\nsim: {ports: [e0]}",
            "heartbeat_seconds: must be within 1-3600 (got 0)"),
        arguments(
            "heartbeat fraction",
            "controller: h:1\ndevice_id: rtr-a\nheartbeat_seconds: 2.5\nsim: {ports: [e0]}",
            "heartbeat_seconds: must be a whole number of seconds (got '2.5')"),
        arguments(
            "heartbeat text",
            "controller: h:1\ndevice_id: rtr-a\nheartbeat_seconds: soon\nsim: {ports: [e0]}",
            "heartbeat_seconds: must be a whole number of seconds (got 'soon')"),
        arguments(
            "state file empty",
            "controller: h:1\ndevice_id: rtr-a\nstate_file: ''\nsim: {ports: [e0]}",
            "state_file: must be a non-empty string"),
        arguments(
            "no ports",
            "controller: h:1\ndevice_id: rtr-a",
            "sim.ports: the sim driver needs at least one port"),
        arguments(
            "ports not a list",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: eth0}",
            "sim.ports: must be a list of port names"),
        arguments(
            "bad port name",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [eth0, '9x']}",
            "sim.ports[1]: must be a port name such as ge-0/0/1 (got '9x')"),
        arguments(
            "duplicate port",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [eth0, eth0]}",
            "sim.ports[1]: 'eth0' is listed twice"),
        arguments(
            "unknown field",
            "controller: h:1\ndevice_id: rtr-a\nheartbeat: 5\nsim: {ports: [eth0]}",
            "heartbeat: unknown field (known: controller, device_id, driver, heartbeat_seconds,"
                + " insecure, ovs, sim, state_file, tls)"),
        arguments(
            "tls not a mapping",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [e0]}\ntls: yes",
            "tls: must be a mapping with cert, key and ca"),
        arguments(
            "tls without key",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [e0]}\ntls: {cert: a.crt, ca: ca.crt}",
            "tls.key: is required"),
        arguments(
            "unknown tls field",
            "controller: h:1\n"
                + "device_id: rtr-a\n"
                + "sim: {ports: [e0]}\n"
                + "tls: {cert: a, key: b, ca: c, pin: d}",
            "tls.pin: unknown field"),
        arguments(
            "tls and insecure",
            "controller: h:1\n"
                + "device_id: rtr-a\n"
                + "sim: {ports: [e0]}\n"
                + "insecure: true\n"
                + "tls: {cert: a, key: b, ca: c}",
            "insecure: cannot be true together with tls"),
        arguments(
            "insecure not boolean",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [e0]}\ninsecure: perhaps",
            "insecure: must be true or false"),
        arguments(
            "unknown sim field",
            "controller: h:1\ndevice_id: rtr-a\nsim: {ports: [eth0], vlans: 3}",
            "sim.vlans: unknown field (known: ports)"),
        arguments("not a mapping", "- controller", "must be a mapping"),
        arguments("not yaml", "controller: [unclosed\ndevice_id: x", "not valid YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void rejectsBadInputNamingTheField(String what, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void tlsNamesTheDevicesCertificateAndInsecureIsExplicit() {
    AgentConfig tls =
        AgentConfig.parse(
            "controller: h:1\n"
                + "device_id: rtr-a\n"
                + "sim: {ports: [e0]}\n"
                + "tls: {cert: /etc/w/agent-rtr-a.crt, key: /etc/w/agent-rtr-a.key, ca:"
                + " /etc/w/ca.crt}");
    assertThat(tls.tls())
        .isEqualTo(
            new AgentConfig.Tls(
                Path.of("/etc/w/agent-rtr-a.crt"),
                Path.of("/etc/w/agent-rtr-a.key"),
                Path.of("/etc/w/ca.crt")));
    assertThat(tls.insecure()).isFalse();
    AgentConfig plain =
        AgentConfig.parse("controller: h:1\ndevice_id: rtr-a\nsim: {ports: [e0]}\ninsecure: true");
    assertThat(plain.tls()).isNull();
    assertThat(plain.insecure()).isTrue();
    AgentConfig neither =
        AgentConfig.parse("controller: h:1\ndevice_id: rtr-a\nsim: {ports: [e0]}");
    assertThat(neither.tls()).isNull();
    assertThat(neither.insecure()).as("the agent command refuses to run on neither").isFalse();
  }

  @Test
  void emptyOrMissingFilesSaySo() {
    assertThatThrownBy(() -> AgentConfig.parse(""))
        .hasMessageContaining("controller and device_id are required");
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> AgentConfig.load(missing)).hasMessage(missing + ": no such file");
  }

  @Test
  void fileErrorsNameTheFile() throws Exception {
    Path file = dir.resolve("agent.yaml");
    Files.writeString(file, "controller: h:1\ndevice_id: rtr-a\n");
    assertThatThrownBy(() -> AgentConfig.load(file))
        .hasMessage(file + ": sim.ports: the sim driver needs at least one port");
  }

  @Test
  void theConstructorValidatesToo() {
    assertThatThrownBy(
            () -> new AgentConfig("h", 1, "rtr-a", "sim", 10, Path.of("g"), List.of(), null, false))
        .hasMessageContaining("sim.ports");
  }
}
