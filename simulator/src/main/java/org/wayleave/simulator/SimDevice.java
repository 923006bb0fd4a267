package org.wayleave.simulator;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpVersion;

/**
 * A router the simulator plays: its device id, its physical ports and, optionally, how it answers
 * SNMP.
 *
 * @param id device id, as in the controller's inventory
 * @param portSpecs physical ports in the router's order (the order gives their ifIndex 1..n)
 * @param snmp how the router answers SNMP, or null if it does not
 */
public record SimDevice(String id, List<PortSpec> portSpecs, SnmpEndpoint snmp) {
  /** Line rate of a port whose speed is not known. */
  public static final long DEFAULT_PORT_MBPS = 1_000;

  public SimDevice {
    Objects.requireNonNull(id, "id");
    portSpecs = List.copyOf(portSpecs);
    Set<String> seen = new HashSet<>();
    for (PortSpec p : portSpecs) {
      if (!seen.add(p.name())) {
        throw new IllegalArgumentException(
            "ports: '" + p.name() + "' appears twice (device " + id + ")");
      }
    }
  }

  /**
   * A router with the given port names (1 Gbit/s each, no description) that does not answer SNMP.
   */
  public SimDevice(String id, List<String> ports) {
    this(id, ports.stream().map(p -> new PortSpec(p, DEFAULT_PORT_MBPS, "")).toList(), null);
  }

  /** The physical port names, in order. */
  public List<String> ports() {
    return portSpecs.stream().map(PortSpec::name).toList();
  }

  /** Whether the router answers SNMP. */
  public boolean hasSnmp() {
    return snmp != null;
  }

  /** The same router answering SNMP as {@code endpoint} says (null: not at all). */
  public SimDevice withSnmp(SnmpEndpoint endpoint) {
    return new SimDevice(id, portSpecs, endpoint);
  }

  /**
   * A physical port.
   *
   * @param name interface name, e.g. {@code ge-0/0/1}
   * @param speedMbps line rate in Mbit/s
   * @param description the port's description (its ifAlias), may be empty
   */
  public record PortSpec(String name, long speedMbps, String description) {
    public PortSpec {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("port name: must not be empty");
      }
      if (speedMbps < 0) {
        throw new IllegalArgumentException(
            "speedMbps: must not be negative (port " + name + ", got " + speedMbps + ")");
      }
      description = description == null ? "" : description;
    }
  }

  /**
   * Where and how a simulated router answers SNMP. Secrets are the resolved values (the simulator
   * must know them to check requests); {@link #toString()} never shows them.
   *
   * @param host the address to bind, an IP literal (each seeded router has its own loopback
   *     address)
   * @param port UDP port; 0 binds an ephemeral port (for tests: see the bound address)
   * @param version v2c or v3
   * @param community v2c: the only community answered; null for v3
   * @param user v3: the USM user name (1-32 characters); null for v2c
   * @param authProtocol v3 authentication protocol; unspecified means SHA-256
   * @param authPassphrase v3 authentication passphrase, at least 8 characters
   * @param privProtocol v3 privacy protocol; unspecified means AES-128
   * @param privPassphrase v3 privacy passphrase, at least 8 characters
   */
  public record SnmpEndpoint(
      String host,
      int port,
      SnmpVersion version,
      String community,
      String user,
      SnmpAuthProtocol authProtocol,
      String authPassphrase,
      SnmpPrivProtocol privProtocol,
      String privPassphrase) {
    /** RFC 3414 11.2: shorter passphrases are refused. */
    public static final int MIN_PASSPHRASE = 8;

    public SnmpEndpoint {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("snmp host: must not be empty");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("snmp port: must be within 0-65535 (got " + port + ")");
      }
      Objects.requireNonNull(version, "version");
      switch (version) {
        case SNMP_VERSION_V2C -> {
          if (community == null || community.isEmpty()) {
            throw new IllegalArgumentException("snmp community: required for v2c");
          }
          user = null;
          authProtocol = null;
          authPassphrase = null;
          privProtocol = null;
          privPassphrase = null;
        }
        case SNMP_VERSION_V3 -> {
          if (user == null || user.isEmpty() || user.length() > 32) {
            throw new IllegalArgumentException(
                "snmp user: must be 1-32 characters for v3 (got '" + user + "')");
          }
          authProtocol =
              authProtocol == null
                      || authProtocol == SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_UNSPECIFIED
                  ? SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256
                  : authProtocol;
          privProtocol =
              privProtocol == null
                      || privProtocol == SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_UNSPECIFIED
                  ? SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128
                  : privProtocol;
          if (authProtocol == SnmpAuthProtocol.UNRECOGNIZED
              || privProtocol == SnmpPrivProtocol.UNRECOGNIZED) {
            throw new IllegalArgumentException(
                "snmp authProtocol/privProtocol: unrecognised value");
          }
          checkPassphrase("authPassphrase", authPassphrase);
          checkPassphrase("privPassphrase", privPassphrase);
          community = null;
        }
        default ->
            throw new IllegalArgumentException(
                "snmp version: must be SNMP_VERSION_V2C or SNMP_VERSION_V3 (got " + version + ")");
      }
    }

    /** A v2c endpoint answering {@code community}. */
    public static SnmpEndpoint v2c(String host, int port, String community) {
      return new SnmpEndpoint(
          host, port, SnmpVersion.SNMP_VERSION_V2C, community, null, null, null, null, null);
    }

    /** A v3 authPriv endpoint with SHA-256 authentication and AES-128 privacy. */
    public static SnmpEndpoint v3(
        String host, int port, String user, String authPassphrase, String privPassphrase) {
      return v3(
          host,
          port,
          user,
          SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256,
          authPassphrase,
          SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128,
          privPassphrase);
    }

    /** A v3 authPriv endpoint. */
    public static SnmpEndpoint v3(
        String host,
        int port,
        String user,
        SnmpAuthProtocol auth,
        String authPassphrase,
        SnmpPrivProtocol priv,
        String privPassphrase) {
      return new SnmpEndpoint(
          host,
          port,
          SnmpVersion.SNMP_VERSION_V3,
          null,
          user,
          auth,
          authPassphrase,
          priv,
          privPassphrase);
    }

    /**
     * The same endpoint on another host and port (tests move seeded routers off a running demo).
     */
    public SnmpEndpoint at(String newHost, int newPort) {
      return new SnmpEndpoint(
          newHost,
          newPort,
          version,
          community,
          user,
          authProtocol,
          authPassphrase,
          privProtocol,
          privPassphrase);
    }

    public boolean isV3() {
      return version == SnmpVersion.SNMP_VERSION_V3;
    }

    /** {@code v2c} or {@code v3}. */
    public String versionName() {
      return isV3() ? "v3" : "v2c";
    }

    private static void checkPassphrase(String field, String value) {
      if (value == null || value.length() < MIN_PASSPHRASE) {
        throw new IllegalArgumentException(
            "snmp " + field + ": must be at least " + MIN_PASSPHRASE + " characters for v3");
      }
    }

    /** Host, port, version and user; never a secret. */
    @Override
    public String toString() {
      return "SnmpEndpoint["
          + host
          + ":"
          + port
          + " "
          + versionName()
          + (isV3() ? " user=" + user + " " + authProtocol + "/" + privProtocol : "")
          + "]";
    }
  }
}
