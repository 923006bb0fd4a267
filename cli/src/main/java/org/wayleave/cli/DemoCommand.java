package org.wayleave.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Resource;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.seed.Seeds;
import org.wayleave.simulator.FaultApi;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.wayleave.controller.secrets.DirectorySecretProvider;

/** {@code wayleave demo}: a controller and a simulated London PSN in one process. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a controller on the embedded store in --data, seeded with London's 33 councils and",
      "an example circuit for each, plus a simulated router and agent for every council.",
      "Every simulated router answers SNMP (IF-MIB, v3 authPriv) and the controller polls it:",
      "circuits go ACTIVE when their agent applied them and SNMP shows their interface up.",
      "Prints where to look. Ctrl-C stops everything; a second run on --data resumes."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--data", defaultValue = "data", description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--grpc-port", defaultValue = "9090", description = "Northbound gRPC port (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(names = "--agent-port", defaultValue = "9091", description = "Southbound (agent) port (default: ${DEFAULT-VALUE}).")
  int agentPort;

  @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--sim-port", defaultValue = "8081", description = "Simulator fault-injection HTTP port (default: ${DEFAULT-VALUE}).")
  int simPort;

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Override
  public Integer call() throws Exception {
    ControllerConfig config;
    Path secretsDir = telemetry.secretsDir(data);
    try {
      config = new ControllerConfig(data, bind, grpcPort, httpPort, agentPort, List.of("london"), Clock.systemUTC())
          .withTelemetry(telemetry.config(java.time.Duration.ofSeconds(10)), secretsDir);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave demo: " + e.getMessage());
      return 2;
    }
    // The simulated routers and the controller share SNMP secrets: made once, kept in the data directory.
    DirectorySecretProvider secrets = new DirectorySecretProvider(secretsDir);
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    Controller controller = Controller.start(config);
    seedExampleCircuits(controller);
    Simulator sim = Simulator.start(bind + ":" + controller.agentPort(), Scenarios.devices("london", 0, secrets));
    FaultApi faults = FaultApi.start(sim, bind, simPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      faults.close();
      sim.close();
      controller.close();
      stopped.countDown();
    }, "wayleave-demo-shutdown"));
    String nb = bind + ":" + controller.grpcPort();
    System.out.println();
    System.out.println("Wayleave demo: a simulated London PSN, 33 councils, one router and agent each.");
    System.out.println("  NOC dashboard       http://" + bind + ":" + controller.httpPort() + "/");
    System.out.println("  metrics             http://" + bind + ":" + controller.httpPort() + "/metrics   (Prometheus)");
    System.out.println("  controller health   http://" + bind + ":" + controller.httpPort() + "/readyz");
    System.out.println("  northbound gRPC     " + nb + "   (grpcurl -plaintext " + nb + " list)");
    System.out.println("  agents dial         " + bind + ":" + controller.agentPort());
    System.out.println("  simulator faults    http://" + bind + ":" + faults.port() + "/devices");
    System.out.println("  routers' SNMP       v3 authPriv on 127.1.0.1-33:" + Seeds.SNMP_PORT + ", secrets in " + secretsDir
        + (config.telemetry().enabled() ? ", polled every " + config.telemetry().interval().toSeconds() + " s" : ", not polled"));
    System.out.println("  data                " + data.toAbsolutePath());
    System.out.println("Ctrl-C stops everything; ./wayleave demo again resumes from " + data + ".");
    reportWhenActive(controller);
    stopped.await();
    return 0;
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
  private static void reportWhenActive(Controller controller) {
    var cache = controller.state().cache();
    java.util.concurrent.atomic.AtomicBoolean said = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable check = () -> {
      var circuits = cache.list(Kind.CIRCUIT);
      long active = circuits.stream()
          .filter(c -> cache.withStatus(c).getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_ACTIVE)
          .count();
      if (!circuits.isEmpty() && active == circuits.size() && said.compareAndSet(false, true)) {
        System.out.println("All " + active + " circuits are ACTIVE.");
      }
    };
    cache.addListener((rev, events) -> {
      if (!said.get()) {
        check.run();
      }
    });
    check.run();
  }
}
