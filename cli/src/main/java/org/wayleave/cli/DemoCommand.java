package org.wayleave.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.simulator.AgentCertificates;
import org.wayleave.simulator.FaultApi;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave demo}: a controller and a simulated London PSN in one process. */
@Command(
    name = "demo",
    header = "Runs a controller and a simulated London PSN on this machine.",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a controller on the embedded store in --data, seeded with London's 33 councils and",
      "an example circuit for each, plus a simulated router and agent for every council.",
      "Every simulated router answers SNMP (IF-MIB, v3 authPriv) and the controller polls it:",
      "Both gRPC ports and HTTP use TLS with certificates the demo makes in --data/pki (kept,"
          + " reused);",
      "the engineer's verbs (./wayleave get circuits ...) find its engineer certificate there.",
      "circuits go ACTIVE when their agent applied them and SNMP shows their interface up.",
      "Prints where to look. Ctrl-C stops everything; a second run on --data resumes."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "data",
      description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--grpc-port",
      defaultValue = "9090",
      description = "Northbound gRPC port (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(
      names = "--agent-port",
      defaultValue = "9091",
      description = "Southbound (agent) port (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--sim-port",
      defaultValue = "8081",
      description = "Simulator fault-injection HTTP port (default: ${DEFAULT-VALUE}).")
  int simPort;

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Option(
      names = "--insecure",
      description =
          "Plaintext gRPC and HTTP without certificates (every caller may do everything). Logged as"
              + " a warning.")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    Logs.quietFleetOfAgents();
    Path secretsDir = telemetry.secretsDir(data);
    ControllerConfig config;
    try {
      config = controllerConfig(secretsDir);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave demo: " + e.getMessage());
      return 2;
    }
    // The simulated routers and the controller share SNMP secrets: made once, kept in the data
    // directory.
    DirectorySecretProvider secrets = new DirectorySecretProvider(secretsDir);
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    DemoSecurity.Prepared security =
        insecure ? null : DemoSecurity.prepare(data, bind, Clock.systemUTC());
    config =
        insecure
            ? config.withSecurity(null, config.policy())
            : config.withSecurity(security.controller(), security.policy());
    Controller controller = Controller.start(config);
    seedExampleCircuits(controller);
    // Agents dial an address the controller's certificate names (it has the bind address and
    // localhost).
    String agentHost = bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind;
    Simulator sim = startSimulator(agentHost + ":" + controller.agentPort(), secrets, security);
    FaultApi faults = FaultApi.start(sim, bind, simPort);
    CountDownLatch stopped = closeOnShutdown(faults, sim, controller);
    printWhereToLook(agentHost, controller, faults, config, security, secretsDir);
    reportWhenActive(controller);
    stopped.await();
    return 0;
  }

  /** The controller's configuration from the options, before security. */
  private ControllerConfig controllerConfig(Path secretsDir) {
    return new ControllerConfig(
            data, bind, grpcPort, httpPort, agentPort, List.of("london"), Clock.systemUTC())
        .withTelemetry(telemetry.config(Duration.ofSeconds(10)), secretsDir);
  }

  /** A simulated router and agent for every council, dialling the controller at {@code target}. */
  private Simulator startSimulator(
      String target, DirectorySecretProvider secrets, DemoSecurity.Prepared security)
      throws IOException {
    // Each simulated agent dials with its own device's certificate, issued from the demo's CA.
    Function<String, ChannelCredentials> agentCredentials =
        insecure
            ? id -> InsecureChannelCredentials.create()
            : AgentCertificates.fromCa(security.pki(), Clock.systemUTC());
    return Simulator.start(target, Scenarios.devices("london", 0, secrets), agentCredentials);
  }

  /** Closes everything when the process is asked to stop; the latch opens once it has. */
  private static CountDownLatch closeOnShutdown(
      FaultApi faults, Simulator sim, Controller controller) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  faults.close();
                  sim.close();
                  controller.close();
                  stopped.countDown();
                },
                "wayleave-demo-shutdown"));
    return stopped;
  }

  /** Prints where to look: the dashboard, the APIs, the certificates, SNMP and the data. */
  private void printWhereToLook(
      String host,
      Controller controller,
      FaultApi faults,
      ControllerConfig config,
      DemoSecurity.Prepared security,
      Path secretsDir) {
    String web = (insecure ? "http://" : "https://") + host + ":" + controller.httpPort();
    System.out.println();
    System.out.println(
        "Wayleave demo: a simulated London PSN, 33 councils, one router and agent each.");
    System.out.println(
        "  NOC dashboard       "
            + web
            + "/"
            + (insecure
                ? ""
                : "   (trust "
                    + security.pki().resolve("ca.crt")
                    + "; acknowledging alarms needs the token in "
                    + security.nocToken()
                    + ")"));
    System.out.println("  metrics             " + web + "/metrics   (Prometheus)");
    System.out.println("  controller health   " + web + "/readyz");
    printNorthbound(host + ":" + controller.grpcPort(), security);
    System.out.println(
        "  agents dial         "
            + host
            + ":"
            + controller.agentPort()
            + (insecure ? "" : "   (each with its device's certificate)"));
    System.out.println("  simulator faults    http://" + bind + ":" + faults.port() + "/devices");
    System.out.println(
        "  routers' SNMP       v3 authPriv on 127.1.0.1-33:"
            + Seeds.SNMP_PORT
            + ", secrets in "
            + secretsDir
            + (config.telemetry().enabled()
                ? ", polled every " + config.telemetry().interval().toSeconds() + " s"
                : ", not polled"));
    System.out.println("  data                " + data.toAbsolutePath());
    System.out.println("Ctrl-C stops everything; ./wayleave demo again resumes from " + data + ".");
  }

  /** How to reach the northbound gRPC API at {@code nb}, and with which certificates. */
  private void printNorthbound(String nb, DemoSecurity.Prepared security) {
    if (insecure) {
      System.out.println(
          "  northbound gRPC     "
              + nb
              + "   (grpcurl -plaintext "
              + nb
              + " list; wayleave get circuits --insecure)");
      return;
    }
    Path p = security.pki();
    System.out.println(
        "  northbound gRPC     "
            + nb
            + "   mTLS; ./wayleave get circuits finds "
            + p.resolve("engineer-demo.crt"));
    System.out.println(
        "                      (grpcurl -cacert "
            + p.resolve("ca.crt")
            + " -cert "
            + p.resolve("engineer-demo.crt")
            + " -key "
            + p.resolve("engineer-demo.key")
            + " "
            + nb
            + " list)");
    System.out.println(
        "  certificates        "
            + p
            + "   (engineer, noc and supplier ones; policy in "
            + data.resolve("policy.yaml")
            + ")");
  }

  /** The example circuits, once: a resumed demo keeps whatever the user changed since. */
  private static void seedExampleCircuits(Controller controller) {
    List<Resource> examples = Seeds.exampleCircuits("london");
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < examples.size(); i++) {
      Resource r = examples.get(i);
      if (controller.state().cache().get(Kind.CIRCUIT, r.getCircuit().getId()) == null) {
        ops.add(Op.write(Op.Mode.CREATE, r, "examples[" + i + "]"));
      }
    }
    if (!ops.isEmpty()) {
      controller.state().apply(ops, "system:demo", "demo example circuits");
    }
  }

  /** Says so once every circuit is ACTIVE, checking whenever the store changes. */
  static void reportWhenActive(Controller controller) {
    var cache = controller.state().cache();
    AtomicBoolean said = new AtomicBoolean();
    Runnable check =
        () -> {
          var circuits = cache.list(Kind.CIRCUIT);
          long active =
              circuits.stream()
                  .filter(
                      c ->
                          cache.withStatus(c).getStatus().getPhase()
                              == CircuitPhase.CIRCUIT_PHASE_ACTIVE)
                  .count();
          if (!circuits.isEmpty() && active == circuits.size() && said.compareAndSet(false, true)) {
            System.out.println("All " + active + " circuits are ACTIVE.");
          }
        };
    cache.addListener(
        (rev, events) -> {
          if (!said.get()) {
            check.run();
          }
        });
    check.run();
  }
}
