package org.wayleave.controller;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.store.etcd.EtcdSettings;
import org.wayleave.controller.telemetry.HistoryFile;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * How to run a controller.
 *
 * @param dataDir where the embedded store lives, and telemetry's rate history with either store
 * @param bindAddress the address every listener binds
 * @param grpcPort northbound gRPC port (0: any free port)
 * @param httpPort HTTP port (0: any free port)
 * @param agentPort southbound gRPC port agents dial (0: any free port)
 * @param seeds seed inventories to load at start ({@code london}, {@code eastern}); loading is
 *     idempotent
 * @param clock the clock stamped on changes
 * @param telemetry how routers are polled over SNMP
 * @param secretsDir where secrets named by reference live (one file per secret), or null for none
 * @param seedSnmpPort the SNMP port seeded routers get (0: {@link Seeds#SNMP_PORT})
 * @param tls the controller's certificate, key and CA for both gRPC ports (and HTTPS); null serves
 *     them in plaintext ({@code --insecure}: every caller has every right, and each connection is
 *     logged as a warning)
 * @param policy who may do what
 * @param etcd the etcd cluster the store lives on, or null for the embedded SQLite store in {@code
 *     dataDir}
 * @param name this controller's name among several (its candidate id in the leader election)
 */
public record ControllerConfig(
    Path dataDir,
    String bindAddress,
    int grpcPort,
    int httpPort,
    int agentPort,
    List<String> seeds,
    Clock clock,
    TelemetryConfig telemetry,
    Path secretsDir,
    int seedSnmpPort,
    TlsFiles tls,
    AccessPolicy policy,
    EtcdSettings etcd,
    String name) {
  public static final int DEFAULT_GRPC_PORT = 9090;
  public static final int DEFAULT_AGENT_PORT = 9091;
  public static final int DEFAULT_HTTP_PORT = 8080;

  public ControllerConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(bindAddress, "bindAddress");
    checkPort("grpcPort", grpcPort);
    checkPort("httpPort", httpPort);
    checkPort("agentPort", agentPort);
    seeds = List.copyOf(seeds);
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(telemetry, "telemetry");
    checkPort("seedSnmpPort", seedSnmpPort);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
  }

  /**
   * Where telemetry's rate history is kept: {@code DATA/telemetry/rates.dat}, with either store.
   */
  public Path historyFile() {
    return dataDir.resolve("telemetry").resolve(HistoryFile.FILE_NAME);
  }

  /** Whether both gRPC ports run without TLS. */
  public boolean insecure() {
    return tls == null;
  }

  /**
   * Telemetry off, no secrets, seeded routers on the default SNMP port, no TLS: for tests of the
   * desired-state and southbound paths that involve neither SNMP nor authentication.
   */
  public ControllerConfig(
      Path dataDir,
      String bindAddress,
      int grpcPort,
      int httpPort,
      int agentPort,
      List<String> seeds,
      Clock clock) {
    this(
        dataDir,
        bindAddress,
        grpcPort,
        httpPort,
        agentPort,
        seeds,
        clock,
        TelemetryConfig.disabled(),
        null,
        0,
        null,
        AccessPolicy.defaults(),
        null,
        defaultName());
  }

  /** The same with other telemetry settings and secrets. */
  public ControllerConfig withTelemetry(TelemetryConfig t, Path secrets) {
    Copy c = new Copy(this);
    c.telemetry = t;
    c.secretsDir = secrets;
    return c.build();
  }

  /** The same with seeded routers answering SNMP on another port. */
  public ControllerConfig withSeedSnmpPort(int port) {
    Copy c = new Copy(this);
    c.seedSnmpPort = port;
    return c.build();
  }

  /**
   * The same serving TLS with {@code tls} (null: plaintext, {@code --insecure}) under {@code
   * policy}.
   */
  public ControllerConfig withSecurity(TlsFiles tls, AccessPolicy policy) {
    Copy c = new Copy(this);
    c.tls = tls;
    c.policy = policy;
    return c.build();
  }

  /** The same with the store on etcd ({@code null}: the embedded store) under {@code name}. */
  public ControllerConfig withStore(EtcdSettings etcd, String name) {
    Copy c = new Copy(this);
    c.etcd = etcd;
    c.name = name;
    return c.build();
  }

  /** A config's fields, to change some and build another (records have no copy-with). */
  private static final class Copy {
    private final ControllerConfig from;
    TelemetryConfig telemetry;
    Path secretsDir;
    int seedSnmpPort;
    TlsFiles tls;
    AccessPolicy policy;
    EtcdSettings etcd;
    String name;

    Copy(ControllerConfig from) {
      this.from = from;
      this.telemetry = from.telemetry;
      this.secretsDir = from.secretsDir;
      this.seedSnmpPort = from.seedSnmpPort;
      this.tls = from.tls;
      this.policy = from.policy;
      this.etcd = from.etcd;
      this.name = from.name;
    }

    ControllerConfig build() {
      return new ControllerConfig(
          from.dataDir,
          from.bindAddress,
          from.grpcPort,
          from.httpPort,
          from.agentPort,
          from.seeds,
          from.clock,
          telemetry,
          secretsDir,
          seedSnmpPort,
          tls,
          policy,
          etcd,
          name);
    }
  }

  /** The host's name, the default controller name. */
  public static String defaultName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "controller";
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be within 0-65535 (got " + port + ")");
    }
  }

  /** Loopback, free ports, no seed: for tests. */
  public static ControllerConfig forTest(Path dataDir) {
    return new ControllerConfig(dataDir, "127.0.0.1", 0, 0, 0, List.of(), Clock.systemUTC());
  }

  /** As the canonical constructor; the agent port is the default, or free when the gRPC port is. */
  public ControllerConfig(
      Path dataDir,
      String bindAddress,
      int grpcPort,
      int httpPort,
      List<String> seeds,
      Clock clock) {
    this(
        dataDir,
        bindAddress,
        grpcPort,
        httpPort,
        grpcPort == 0 ? 0 : DEFAULT_AGENT_PORT,
        seeds,
        clock);
  }
}
