package org.wayleave.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.wayleave.agent.ovs.OvsDriver;
import org.wayleave.agent.ovs.OvsSettings;

/**
 * How to run one agent, as read from YAML:
 *
 * <pre>
 * controller: controller.psn.example:9091   # host[:port]; the port defaults to 9091
 * # controller: [ctl-a.psn.example, ctl-b.psn.example]   # or several, dialled in turn: the agent
 * #                                         # ends up on the one that leads
 * device_id: rtr-camden-01
 * driver: sim                               # sim, or ovs (an Open vSwitch bridge; see OvsSettings)
 * heartbeat_seconds: 10                     # default 10
 * state_file: data/agent/rtr-camden-01.applied-generation   # this is the default
 * sim:
 *   ports: [ge-0/0/0, ge-0/0/1, ge-0/0/2, ge-0/0/3]
 * tls:                                      # the device's certificate (wayleave certs issue --role agent)
 *   cert: /etc/wayleave/agent-rtr-camden-01.crt
 *   key: /etc/wayleave/agent-rtr-camden-01.key
 *   ca: /etc/wayleave/ca.crt
 * # insecure: true                          # instead of tls: plaintext, for a controller run with --insecure
 * </pre>
 *
 * <p>Every field is checked on construction, and the messages name the YAML field.
 *
 * @param controllerHost the controller's southbound host name or address (IPv6 without brackets)
 * @param controllerPort the controller's southbound port
 * @param deviceId the device this agent speaks for
 * @param driver the driver kind: {@code sim} or {@code ovs}
 * @param heartbeatSeconds seconds between heartbeats
 * @param stateFile where the applied generation is kept across restarts
 * @param simPorts the simulated router's physical ports (driver {@code sim})
 * @param tls the agent's certificate, key and CA; null when not given
 * @param insecure whether the agent dials in plaintext (never together with {@code tls})
 * @param moreControllers the other controllers' addresses ({@code host:port}), dialled in turn
 *     after the first
 * @param ovs the switch (driver {@code ovs}), or null
 */
public record AgentConfig(
    String controllerHost,
    int controllerPort,
    String deviceId,
    String driver,
    int heartbeatSeconds,
    Path stateFile,
    List<String> simPorts,
    Tls tls,
    boolean insecure,
    List<String> moreControllers,
    OvsSettings ovs) {

  /** One controller, no switch: a sim router. */
  public AgentConfig(
      String controllerHost,
      int controllerPort,
      String deviceId,
      String driver,
      int heartbeatSeconds,
      Path stateFile,
      List<String> simPorts,
      Tls tls,
      boolean insecure) {
    this(
        controllerHost,
        controllerPort,
        deviceId,
        driver,
        heartbeatSeconds,
        stateFile,
        simPorts,
        tls,
        insecure,
        List.of(),
        null);
  }

  /**
   * The agent's certificate and key, and the CA the controller's certificate must chain to (PEM
   * files).
   */
  public record Tls(Path cert, Path key, Path ca) {}

  public static final int DEFAULT_CONTROLLER_PORT = 9091;
  public static final int DEFAULT_HEARTBEAT_SECONDS = 10;
  public static final String DRIVER_SIM = "sim";
  public static final String DRIVER_OVS = "ovs";

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:-]{1,253}");
  private static final Pattern PORT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9/:_-]{0,31}");
  private static final Set<String> KNOWN_DRIVERS = Set.of("sim", "ovs", "linux");
  private static final Set<String> FIELDS =
      Set.of(
          "controller",
          "device_id",
          "driver",
          "heartbeat_seconds",
          "state_file",
          "sim",
          "ovs",
          "tls",
          "insecure");
  private static final Set<String> TLS_FIELDS = Set.of("cert", "key", "ca");
  private static final Set<String> SIM_FIELDS = Set.of("ports");

  public AgentConfig {
    moreControllers = List.copyOf(moreControllers);
    if (controllerHost == null || !HOST.matcher(controllerHost).matches()) {
      throw new IllegalArgumentException(
          "controller: host must be a name or address (got '" + controllerHost + "')");
    }
    if (controllerPort < 1 || controllerPort > 65535) {
      throw new IllegalArgumentException(
          "controller: port must be within 1-65535 (got " + controllerPort + ")");
    }
    if (deviceId == null || !SLUG.matcher(deviceId).matches()) {
      throw new IllegalArgumentException(
          "device_id: must be 2-63 lower-case letters, digits and '-', starting with a letter or"
              + " digit (got '"
              + deviceId
              + "')");
    }
    if (driver == null || !KNOWN_DRIVERS.contains(driver)) {
      throw new IllegalArgumentException(
          "driver: must be one of sim, ovs, linux (got '" + driver + "')");
    }
    if (driver.equals("linux")) {
      throw new IllegalArgumentException(
          "driver: 'linux' is not supported yet (this kernel has no 802.1Q module); use ovs");
    }
    if (heartbeatSeconds < 1 || heartbeatSeconds > 3600) {
      throw new IllegalArgumentException(
          "heartbeat_seconds: must be within 1-3600 (got " + heartbeatSeconds + ")");
    }
    Objects.requireNonNull(stateFile, "state_file");
    simPorts = List.copyOf(simPorts);
    if (driver.equals(DRIVER_OVS)) {
      if (ovs == null) {
        throw new IllegalArgumentException("ovs: driver ovs needs the ovs section");
      }
      if (!simPorts.isEmpty()) {
        throw new IllegalArgumentException("sim: only with driver sim (driver is ovs)");
      }
    } else if (ovs != null) {
      throw new IllegalArgumentException("ovs: only with driver ovs (driver is " + driver + ")");
    } else if (simPorts.isEmpty()) {
      throw new IllegalArgumentException("sim.ports: the sim driver needs at least one port");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < simPorts.size(); i++) {
      String p = simPorts.get(i);
      if (!PORT_NAME.matcher(p).matches()) {
        throw new IllegalArgumentException(
            "sim.ports[" + i + "]: must be a port name such as ge-0/0/1 (got '" + p + "')");
      }
      if (!seen.add(p)) {
        throw new IllegalArgumentException("sim.ports[" + i + "]: '" + p + "' is listed twice");
      }
    }
  }

  /** {@code host:port}, with brackets around an IPv6 host: what a gRPC channel dials. */
  public String controllerTarget() {
    return target(controllerHost, controllerPort);
  }

  /** Every controller to dial, {@code host:port} each, the first first. */
  public List<String> controllerTargets() {
    List<String> all = new ArrayList<>();
    all.add(controllerTarget());
    all.addAll(moreControllers);
    return all;
  }

  private static String target(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public Duration heartbeatInterval() {
    return Duration.ofSeconds(heartbeatSeconds);
  }

  /**
   * The driver this configuration names: a {@link SimDriver} over a new router with the configured
   * ports, or an {@link OvsDriver} connected to the switch's database.
   *
   * @throws DriverException if the switch's database does not answer
   */
  public Driver createDriver() throws DriverException {
    if (driver.equals(DRIVER_OVS)) {
      return ovs.connect(deviceId);
    }
    return new SimDriver(new SimRouter(deviceId, simPorts));
  }

  /**
   * Reads a YAML file.
   *
   * @throws IllegalArgumentException if the file is missing, unreadable, not YAML, or a field is
   *     wrong; the message names the file and the field
   */
  public static AgentConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads YAML text.
   *
   * @throws IllegalArgumentException if it is not a YAML mapping or a field is wrong; the message
   *     names the field
   */
  public static AgentConfig parse(String yaml) {
    JsonNode root = readMapping(yaml);
    checkFields(root, FIELDS, "");
    List<ControllerAddress> controllers = parseControllers(root);
    ControllerAddress controller = controllers.get(0);
    String deviceId = requiredText(root, "device_id");
    String driver = optionalText(root, "driver", DRIVER_SIM);
    int heartbeat = parseHeartbeat(root.get("heartbeat_seconds"));
    String stateFile =
        optionalText(root, "state_file", "data/agent/" + deviceId + ".applied-generation");
    List<String> ports = parseSim(root.get("sim"));
    Tls tls = parseTls(root.get("tls"));
    boolean insecure = parseInsecure(root.get("insecure"));
    if (insecure && tls != null) {
      throw new IllegalArgumentException("insecure: cannot be true together with tls; choose one");
    }
    return new AgentConfig(
        controller.host(),
        controller.port(),
        deviceId,
        driver,
        heartbeat,
        Path.of(stateFile),
        ports,
        tls,
        insecure,
        controllers.subList(1, controllers.size()).stream()
            .map(c -> target(c.host(), c.port()))
            .toList(),
        OvsSettings.parse(root.get("ovs")));
  }

  /** {@code controller}: one address, or a list of them (at least one, none twice). */
  private static List<ControllerAddress> parseControllers(JsonNode root) {
    JsonNode n = root.get("controller");
    if (n == null || !n.isArray()) {
      return List.of(parseController(requiredText(root, "controller")));
    }
    if (n.isEmpty()) {
      throw new IllegalArgumentException("controller: must name at least one controller");
    }
    List<ControllerAddress> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual() || e.asText().isBlank()) {
        throw new IllegalArgumentException(
            "controller[" + i + "]: must be a non-empty string (got '" + e.asText() + "')");
      }
      ControllerAddress a = parseController(e.asText().trim());
      if (out.contains(a)) {
        throw new IllegalArgumentException(
            "controller[" + i + "]: " + target(a.host(), a.port()) + " is listed twice");
      }
      out.add(a);
    }
    return out;
  }

  /** The controller's host and port, as {@code controller} names them. */
  private record ControllerAddress(String host, int port) {}

  /** The YAML text's top-level mapping. */
  private static JsonNode readMapping(String yaml) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IllegalArgumentException(
          "empty configuration; controller and device_id are required");
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("the configuration must be a mapping of field: value");
    }
    return root;
  }

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; the port defaults. */
  private static ControllerAddress parseController(String controller) {
    int colon = controller.lastIndexOf(':');
    if (controller.startsWith("[")) { // [v6]:port or [v6]
      int close = controller.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("controller: unclosed '[' in '" + controller + "'");
      }
      String host = controller.substring(1, close);
      String rest = controller.substring(close + 1);
      if (rest.isEmpty()) {
        return new ControllerAddress(host, DEFAULT_CONTROLLER_PORT);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(
            "controller: expected host:port (got '" + controller + "')");
      }
      return new ControllerAddress(host, parsePort(rest.substring(1), controller));
    } else if (colon >= 0 && controller.indexOf(':') == colon) { // host:port
      return new ControllerAddress(
          controller.substring(0, colon), parsePort(controller.substring(colon + 1), controller));
    } else if (colon >= 0) {
      throw new IllegalArgumentException(
          "controller: write an IPv6 address in brackets, e.g. [::1]:9091 (got '"
              + controller
              + "')");
    }
    return new ControllerAddress(controller, DEFAULT_CONTROLLER_PORT);
  }

  private static int parseHeartbeat(JsonNode hb) {
    if (hb == null || hb.isNull()) {
      return DEFAULT_HEARTBEAT_SECONDS;
    }
    if (!hb.isIntegralNumber() || !hb.canConvertToInt()) {
      throw new IllegalArgumentException(
          "heartbeat_seconds: must be a whole number of seconds (got '" + hb.asText() + "')");
    }
    return hb.intValue();
  }

  /** The {@code sim} section's port names; empty when it lists none. */
  private static List<String> parseSim(JsonNode sim) {
    List<String> ports = new ArrayList<>();
    if (sim == null || sim.isNull()) {
      return ports;
    }
    if (!sim.isObject()) {
      throw new IllegalArgumentException("sim: must be a mapping with 'ports'");
    }
    checkFields(sim, SIM_FIELDS, "sim.");
    JsonNode list = sim.get("ports");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new IllegalArgumentException("sim.ports: must be a list of port names");
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode p = list.get(i);
        if (!p.isTextual()) {
          throw new IllegalArgumentException(
              "sim.ports[" + i + "]: must be a port name (got '" + p + "')");
        }
        ports.add(p.asText());
      }
    }
    return ports;
  }

  /** The {@code tls} section; null when it is not given. */
  private static Tls parseTls(JsonNode t) {
    if (t == null || t.isNull()) {
      return null;
    }
    if (!t.isObject()) {
      throw new IllegalArgumentException("tls: must be a mapping with cert, key and ca");
    }
    checkFields(t, TLS_FIELDS, "tls.");
    return new Tls(
        Path.of(requiredText(t, "cert", "tls.")),
        Path.of(requiredText(t, "key", "tls.")),
        Path.of(requiredText(t, "ca", "tls.")));
  }

  private static boolean parseInsecure(JsonNode in) {
    if (in == null || in.isNull()) {
      return false;
    }
    if (!in.isBoolean()) {
      throw new IllegalArgumentException(
          "insecure: must be true or false (got '" + in.asText() + "')");
    }
    return in.booleanValue();
  }

  private static void checkFields(JsonNode node, Set<String> known, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            prefix
                + name
                + ": unknown field (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String requiredText(JsonNode root, String field) {
    return requiredText(root, field, "");
  }

  private static String requiredText(JsonNode root, String field, String prefix) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(prefix + field + ": is required");
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new IllegalArgumentException(
          prefix + field + ": must be a non-empty string (got '" + n.asText() + "')");
    }
    return n.asText().trim();
  }

  private static String optionalText(JsonNode root, String field, String fallback) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new IllegalArgumentException(
          field + ": must be a non-empty string (got '" + n.asText() + "')");
    }
    return n.asText().trim();
  }

  private static int parsePort(String text, String controller) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "controller: port must be a number within 1-65535 (got '"
              + text
              + "' in '"
              + controller
              + "')");
    }
  }
}
