package org.wayleave.simulator;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.secrets.SecretProvider.SecretException;
import org.wayleave.base.seed.Seeds;
import org.wayleave.simulator.SimDevice.PortSpec;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;
import org.wayleave.simulator.snmp.RouterMib;
import org.wayleave.simulator.snmp.SnmpFleet;

/** The regions the simulator can play: the routers of a seed inventory. */
public final class Scenarios {
  /** Scenario names. */
  public static final List<String> NAMES = List.of("london", "eastern", "scale");

  /** The UDP port SNMP settings mean when they leave it at 0. */
  public static final int DEFAULT_SNMP_PORT = 161;

  private Scenarios() {}

  /**
   * The routers of a scenario, without SNMP.
   *
   * @param devices the number of routers for {@code scale}; ignored otherwise
   * @throws IllegalArgumentException naming the valid scenarios for an unknown one
   */
  public static List<SimDevice> devices(String scenario, int devices) {
    return fromInventory(inventory(scenario, devices));
  }

  /**
   * The routers of a scenario, answering SNMP as their inventory says (see {@link
   * #fromInventory(List, SecretProvider)}).
   *
   * @param devices the number of routers for {@code scale}; ignored otherwise
   * @param secrets resolves the community and passphrase references
   * @throws IllegalArgumentException naming the valid scenarios for an unknown one, or a device's
   *     bad SNMP settings
   * @throws SecretException naming the device and the reference of a secret that cannot be resolved
   */
  public static List<SimDevice> devices(String scenario, int devices, SecretProvider secrets) {
    return fromInventory(inventory(scenario, devices), secrets);
  }

  /**
   * {@code K/N} as {@code [K, N]}; null or empty as {@code [1, 1]} (the whole fleet).
   *
   * @throws IllegalArgumentException saying the form and the bounds, 1 <= K <= N <= 1000
   */
  public static int[] parsePart(String part) {
    if (part == null || part.isEmpty()) {
      return new int[] {1, 1};
    }
    String[] kn = part.split("/", -1);
    try {
      if (kn.length == 2) {
        int k = Integer.parseInt(kn[0].trim());
        int n = Integer.parseInt(kn[1].trim());
        if (k >= 1 && n <= 1000 && k <= n) {
          return new int[] {k, n};
        }
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new IllegalArgumentException(
        "must be K/N with 1 <= K <= N <= 1000, as 2/4 for the second of four slices (got '"
            + part
            + "')");
  }

  /**
   * The {@code k}-th of {@code n} contiguous, equal (to one) slices of {@code all}; together the
   * {@code n} slices are {@code all}, each item in exactly one.
   */
  public static <T> List<T> part(List<T> all, int k, int n) {
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("part: must be within 1-" + n + " (got " + k + ")");
    }
    int from = (int) ((long) (k - 1) * all.size() / n);
    int to = (int) ((long) k * all.size() / n);
    return List.copyOf(all.subList(from, to));
  }

  /** The seed inventory of a scenario. */
  public static List<Resource> inventory(String scenario, int devices) {
    return switch (scenario) {
      case "london", "eastern" -> Seeds.byName(scenario);
      case "scale" -> Seeds.scale(devices);
      default ->
          throw new IllegalArgumentException(
              "scenario: unknown '" + scenario + "'; choose from " + NAMES);
    };
  }

  /** The routers of an inventory's devices, without SNMP. */
  public static List<SimDevice> fromInventory(List<Resource> inventory) {
    List<SimDevice> out = new ArrayList<>();
    for (Resource r : inventory) {
      if (r.hasDevice()) {
        out.add(new SimDevice(r.getDevice().getId(), ports(r.getDevice()), null));
      }
    }
    return out;
  }

  /**
   * The routers of an inventory's devices; those with SNMP settings answer SNMP at their {@code
   * management_address} and {@code snmp.port} (0 means {@value #DEFAULT_SNMP_PORT}) with the
   * community or USM user their settings name, the secrets resolved through {@code secrets}. An
   * unset {@code snmp.version} means v3 authPriv, as it does for the controller.
   *
   * @throws IllegalArgumentException naming the device and the field of bad SNMP settings
   * @throws SecretException naming the device and the reference of a secret that cannot be resolved
   */
  public static List<SimDevice> fromInventory(List<Resource> inventory, SecretProvider secrets) {
    List<SimDevice> out = new ArrayList<>();
    for (Resource r : inventory) {
      if (r.hasDevice()) {
        Device d = r.getDevice();
        out.add(new SimDevice(d.getId(), ports(d), d.hasSnmp() ? endpoint(d, secrets) : null));
      }
    }
    return out;
  }

  /**
   * Routers for an SNMP-only run (a benchmark of the pollers: no agents, no controller): the first
   * {@code devices} routers of the {@code scale} seed, each already carrying {@code subInterfaces}
   * sub-interfaces spread over its access ports ({@code ge-0/0/1.100}, {@code ge-0/0/2.101}, ...,
   * 10-100 Mbit/s, aliased {@code SCALE-<router>-<n>} like circuits). Serve them with {@link
   * SnmpFleet#serve}:
   *
   * <pre>
   * try (SnmpFleet fleet = SnmpFleet.serve(Scenarios.snmpOnly(10_000, 10, secrets))) { ... }
   * </pre>
   *
   * @throws IllegalArgumentException if {@code subInterfaces} is not within 0-2000
   */
  public static List<SnmpFleet.Member> snmpOnly(
      int devices, int subInterfaces, SecretProvider secrets) {
    if (subInterfaces < 0 || subInterfaces > 2000) {
      throw new IllegalArgumentException(
          "subInterfaces: must be within 0-2000 (got " + subInterfaces + ")");
    }
    List<SnmpFleet.Member> out = new ArrayList<>(devices);
    int n = 0;
    for (SimDevice d : devices("scale", devices, secrets)) {
      n++;
      SimRouter router = new SimRouter(d.id(), d.ports());
      for (int i = 0; i < subInterfaces; i++) {
        String port = "ge-0/0/" + (1 + i % 3);
        int vlan = 100 + i;
        router.addForeign(
            SubInterface.newBuilder()
                .setName(port + "." + vlan)
                .setPort(port)
                .setCTag(vlan)
                .setAlias(String.format("SCALE-%05d-%02d", n, i + 1))
                .setBandwidthMbps(10L * (1 + i % 10))
                .setAdminUp(true)
                .build());
      }
      out.add(new SnmpFleet.Member(new RouterMib(router, d.portSpecs()), d.snmp()));
    }
    return out;
  }

  private static List<PortSpec> ports(Device d) {
    return d.getPortsList().stream()
        .map(
            p ->
                new PortSpec(
                    p.getName(),
                    p.getSpeedMbps() > 0 ? p.getSpeedMbps() : SimDevice.DEFAULT_PORT_MBPS,
                    p.getDescription()))
        .toList();
  }

  private static SnmpEndpoint endpoint(Device d, SecretProvider secrets) {
    SnmpSettings s = d.getSnmp();
    String where = "device " + d.getId() + ": ";
    if (d.getManagementAddress().isBlank()) {
      throw new IllegalArgumentException(where + "management_address: required to serve SNMP");
    }
    int port = s.getPort() == 0 ? DEFAULT_SNMP_PORT : s.getPort();
    try {
      if (s.getVersion() == SnmpVersion.SNMP_VERSION_V2C) {
        return SnmpEndpoint.v2c(
            d.getManagementAddress(),
            port,
            resolve(where, "snmp.community_ref", s.getCommunityRef(), secrets));
      }
      // Unset means v3 authPriv, the default, as for the controller.
      if (s.getVersion() == SnmpVersion.SNMP_VERSION_V3
          || s.getVersion() == SnmpVersion.SNMP_VERSION_UNSPECIFIED) {
        return SnmpEndpoint.v3(
            d.getManagementAddress(),
            port,
            s.getUser(),
            s.getAuthProtocol(),
            resolve(where, "snmp.auth_secret_ref", s.getAuthSecretRef(), secrets),
            s.getPrivProtocol(),
            resolve(where, "snmp.priv_secret_ref", s.getPrivSecretRef(), secrets));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        where
            + "snmp.version: must be SNMP_VERSION_V3 (or unset, which means v3) or SNMP_VERSION_V2C"
            + " (got "
            + s.getVersion()
            + ")");
  }

  private static String resolve(String where, String field, String ref, SecretProvider secrets) {
    if (ref.isEmpty()) {
      throw new IllegalArgumentException(field + ": required");
    }
    try {
      return secrets.resolve(ref);
    } catch (SecretException e) {
      throw new SecretException(where + field + ": " + e.getMessage());
    }
  }
}
