package org.wayleave.controller.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * The device reconciler against a scripted agent over in-process gRPC: pushes, reports, drift,
 * rejection, reconnects, and the statuses they produce.
 */
class DeviceSyncTest {
  static final String DEVICE = "rtr-camden-01";

  @TempDir Path dir;
  SqliteStateStore store;
  ResourceCache cache;
  DesiredStateService state;
  AgentSessions sync;
  DevicePushes pushes;
  ReconcileEngine<String> engine;
  Server server;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    store = SqliteStateStore.open(dir);
    cache = ResourceCache.load(store);
    state = new DesiredStateService(store, cache, Clock.systemUTC());
    state.apply(Op.upserts(Seeds.london(), "seed"), "test", "seed");
    sync = new AgentSessions(Clock.systemUTC());
    pushes = new DevicePushes(sync, Ticker.system(), Duration.ofSeconds(30), cache::revision);
    DeviceReconciler reconciler =
        new DeviceReconciler(
            cache,
            new CircuitStatusWriter(
                new ObservedStateService(store), sync::evidence, null, Clock.systemUTC()),
            pushes);
    reconciler.startLeading();
    engine = ReconcileEngine.builder("device", reconciler).workers(2).build();
    // Wired as the controller wires it: a circuit's change looks again at that circuit only.
    sync.wakeWith(id -> engine.enqueue(reconciler.evidenceChanged(id)));
    cache.addListener(
        (rev, events) ->
            reconciler
                .circuitsChanged(DeviceWakeups.circuitsByDevice(events))
                .forEach(engine::enqueue));
    engine.start();
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name).addService(new AgentGrpcService(sync)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    engine.close();
    cache.close();
    store.close();
  }

  /** A scripted agent: records what the controller sends; the test decides what it answers. */
  final class FakeAgent implements StreamObserver<ControllerMessage> {
    final List<Push> pushes = new CopyOnWriteArrayList<>();
    final List<ControllerMessage> received = new CopyOnWriteArrayList<>();
    final Map<String, SubInterface> router = new TreeMap<>();
    StreamObserver<AgentMessage> out;
    volatile boolean autoApply = true;
    volatile String rejectName;
    long applied;

    FakeAgent connect(long appliedGeneration) {
      applied = appliedGeneration;
      out = AgentServiceGrpc.newStub(channel).connect(this);
      out.onNext(
          AgentMessage.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setDeviceId(DEVICE)
                      .setAgentVersion("test")
                      .setAppliedGeneration(appliedGeneration)
                      .setActual(actual()))
              .build());
      return this;
    }

    DeviceConfig actual() {
      return DeviceConfig.newBuilder()
          .setDeviceId(DEVICE)
          .addAllSubInterfaces(router.values())
          .build();
    }

    @Override
    public synchronized void onNext(ControllerMessage m) {
      received.add(m);
      if (m.hasPush()) {
        pushes.add(m.getPush());
        if (autoApply) {
          apply(m.getPush());
        }
      }
    }

    synchronized void apply(Push p) {
      List<ItemError> errors = new ArrayList<>();
      if (!p.getKeepUnownedVlans()) {
        router.clear();
      }
      for (SubInterface s : p.getDesired().getSubInterfacesList()) {
        if (s.getName().equals(rejectName)) {
          errors.add(
              ItemError.newBuilder()
                  .setName(s.getName())
                  .setAlias(s.getAlias())
                  .setMessage("VLAN in use by the router's own config")
                  .build());
        } else {
          router.put(s.getName(), s);
        }
      }
      if (errors.isEmpty()) {
        applied = p.getGeneration();
      }
      out.onNext(
          AgentMessage.newBuilder()
              .setReport(
                  Report.newBuilder()
                      .setGeneration(p.getGeneration())
                      .setResult(
                          errors.isEmpty()
                              ? ApplyResult.APPLY_RESULT_APPLIED
                              : ApplyResult.APPLY_RESULT_PARTIAL)
                      .addAllItemErrors(errors)
                      .setActual(actual()))
              .build());
    }

    synchronized void driftRemove(String name) {
      router.remove(name);
      out.onNext(
          AgentMessage.newBuilder().setDrift(Drift.newBuilder().setActual(actual())).build());
    }

    void disconnect() {
      out.onCompleted();
    }

    /** How the controller ended the stream, if it did. */
    volatile Status ended;

    @Override
    public void onError(Throwable t) {
      ended = Status.fromThrowable(t);
    }

    void send(AgentMessage.Builder m) {
      out.onNext(m.build());
    }

    @Override
    public void onCompleted() {}
  }

  Circuit create(String id, Integer vlan) {
    Termination.Builder a = Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/1");
    if (vlan != null) {
      a.setCTag(vlan);
    }
    Circuit c =
        Circuit.newBuilder()
            .setId(id)
            .setSpec(
                CircuitSpec.newBuilder()
                    .setCouncil("camden")
                    .setSupplier("quillon-carrier")
                    .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                    .setAEnd(a)
                    .setCommittedMbps(10))
            .build();
    state.apply(List.of(Op.write(Op.Mode.UPSERT, Kind.CIRCUIT, c, "")), "test", "create " + id);
    return cache.get(Kind.CIRCUIT, id);
  }

  CircuitPhase phase(String id) {
    return cache.circuitWithStatus(id).getStatus().getPhase();
  }

  void awaitPhase(String id, CircuitPhase phase) {
    await().atMost(Duration.ofSeconds(10)).until(() -> phase(id) == phase);
  }

  @Test
  void pushesTheWholeConfigAndCircuitsBecomeActive() {
    create("LPSN-CAM-0001", null);
    create("LPSN-CAM-0002", null);
    assertThat(phase("LPSN-CAM-0001")).isEqualTo(CircuitPhase.CIRCUIT_PHASE_PENDING);
    FakeAgent agent = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    awaitPhase("LPSN-CAM-0002", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(agent.received.get(0).hasPing()).as("Hello is acknowledged with a Ping").isTrue();
    assertThat(agent.pushes).hasSize(1);
    assertThat(agent.pushes.get(0).getDesired().getSubInterfacesList())
        .extracting(SubInterface::getName, SubInterface::getAlias)
        .containsExactly(
            Tuple.tuple("ge-0/0/1.100", "LPSN-CAM-0001"),
            Tuple.tuple("ge-0/0/1.101", "LPSN-CAM-0002"));
    Circuit c = cache.circuitWithStatus("LPSN-CAM-0001");
    assertThat(c.getStatus().getConditionsList())
        .anySatisfy(
            cond -> {
              assertThat(cond.getType()).isEqualTo("Applied");
              assertThat(cond.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
            });
  }

  @Test
  void aReconnectingAgentThatIsInSyncGetsNoPush() {
    create("LPSN-CAM-0001", null);
    FakeAgent first = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    long pushesBefore = pushes.pushes();
    first.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !sync.connected(DEVICE));
    FakeAgent again = new FakeAgent();
    again.router.putAll(first.router);
    again.connect(first.applied);
    await().atMost(Duration.ofSeconds(5)).until(() -> again.received.size() >= 1);
    engine.enqueue(DEVICE);
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
    assertThat(again.pushes).isEmpty();
    assertThat(pushes.pushes()).isEqualTo(pushesBefore);
    assertThat(phase("LPSN-CAM-0001")).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void driftIsShownThenRepaired() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    agent.autoApply = false;
    agent.driftRemove("ge-0/0/1.100");
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_DRIFTED);
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.pushes.size() == 2);
    assertThat(agent.pushes.get(1).getGeneration())
        .isGreaterThan(agent.pushes.get(0).getGeneration());
    agent.apply(agent.pushes.get(1));
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void foreignVlansAreRemovedUnlessTheDeviceKeepsThem() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent();
    agent.router.put(
        "ge-0/0/2.777",
        SubInterface.newBuilder().setName("ge-0/0/2.777").setPort("ge-0/0/2").setCTag(777).build());
    agent.connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(agent.router).containsOnlyKeys("ge-0/0/1.100");
    assertThat(agent.pushes.get(0).getKeepUnownedVlans()).isFalse();
  }

  @Test
  void aRejectedItemFailsItsCircuitWithTheAgentsMessageThenRecovers() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent();
    agent.rejectName = "ge-0/0/1.100";
    agent.connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_FAILED);
    assertThat(cache.circuitWithStatus("LPSN-CAM-0001").getStatus().getLastError())
        .contains("VLAN in use by the router's own config");
    agent.rejectName = null;
    // The next push (here: caused by another circuit) carries the failed item again.
    create("LPSN-CAM-0002", null);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    awaitPhase("LPSN-CAM-0002", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void atMostOnePushInFlightAndNewerStateCoalesces() {
    FakeAgent agent = awaitingItsFirstPush("LPSN-CAM-0001");
    for (int i = 2; i <= 6; i++) {
      create(String.format("LPSN-CAM-%04d", i), null);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
    assertThat(agent.pushes).as("no second push while the first is unanswered").hasSize(1);
    agent.apply(agent.pushes.get(0));
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.pushes.size() == 2);
    assertThat(agent.pushes.get(1).getDesired().getSubInterfacesCount())
        .as("the latest state, all at once")
        .isEqualTo(6);
    agent.apply(agent.pushes.get(1));
    awaitPhase("LPSN-CAM-0006", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(agent.pushes).hasSize(2);
  }

  // ------------------------------------------------------------------ an agent is believed only
  // about what it was sent

  /**
   * Sends {@code m} as the agent; expects the stream ended as a protocol error saying {@code why}.
   */
  void refusedAsProtocolError(FakeAgent agent, AgentMessage.Builder m, String why) {
    agent.send(m);
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.ended != null);
    assertThat(agent.ended.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(agent.ended.getDescription()).contains(why);
    await().atMost(Duration.ofSeconds(5)).until(() -> !sync.connected(DEVICE));
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
  }

  CircuitStatus evidence(String id) {
    return cache.circuitWithStatus(id).getStatus();
  }

  /**
   * The status a clean goodbye leaves: a new agent with the same router says Hello, the circuit is
   * ACTIVE again, and the agent hangs up. A stream ended for a protocol error must leave exactly
   * this, nothing of what the broken message said.
   */
  CircuitStatus afterACleanGoodbye(String id, FakeAgent like) {
    FakeAgent again = new FakeAgent();
    again.router.putAll(like.router);
    again.connect(like.applied);
    await().atMost(Duration.ofSeconds(5)).until(() -> sync.connected(DEVICE));
    awaitPhase(id, CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    again.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> !sync.connected(DEVICE));
    await().atMost(Duration.ofSeconds(5)).until(() -> engine.queueDepth() == 0);
    return evidence(id);
  }

  void sameEvidence(CircuitStatus afterProtocolError, CircuitStatus afterGoodbye) {
    assertThat(
            org.wayleave.controller.status.CircuitStatusCalculator.sameMeaning(
                afterProtocolError, afterGoodbye))
        .as(
            "after the protocol error:%n%s%nafter a clean goodbye:%n%s",
            afterProtocolError, afterGoodbye)
        .isTrue();
  }

  static void noEmptyHeadedMessages(CircuitStatus st) {
    for (Condition cond : st.getConditionsList()) {
      assertThat(cond.getMessage()).as("%s message", cond.getType()).doesNotMatch("^[;:,. ].*");
    }
    assertThat(st.getLastError()).doesNotMatch("^[;:,. ].*");
  }

  @Test
  void aReportForAGenerationNeverPushedEndsTheStreamAndChangesNoEvidence() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    CircuitStatus before = evidence("LPSN-CAM-0001");
    refusedAsProtocolError(
        agent,
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(1_000_000_000_000_000_000L)
                    .setResult(ApplyResult.APPLY_RESULT_REJECTED)
                    .addItemErrors(ItemError.newBuilder().setMessage("no"))
                    .setActual(DeviceConfig.newBuilder().setDeviceId(DEVICE))),
        "report.generation: 1000000000000000000 was never pushed on this stream (the last push was"
            + " generation "
            + agent.pushes.get(0).getGeneration()
            + ")");
    CircuitStatus after = evidence("LPSN-CAM-0001");
    assertThat(after.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(after.getLastError()).isEmpty();
    sameEvidence(after, afterACleanGoodbye("LPSN-CAM-0001", agent));
    assertThat(before.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void anActualNamingAnotherDeviceEndsTheStreamAndIsNotUsed() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    CircuitStatus before = evidence("LPSN-CAM-0001");
    // A drift "showing" an empty router, claimed for Bromley's router on Camden's stream.
    refusedAsProtocolError(
        agent,
        AgentMessage.newBuilder()
            .setDrift(
                Drift.newBuilder()
                    .setActual(DeviceConfig.newBuilder().setDeviceId("rtr-bromley-01"))),
        "drift.actual.device_id: names device 'rtr-bromley-01', but this stream speaks for"
            + " 'rtr-camden-01'");
    assertThat(phase("LPSN-CAM-0001"))
        .as("not DRIFTED: the empty router it claimed was not believed")
        .isEqualTo(before.getPhase());
    sameEvidence(evidence("LPSN-CAM-0001"), afterACleanGoodbye("LPSN-CAM-0001", agent));

    FakeAgent hello = new FakeAgent();
    hello.out = AgentServiceGrpc.newStub(channel).connect(hello);
    hello.send(
        AgentMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setDeviceId(DEVICE)
                    .setActual(DeviceConfig.newBuilder().setDeviceId("rtr-bromley-01"))));
    await().atMost(Duration.ofSeconds(5)).until(() -> hello.ended != null);
    assertThat(hello.ended.getDescription())
        .contains("hello.actual.device_id: names device 'rtr-bromley-01'");
    assertThat(sync.connected(DEVICE)).isFalse();
  }

  /**
   * A connected agent that answers nothing itself, once the push for a new circuit {@code id}
   * reached it.
   */
  FakeAgent awaitingItsFirstPush(String id) {
    FakeAgent agent = new FakeAgent();
    agent.autoApply = false;
    agent.connect(0);
    create(id, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.pushes.size() == 1);
    return agent;
  }

  @Test
  void oversizedErrorTextEndsTheStreamAndFailsNothing() {
    FakeAgent agent = awaitingItsFirstPush("LPSN-CAM-0001");
    refusedAsProtocolError(
        agent,
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(agent.pushes.get(0).getGeneration())
                    .setResult(ApplyResult.APPLY_RESULT_PARTIAL)
                    .addItemErrors(
                        ItemError.newBuilder()
                            .setName("ge-0/0/1.100")
                            .setMessage("x".repeat(2000)))),
        "report.item_errors[0].message: at most 1024 characters (got 2000)");
    assertThat(phase("LPSN-CAM-0001"))
        .as("the oversized report failed nothing")
        .isNotEqualTo(CircuitPhase.CIRCUIT_PHASE_FAILED);
  }

  @Test
  void aReportBreakingTheResultRulesEndsTheStream() {
    FakeAgent agent = awaitingItsFirstPush("LPSN-CAM-0001");
    refusedAsProtocolError(
        agent,
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(agent.pushes.get(0).getGeneration())
                    .setResult(ApplyResult.APPLY_RESULT_REJECTED)),
        "report.item_errors: a APPLY_RESULT_REJECTED report says why in at least one item error");
  }

  @Test
  void aRejectedReportNeverYieldsApplied() {
    FakeAgent agent = awaitingItsFirstPush("LPSN-CAM-0001");
    Push push = agent.pushes.get(0);
    // Rejected whole, about another item, yet claiming the router carries the circuit.
    agent.send(
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(push.getGeneration())
                    .setResult(ApplyResult.APPLY_RESULT_REJECTED)
                    .addItemErrors(
                        ItemError.newBuilder().setName("ge-0/0/3.999").setMessage("commit failed"))
                    .setActual(push.getDesired())));
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_FAILED);
    CircuitStatus st = evidence("LPSN-CAM-0001");
    assertThat(st.getConditionsList())
        .filteredOn(cond -> cond.getType().equals("Applied"))
        .singleElement()
        .satisfies(
            cond -> {
              assertThat(cond.getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
              assertThat(cond.getReason()).isEqualTo("AgentRejected");
              assertThat(cond.getMessage()).contains("rejected the push").contains("commit failed");
            });
    assertThat(agent.ended).as("a well-formed rejection is no protocol error").isNull();
    noEmptyHeadedMessages(st);
  }

  @Test
  void aDriftWhileAPushIsOutSaysWhatDrifted() {
    create("LPSN-CAM-0001", null);
    FakeAgent agent = new FakeAgent().connect(0);
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    agent.autoApply = false;
    create("LPSN-CAM-0002", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> agent.pushes.size() == 2);
    agent.driftRemove("ge-0/0/1.100");
    awaitPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_DRIFTED);
    CircuitStatus st = evidence("LPSN-CAM-0001");
    noEmptyHeadedMessages(st);
    assertThat(st.getConditionsList())
        .filteredOn(cond -> cond.getType().equals("InSync"))
        .singleElement()
        .satisfies(
            cond ->
                assertThat(cond.getMessage())
                    .startsWith("device rtr-camden-01 does not carry ge-0/0/1.100"));
  }
}
