package org.wayleave.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.simulator.AgentCertificates;
import org.wayleave.simulator.FaultApi;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.SimDevice;
import org.wayleave.simulator.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wayleave simulator}: a whole region of simulated routers and their agents. */
@Command(
    name = "simulator",
    header = "Runs a simulated PSN region: a router and agent per device.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one simulated router with its agent for every device of a scenario, all dialling",
      "the controller, with fault injection over HTTP (GET /devices for the list).",
      "Every router answers SNMP (IF-MIB) on its own loopback address, port 16161, with secrets",
      "from --secrets (share the controller's directory).",
      "The controller must hold the scenario's inventory: start it with --seed london|eastern."
    })
final class SimulatorCommand implements Callable<Integer> {
  @Option(
      names = "--scenario",
      defaultValue = "london",
      description = "london, eastern or scale (default: ${DEFAULT-VALUE}).")
  String scenario;

  @Option(
      names = "--devices",
      defaultValue = "1000",
      description = "Routers for --scenario scale (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--controller",
      defaultValue = "localhost:9091",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description =
          "The controllers' agent (southbound) addresses; agents find the leader among them"
              + " (default: ${DEFAULT-VALUE}).")
  String controller;

  @Option(
      names = "--http-port",
      defaultValue = "8081",
      description = "Fault-injection HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address the fault API listens on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--secrets",
      paramLabel = "DIR",
      description =
          "The controller's secrets directory: routers answer SNMP with the community or v3"
              + " passphrases found there. Missing secrets are created (default: data/secrets, as"
              + " the controller's).")
  Path secrets = Path.of("data", "secrets");

  @Option(
      names = "--part",
      paramLabel = "K/N",
      description =
          "Run only the K-th of N equal slices of the scenario's routers, so that a fleet too big"
              + " for one process's open-files limit (a TCP connection and a UDP socket per"
              + " router) can be spread over N processes (default: all of them).")
  String part;

  @Option(names = "--no-snmp", description = "Routers do not answer SNMP.")
  boolean noSnmp;

  @Option(
      names = "--ca-dir",
      paramLabel = "DIR",
      defaultValue = "data/pki",
      description =
          "The deployment's CA (ca.crt, ca.key): each simulated agent dials with a certificate for"
              + " its own device, issued from it into DIR/agents on first use (default:"
              + " ${DEFAULT-VALUE}).")
  Path caDir;

  @Option(
      names = "--insecure",
      description = "Agents dial in plaintext, for a controller run with --insecure.")
  boolean insecure;

  @Override
  public Integer call() throws Exception {
    Logs.quietFleetOfAgents();
    if (!Scenarios.NAMES.contains(scenario)) {
      System.err.println(
          "wayleave simulator: --scenario: unknown '"
              + scenario
              + "'; choose from "
              + Scenarios.NAMES);
      return 2;
    }
    int[] slice;
    try {
      slice = Scenarios.parsePart(part);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave simulator: --part: " + e.getMessage());
      return 2;
    }
    List<SimDevice> devs;
    if (noSnmp) {
      devs = Scenarios.devices(scenario, devices);
    } else {
      DirectorySecretProvider provider = new DirectorySecretProvider(secrets);
      provider.generateMissing(Seeds.secretRefs(Scenarios.inventory(scenario, devices)));
      devs = Scenarios.devices(scenario, devices, provider);
    }
    Function<String, ChannelCredentials> credentials;
    if (insecure) {
      credentials = id -> InsecureChannelCredentials.create();
    } else {
      if (!Files.exists(caDir.resolve(Pki.CA_KEY))) {
        System.err.println(
            "wayleave simulator: --ca-dir: no CA in "
                + caDir
                + " (wayleave certs init --dir "
                + caDir
                + "), or --insecure for a controller run with --insecure");
        return 2;
      }
      credentials = AgentCertificates.fromCa(caDir, Clock.systemUTC());
    }
    devs = Scenarios.part(devs, slice[0], slice[1]);
    Simulator sim = Simulator.start(controller, devs, credentials);
    FaultApi api = FaultApi.start(sim, bind, httpPort);
    System.out.println(
        "wayleave simulator: "
            + devs.size()
            + " routers of '"
            + scenario
            + "' dialling "
            + controller
            + "; faults at http://"
            + bind
            + ":"
            + api.port()
            + "/devices");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  sim.close();
                  stopped.countDown();
                },
                "wayleave-simulator-shutdown"));
    stopped.await();
    return 0;
  }
}
