package org.wayleave.cli;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave controller}: runs a controller on the embedded store until stopped. */
@Command(
    name = "controller",
    header = "Runs a controller on the embedded SQLite store.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a controller on the embedded SQLite store in --data.",
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

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Mixin ServerSecurityOptions security = new ServerSecurityOptions();

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
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave controller: " + e.getMessage());
      return 2;
    }
    Controller controller = Controller.start(config);
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
