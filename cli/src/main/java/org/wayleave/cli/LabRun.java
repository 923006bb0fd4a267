package org.wayleave.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.concurrent.DaemonThreads;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.cli.lab.Lab;
import org.wayleave.cli.lab.LabInventory;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * A running lab: the namespaces ({@link Lab}), a controller on the embedded store in the data
 * directory bound to the management bridge's address, with the demo's certificates (mTLS on both
 * gRPC ports and HTTPS), the lab's councils, routers and circuits, and an agent per router dialling
 * it with its own certificate.
 */
public final class LabRun implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LabRun.class);

  final Path data;
  final Lab lab;
  final DemoSecurity.Prepared security;
  final Controller controller;
  private final ScheduledExecutorService addresser;

  private LabRun(Path data, Lab lab, DemoSecurity.Prepared security, Controller controller) {
    this.data = data;
    this.lab = lab;
    this.security = security;
    this.controller = controller;
    this.addresser =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wayleave-lab-addresses"));
  }

  /** The controller's ports: northbound gRPC, HTTP, southbound (agents). */
  public record Ports(int grpc, int http, int agent) {}

  public static LabRun start(
      Path data, List<String> councils, Ports ports, TelemetryConfig telemetry, boolean circuits)
      throws IOException {
    Clock clock = Clock.systemUTC();
    Path labDir = data.toAbsolutePath().resolve("lab");
    List<Lab.Router> planned = Lab.plan(labDir, councils);
    List<Resource> inventory = LabInventory.inventory(planned);
    Path secretsDir = data.toAbsolutePath().resolve("secrets");
    DirectorySecretProvider secrets = new DirectorySecretProvider(secretsDir);
    secrets.generateMissing(Seeds.secretRefs(inventory));
    Map<String, String[]> snmp = new HashMap<>();
    for (Resource r : inventory) {
      if (r.hasDevice()) {
        var s = r.getDevice().getSnmp();
        snmp.put(
            r.getDevice().getId(),
            new String[] {
              secrets.resolve(s.getAuthSecretRef()), secrets.resolve(s.getPrivSecretRef())
            });
      }
    }
    Lab lab = Lab.start(labDir, councils, snmp);
    Controller controller = null;
    try {
      DemoSecurity.Prepared security = DemoSecurity.prepare(data, Lab.CONTROLLER_ADDRESS, clock);
      ControllerConfig config =
          new ControllerConfig(
                  data,
                  Lab.CONTROLLER_ADDRESS,
                  ports.grpc(),
                  ports.http(),
                  ports.agent(),
                  List.of(),
                  clock)
              .withTelemetry(telemetry, secretsDir)
              .withSecurity(security.controller(), security.policy());
      controller = Controller.start(config);
      LabRun run = new LabRun(data, lab, security, controller);
      run.seed(inventory, circuits ? LabInventory.circuits(planned) : List.of());
      for (Lab.Router r : lab.routers()) {
        run.startAgent(r);
      }
      run.addresser.scheduleWithFixedDelay(run::address, 0, 250, TimeUnit.MILLISECONDS);
      return run;
    } catch (IOException | RuntimeException e) {
      if (controller != null) {
        controller.close();
      }
      lab.close();
      throw e;
    }
  }

  private void address() {
    try {
      lab.addressCircuits();
    } catch (RuntimeException e) {
      log.debug("lab: addressing circuits: {}", e.getMessage());
    }
  }

  /** The inventory (upserted) and the circuits not there yet (a resumed lab keeps changes). */
  private void seed(List<Resource> inventory, List<Resource> circuits) {
    controller.state().apply(Op.upserts(inventory, "lab"), "system:lab", "lab inventory");
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < circuits.size(); i++) {
      Resource c = circuits.get(i);
      if (controller.state().cache().get(Kind.CIRCUIT, c.getCircuit().getId()) == null) {
        ops.add(Op.write(Op.Mode.CREATE, c, "lab.circuits[" + i + "]"));
      }
    }
    if (!ops.isEmpty()) {
      controller.state().apply(ops, "system:lab", "lab circuits");
    }
  }

  /** Writes {@code r}'s agent config (its certificate issued from the lab's CA) and starts it. */
  public void startAgent(Lab.Router r) throws IOException {
    Path pki = security.pki();
    TlsFiles tls =
        Pki.load(pki, Clock.systemUTC())
            .ensure(
                new Identity(Identity.Role.AGENT, r.deviceId()),
                List.of(),
                List.of(),
                DemoSecurity.VALIDITY,
                pki,
                pki.resolve(Pki.CA_CERT));
    Path config = r.dir().resolve("agent.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "# " + r.deviceId() + "'s agent, written by wayleave lab",
            "controller: " + Lab.CONTROLLER_ADDRESS + ":" + controller.agentPort(),
            "device_id: " + r.deviceId(),
            "driver: ovs",
            "state_file: " + r.dir().resolve("agent.applied-generation"),
            "ovs:",
            "  socket: " + r.ovsdb(),
            "  bridge: br0",
            "  ports:",
            "    " + Lab.DEVICE_PORT + ": " + Lab.OVS_PORT,
            "tls:",
            "  cert: " + tls.certificate().toAbsolutePath(),
            "  key: " + tls.key().toAbsolutePath(),
            "  ca: " + tls.ca().toAbsolutePath(),
            ""));
    lab.startAgent(r, config);
  }

  public Lab lab() {
    return lab;
  }

  public Controller controller() {
    return controller;
  }

  @Override
  public void close() {
    addresser.shutdownNow();
    controller.close();
    lab.close();
  }
}
