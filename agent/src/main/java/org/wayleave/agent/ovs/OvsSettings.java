package org.wayleave.agent.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.wayleave.agent.DriverException;

/**
 * The {@code ovs} section of an agent's config: where the switch's database is, which bridge is the
 * router, and which OVS port each of the device's ports is.
 *
 * <pre>
 * driver: ovs
 * ovs:
 *   socket: /run/wayleave/rtr-camden-01/db.sock   # the switch's OVSDB socket
 *   bridge: br0
 *   uplink: ge-0/0/0                               # optional: carries every circuit's VLAN onward
 *   ports:                                         # device port: OVS port (a Linux name, no '/')
 *     ge-0/0/0: ge-0-0-0
 *     ge-0/0/1: ge-0-0-1
 *   openflow: unix:/run/wayleave/rtr-camden-01/br0.mgmt  # optional: this is the default
 * </pre>
 *
 * <p>{@code openflow} is the bridge's OpenFlow management socket, where committed rates are set as
 * meters ({@link Datapath}); {@code off} drives the database alone (no rates, no link states: for a
 * database without a switch daemon, as in tests).
 *
 * @param socket the OVSDB server's Unix socket
 * @param bridge the bridge the device's ports are on
 * @param ports device port name to OVS port name
 * @param uplink the device port carrying every circuit's VLAN onward, or null
 * @param openflow the bridge's OpenFlow target ({@code unix:PATH}), or null for none
 */
public record OvsSettings(
    Path socket, String bridge, Map<String, String> ports, String uplink, String openflow) {
  private static final Set<String> FIELDS =
      Set.of("socket", "bridge", "uplink", "ports", "openflow");

  /** A Linux interface name short enough to take a {@code .4094} suffix and stay within 15. */
  private static final Pattern OVS_PORT = Pattern.compile("[A-Za-z0-9_-]{1,10}");

  private static final Pattern DEVICE_PORT = Pattern.compile("[A-Za-z][A-Za-z0-9/:_-]{0,31}");

  /** How long one OVSDB call may take. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  public OvsSettings {
    Objects.requireNonNull(socket, "ovs.socket");
    if (bridge == null || !OVS_PORT.matcher(bridge).matches()) {
      throw new IllegalArgumentException(
          "ovs.bridge: must be 1-10 letters, digits, '_' or '-' (got '" + bridge + "')");
    }
    ports = Map.copyOf(ports);
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("ovs.ports: the ovs driver needs at least one port");
    }
    Set<String> seen = new TreeSet<>();
    for (var e : ports.entrySet()) {
      if (!DEVICE_PORT.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException(
            "ovs.ports: '" + e.getKey() + "' is not a port name such as ge-0/0/1");
      }
      if (!OVS_PORT.matcher(e.getValue()).matches()) {
        throw new IllegalArgumentException(
            "ovs.ports."
                + e.getKey()
                + ": must be an OVS port name of 1-10 letters, digits, '_' or '-', so that"
                + " '<name>.<vlan>' fits Linux's 15 characters (got '"
                + e.getValue()
                + "')");
      }
      if (!seen.add(e.getValue())) {
        throw new IllegalArgumentException(
            "ovs.ports." + e.getKey() + ": OVS port '" + e.getValue() + "' is named twice");
      }
    }
    if (uplink != null && !ports.containsKey(uplink)) {
      throw new IllegalArgumentException(
          "ovs.uplink: '" + uplink + "' is not one of ovs.ports " + new TreeSet<>(ports.keySet()));
    }
  }

  /** Parses the {@code ovs} section; null when there is none. */
  public static OvsSettings parse(JsonNode ovs) {
    if (ovs == null || ovs.isNull()) {
      return null;
    }
    if (!ovs.isObject()) {
      throw new IllegalArgumentException("ovs: must be a mapping with socket, bridge and ports");
    }
    ovs.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                    "ovs." + f + ": unknown field; known: " + new TreeSet<>(FIELDS));
              }
            });
    String socket = text(ovs, "socket");
    if (socket == null) {
      throw new IllegalArgumentException("ovs.socket: is required (the switch's OVSDB socket)");
    }
    String bridge = text(ovs, "bridge");
    JsonNode p = ovs.get("ports");
    if (p == null || !p.isObject()) {
      throw new IllegalArgumentException(
          "ovs.ports: is required, a mapping of device port to OVS port (ge-0/0/1: ge-0-0-1)");
    }
    Map<String, String> ports = new LinkedHashMap<>();
    p.fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException(
                    "ovs.ports." + e.getKey() + ": must be an OVS port name");
              }
              ports.put(e.getKey(), e.getValue().asText());
            });
    JsonNode of = ovs.get("openflow");
    // YAML reads a bare off as false.
    String openflow =
        of != null && of.isBoolean() && !of.asBoolean() ? "off" : text(ovs, "openflow");
    if (openflow == null) {
      Path dir = Path.of(socket).toAbsolutePath().getParent();
      openflow = "unix:" + dir.resolve(bridge + ".mgmt");
    } else if (openflow.equals("off")) {
      openflow = null;
    } else if (!openflow.startsWith("unix:") && !openflow.matches("(tcp|ssl):.+:\\d+")) {
      throw new IllegalArgumentException(
          "ovs.openflow: must be unix:PATH, tcp:HOST:PORT, ssl:HOST:PORT or off (got '"
              + openflow
              + "')");
    }
    return new OvsSettings(Path.of(socket), bridge, ports, text(ovs, "uplink"), openflow);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("ovs." + field + ": must be text");
    }
    return v.asText();
  }

  /**
   * Connects to the switch's database and returns the driver for {@code deviceId}, hearing changes
   * made by hand.
   *
   * @throws DriverException naming the socket if the database does not answer, or the bridge
   */
  public OvsDriver connect(String deviceId) throws DriverException {
    OvsdbClient client;
    try {
      client = OvsdbClient.connect(socket, CALL_TIMEOUT);
    } catch (IOException e) {
      throw new DriverException("ovs.socket: " + e.getMessage(), e);
    }
    try {
      Datapath datapath = null;
      if (openflow != null) {
        datapath = new Datapath(Programs.find("ovs-ofctl"), Programs.find("ip"), openflow);
        try {
          datapath.check();
        } catch (DriverException e) {
          throw new DriverException(
              "ovs.openflow: the switch does not answer OpenFlow at "
                  + openflow
                  + " (is ovs-vswitchd running with bridge "
                  + bridge
                  + "? 'openflow: off' drives the database alone): "
                  + e.getMessage(),
              e);
        }
      }
      OvsDriver driver = new OvsDriver(client, deviceId, bridge, ports, uplink, datapath);
      driver.resyncDatapath();
      driver.monitor();
      return driver;
    } catch (DriverException | RuntimeException e) {
      client.close();
      throw e;
    }
  }
}
