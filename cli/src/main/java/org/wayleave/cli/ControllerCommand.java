package org.wayleave.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.etcd.EtcdSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave controller}: runs a controller on the embedded store until stopped. */
@Command(
    name = "controller",
    header = "Runs a controller on SQLite or on etcd.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a controller on the embedded SQLite store in --data, or on an etcd cluster with",
      "--store etcd://HOST:PORT,... beside other controllers: all serve the API, dashboard and",
      "metrics; the elected leader alone pushes to agents, polls routers and writes statuses.",
      "Polls every router's IF-MIB over SNMP (v2c, or v3 authPriv with secrets from --secrets) and",
      "judges circuits by it: ACTIVE needs the agent's report and the interface up.",
      "Both gRPC ports require TLS client certificates from the deployment's CA (wayleave certs);",
      "--insecure serves plaintext instead, for a laptop.",
      "Stops cleanly on Ctrl-C or SIGTERM; a restart on the same directory resumes."
    })
final class ControllerCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--grpc-port",
      defaultValue = "9090",
      description = "Northbound gRPC port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--agent-port",
      defaultValue = "9091",
      description =
          "Southbound gRPC port agents dial; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description =
          "HTTP port for /healthz and /readyz; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--seed",
      split = ",",
      paramLabel = "REGION",
      description =
          "Load a seed inventory at start: london (33 boroughs), eastern (5 counties). Idempotent.")
  List<String> seeds = new ArrayList<>();

  @Option(
      names = "--store",
      paramLabel = "etcd://HOST:PORT[,HOST:PORT...][/NAMESPACE]",
      description =
          "Keep state on this etcd cluster (namespace default /wayleave/) instead of the embedded"
              + " SQLite store in --data.")
  String store;

  @Option(
      names = "--etcd-ca",
      paramLabel = "FILE",
      description = "Talk TLS to etcd, trusting this CA (PEM).")
  Path etcdCa;

  @Option(
      names = "--etcd-cert",
      paramLabel = "FILE",
      description = "This controller's client certificate for etcd (PEM; with --etcd-key).")
  Path etcdCert;

  @Option(names = "--etcd-key", paramLabel = "FILE", description = "Its private key (PKCS#8 PEM).")
  Path etcdKey;

  @Option(
      names = "--etcd-max-txn-ops",
      defaultValue = "128",
      description =
          "etcd's --max-txn-ops: one write changes at most this many keys less two"
              + " (default: ${DEFAULT-VALUE}, etcd's own default).")
  int etcdMaxTxnOps;

  @Option(
      names = "--name",
      description = "This controller's name in the leader election (default: the host name).")
  String name = ControllerConfig.defaultName();

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Mixin ServerSecurityOptions security = new ServerSecurityOptions();

  /** The etcd settings from the options, or null for the embedded store. */
  private EtcdSettings etcd() {
    if (store == null) {
      if (etcdCa != null || etcdCert != null || etcdKey != null) {
        throw new IllegalArgumentException("--etcd-ca, --etcd-cert and --etcd-key need --store");
      }
      return null;
    }
    for (Path f : new Path[] {etcdCa, etcdCert, etcdKey}) {
      if (f != null && !Files.isReadable(f)) {
        throw new IllegalArgumentException("cannot read " + f);
      }
    }
    return EtcdSettings.parse(store)
        .withMaxTxnOps(etcdMaxTxnOps)
        .withTls(etcdCa, etcdCert, etcdKey);
  }

  @Override
  public Integer call() throws Exception {
    for (String s : seeds) {
      if (!Seeds.NAMES.contains(s)) {
        System.err.println(
            "wayleave controller: --seed: unknown region '" + s + "'; choose from " + Seeds.NAMES);
        return 2;
      }
    }
    ControllerConfig config;
    try {
      config =
          new ControllerConfig(data, bind, grpcPort, httpPort, agentPort, seeds, Clock.systemUTC())
              .withTelemetry(telemetry.config(Duration.ofSeconds(60)), telemetry.secretsDir(data));
      config = security.apply(config, data);
      config = config.withStore(etcd(), name);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave controller: " + e.getMessage());
      return 2;
    }
    Controller controller;
    try {
      controller = Controller.start(config);
    } catch (StoreException e) {
      System.err.println("wayleave controller: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controller.close();
                  stopped.countDown();
                },
                "wayleave-shutdown"));
    // Machine-readable lines for scripts and tests that start the controller on port 0.
    System.out.println(
        "wayleave controller listening: grpc="
            + bind
            + ":"
            + controller.grpcPort()
            + " http="
            + bind
            + ":"
            + controller.httpPort()
            + " agents="
            + bind
            + ":"
            + controller.agentPort());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
