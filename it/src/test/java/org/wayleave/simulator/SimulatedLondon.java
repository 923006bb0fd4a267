package org.wayleave.simulator;

import static org.awaitility.Awaitility.await;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * A controller polling the simulated London PSN over SNMP v3, every circuit of the examples ACTIVE:
 * what the telemetry and dashboard tests start from. The SNMP port is picked at random so a running
 * demo does not clash. At most four routers are polled at once and an unanswered request waits 1.5
 * s and is tried twice, so a silent router holds a slot for 3 s: were the others queued behind it,
 * they would fall a whole interval behind.
 */
public final class SimulatedLondon implements AutoCloseable {
  /** How long one SNMP request waits: 1.5 s, tried twice. */
  public static final Duration TIMEOUT = Duration.ofMillis(1500);

  public final Controller controller;
  public final Simulator sim;

  private SimulatedLondon(Controller controller, Simulator sim) {
    this.controller = controller;
    this.sim = sim;
  }

  /**
   * Starts both in {@code dir} with the given poll interval, and waits until every circuit is
   * ACTIVE.
   */
  public static SimulatedLondon start(Path dir, Duration pollInterval) throws Exception {
    return start(dir, pollInterval, AccessPolicy.defaults());
  }

  /**
   * As {@link #start(Path, Duration)} under an access policy (HTTP tokens, anonymous reading). The
   * ports stay plaintext ({@code --insecure}): the simulated agents dial without certificates.
   */
  public static SimulatedLondon start(Path dir, Duration pollInterval, AccessPolicy policy)
      throws Exception {
    int snmpPort = freeUdpPort();
    Path secretsDir = dir.resolve("secrets");
    DirectorySecretProvider secrets = new DirectorySecretProvider(secretsDir);
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    TelemetryConfig d = TelemetryConfig.defaults();
    TelemetryConfig telemetry =
        new TelemetryConfig(
            true,
            pollInterval,
            TIMEOUT,
            1,
            4,
            d.maxRepetitions(),
            d.utilisationThreshold(),
            d.errorsPerSecondThreshold(),
            d.history());
    Controller controller =
        Controller.start(
            new ControllerConfig(
                    dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withTelemetry(telemetry, secretsDir)
                .withSeedSnmpPort(snmpPort)
                .withSecurity(null, policy));
    Simulator sim;
    try {
      controller
          .state()
          .apply(
              Op.upserts(Seeds.exampleCircuits("london"), "examples"), "test", "example circuits");
      sim =
          Simulator.start(
              "127.0.0.1:" + controller.agentPort(),
              Scenarios.fromInventory(Seeds.withSnmpPort(Seeds.london(), snmpPort), secrets));
    } catch (Exception | Error e) {
      controller.close();
      throw e;
    }
    SimulatedLondon london = new SimulatedLondon(controller, sim);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  controller.state().cache().list(Kind.CIRCUIT).stream()
                      .allMatch(c -> london.phase(c.getId()) == CircuitPhase.CIRCUIT_PHASE_ACTIVE));
    } catch (RuntimeException | Error e) {
      london.close();
      throw e;
    }
    return london;
  }

  public CircuitPhase phase(String circuitId) {
    return controller.state().cache().circuitWithStatus(circuitId).getStatus().getPhase();
  }

  /** The name of the sub-interface that carries a circuit on a router. */
  public String subInterface(String device, String circuitId) {
    return sim.router(device).config().getSubInterfacesList().stream()
        .filter(s -> s.getAlias().equals(circuitId))
        .findFirst()
        .orElseThrow()
        .getName();
  }

  /** A port free on the first London router's address (the others are alike on loopback). */
  static int freeUdpPort() throws Exception {
    for (int i = 0; i < 50; i++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.1.0.1", port))) {
        return port;
      } catch (BindException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free UDP port found in 20000-29999 on 127.1.0.1");
  }

  @Override
  public void close() {
    sim.close();
    controller.close();
  }
}
