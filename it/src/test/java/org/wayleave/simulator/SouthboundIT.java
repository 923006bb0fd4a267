package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.time.Backoff;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.store.StoreEvent;

/**
 * Controller and simulated London PSN in one JVM over loopback: circuits converge, and the
 * controller heals restarts, drift, foreign VLANs and refused applies without redundant pushes.
 */
class SouthboundIT {
  static final String CAMDEN = "rtr-camden-01";

  @TempDir Path dir;
  Controller controller;
  Simulator sim;
  int agentPort;

  @BeforeEach
  void start() throws Exception {
    controller =
        Controller.start(
            new ControllerConfig(dir, "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC()));
    agentPort = controller.agentPort();
    sim =
        Simulator.start(
            "127.0.0.1:" + agentPort,
            Scenarios.devices("london", 0),
            Duration.ofSeconds(5),
            new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.connectedAgents() == 33);
  }

  @AfterEach
  void stop() {
    sim.close();
    controller.close();
  }

  /** {@code n} PSN access circuits spread over the London routers and their access ports. */
  List<String> createCircuits(int n) {
    List<Device> devices = controller.state().cache().list(Kind.DEVICE);
    List<Op> ops = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Device d = devices.get(i % devices.size());
      String council = controller.state().cache().get(Kind.SITE, d.getSite()).getCouncil();
      String id = String.format("LPSN-IT-%04d", i);
      ids.add(id);
      ops.add(
          Op.write(
              Op.Mode.CREATE,
              Kind.CIRCUIT,
              Circuit.newBuilder()
                  .setId(id)
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil(council)
                          .setSupplier("wayfarer-networks")
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice(d.getId())
                                  .setPort("ge-0/0/" + (1 + (i / devices.size()) % 3)))
                          .setCommittedMbps(10))
                  .build(),
              "resources[" + i + "]"));
    }
    controller.state().apply(ops, "test", "create " + n);
    return ids;
  }

  CircuitPhase phase(String id) {
    return controller.state().cache().circuitWithStatus(id).getStatus().getPhase();
  }

  void awaitAll(List<String> ids, CircuitPhase phase) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ids.stream().allMatch(id -> phase(id) == phase));
  }

  /** No device reconcile queued or running. */
  void awaitSettled() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                controller.deviceEngine().queueDepth() == 0
                    && controller.deviceEngine().runningCount() == 0);
  }

  @Test
  void hundredCircuitsBecomeActiveOnTheRouters() {
    List<String> ids = createCircuits(100);
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    Circuit c = controller.state().cache().circuitWithStatus(ids.get(0));
    String name = c.getSpec().getAEnd().getPort() + "." + c.getSpec().getAEnd().getCTag();
    assertThat(sim.router(c.getSpec().getAEnd().getDevice()).get(name))
        .get()
        .extracting(SubInterface::getAlias)
        .isEqualTo(c.getId());
    int carried = 0;
    for (String id : sim.deviceIds()) {
      carried += sim.router(id).config().getSubInterfacesCount();
    }
    assertThat(carried).isEqualTo(100);
    assertThat(sim.stats().pushesRedundant()).as("pushes the routers already carried").isZero();
  }

  @Test
  void aRestartedAgentWhoseConfigIsUnchangedGetsNoPush() {
    List<String> ids = createCircuits(66);
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    awaitSettled();
    long pushes = controller.pushes().pushes();
    sim.stopAgent(CAMDEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> !controller.agents().connected(CAMDEN));
    sim.startAgent(CAMDEN);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> controller.agents().connected(CAMDEN) && sim.agent(CAMDEN).isConnected());
    awaitSettled();
    assertThat(controller.pushes().pushes())
        .as("pushes after the agent's restart")
        .isEqualTo(pushes);
    assertThat(sim.agent(CAMDEN).pushesReceived()).isZero();
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void aVlanDeletedBehindTheControllersBackIsDriftedThenRepairedWithinASecond() {
    List<String> ids = createCircuits(33);
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    String id = controller.state().cache().circuitsOnDevice(CAMDEN).iterator().next();
    Circuit c = controller.state().cache().get(Kind.CIRCUIT, id);
    String name = c.getSpec().getAEnd().getPort() + "." + c.getSpec().getAEnd().getCTag();
    List<CircuitPhase> phases = new CopyOnWriteArrayList<>();
    var watch =
        controller
            .store()
            .watch(
                Kind.CIRCUIT_STATUS_PREFIX + id,
                0,
                (rev, events) -> {
                  for (StoreEvent e : events) {
                    try {
                      phases.add(CircuitStatus.parseFrom(e.kv().value()).getPhase());
                    } catch (InvalidProtocolBufferException ex) {
                      throw new AssertionError(ex);
                    }
                  }
                });
    try {
      assertThat(sim.router(CAMDEN).deleteBehindTheBack(name)).isTrue();
      await().atMost(Duration.ofSeconds(1)).until(() -> sim.router(CAMDEN).get(name).isPresent());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  phase(id) == CircuitPhase.CIRCUIT_PHASE_ACTIVE
                      && phases.contains(CircuitPhase.CIRCUIT_PHASE_DRIFTED));
      assertThat(phases)
          .containsSubsequence(
              CircuitPhase.CIRCUIT_PHASE_DRIFTED, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    } finally {
      watch.close();
    }
  }

  @Test
  void aForeignVlanIsRemovedUnlessTheDeviceKeepsUnownedVlans() {
    SubInterface foreign =
        SubInterface.newBuilder()
            .setName("ge-0/0/3.777")
            .setPort("ge-0/0/3")
            .setCTag(777)
            .setAlias("nobody")
            .build();
    sim.router(CAMDEN).addForeign(foreign);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sim.router(CAMDEN).get("ge-0/0/3.777").isEmpty());

    Device keep =
        controller.state().cache().get(Kind.DEVICE, CAMDEN).toBuilder()
            .setKeepUnownedVlans(true)
            .build();
    controller
        .state()
        .apply(List.of(Op.write(Op.Mode.UPDATE, Kind.DEVICE, keep, "")), "test", "keep unowned");
    awaitSettled();
    long pushes = controller.pushes().pushes();
    sim.router(CAMDEN).addForeign(foreign);
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.agent(CAMDEN).driftsSent() > 0);
    awaitSettled();
    assertThat(sim.router(CAMDEN).get("ge-0/0/3.777")).isPresent();
    assertThat(controller.pushes().pushes()).isEqualTo(pushes);
  }

  @Test
  void aFailingApplyIsFailedWithTheAgentsMessageThenActiveOnceItSucceeds() {
    sim.router(CAMDEN).failApplies("TCAM full on linecard 0");
    List<String> ids = createCircuits(33);
    String id =
        ids.get(
            controller.state().cache().list(Kind.DEVICE).stream()
                .map(Device::getId)
                .toList()
                .indexOf(CAMDEN));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> phase(id) == CircuitPhase.CIRCUIT_PHASE_FAILED);
    assertThat(controller.state().cache().circuitWithStatus(id).getStatus().getLastError())
        .contains("TCAM full on linecard 0");
    sim.router(CAMDEN).clearFailures();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> phase(id) == CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void aRestartedControllerResynchronisesEveryAgentWithZeroPushesForDevicesInSync()
      throws Exception {
    List<String> ids = createCircuits(99);
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    awaitSettled();
    controller.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.connectedAgents() == 0);
    controller =
        Controller.start(
            new ControllerConfig(
                dir, "127.0.0.1", 0, 0, agentPort, List.of("london"), Clock.systemUTC()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> controller.agents().sessions() == 33 && sim.connectedAgents() == 33);
    awaitSettled();
    assertThat(controller.pushes().pushes()).as("pushes by the restarted controller").isZero();
    awaitAll(ids, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }
}
