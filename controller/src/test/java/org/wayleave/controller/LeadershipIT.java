package org.wayleave.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.Termination;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.lifecycle.Leadership;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * A controller whose leadership is flipped by hand: while it does not lead, the leader's components
 * are stopped (no push to an agent, no SNMP poll, no circuit-status write) and everything else
 * still serves; when it leads again they start cleanly and catch up with what changed meanwhile.
 */
class LeadershipIT {
  static final String DEVICE = "rtr-camden-01";

  /** How long "nothing happens" is watched for: many poll intervals and reconcile rounds. */
  static final Duration QUIET = Duration.ofMillis(1500);

  @TempDir Path dir;
  Leadership leadership;
  Controller controller;
  ManagedChannel channel;
  final List<Push> pushes = new CopyOnWriteArrayList<>();
  StreamObserver<AgentMessage> agent;
  Agent current;

  @BeforeEach
  void start() throws Exception {
    leadership = Leadership.manual(true);
    ControllerConfig config =
        new ControllerConfig(
                dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
            // Polled every 100 ms; nothing answers, so every poll is a counted failure.
            .withTelemetry(
                TelemetryConfig.defaults()
                    .withInterval(Duration.ofMillis(100))
                    .withTimeout(Duration.ofMillis(50), 0),
                dir.resolve("secrets"));
    controller = Controller.start(config, leadership);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controller.agentPort()).usePlaintext().build();
    connect(DeviceConfig.newBuilder().setDeviceId(DEVICE).build());
  }

  /** Opens a session as Camden's agent would, with the router carrying {@code actual}. */
  Agent connect(DeviceConfig actual) {
    Agent a = new Agent();
    current = a;
    agent = AgentServiceGrpc.newStub(channel).connect(a);
    agent.onNext(
        AgentMessage.newBuilder()
            .setHello(Hello.newBuilder().setDeviceId(DEVICE).setActual(actual))
            .build());
    return a;
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (controller != null) {
      controller.close();
    }
  }

  /** An agent that applies every push at once and reports the router carrying it. */
  final class Agent implements StreamObserver<ControllerMessage> {
    volatile Status ended;

    @Override
    public void onNext(ControllerMessage m) {
      if (m.hasPush()) {
        pushes.add(m.getPush());
        agent.onNext(
            AgentMessage.newBuilder()
                .setReport(
                    Report.newBuilder()
                        .setGeneration(m.getPush().getGeneration())
                        .setResult(ApplyResult.APPLY_RESULT_APPLIED)
                        .setActual(m.getPush().getDesired()))
                .build());
      }
    }

    @Override
    public void onError(Throwable t) {
      ended = Status.fromThrowable(t);
    }

    @Override
    public void onCompleted() {
      ended = Status.OK;
    }
  }

  Circuit circuit(String id) {
    return Circuit.newBuilder()
        .setId(id)
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil("camden")
                .setSupplier("quillon-carrier")
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/3"))
                .setCommittedMbps(10))
        .build();
  }

  long statusWritesAfter(long revision) {
    return controller.store().audit(Kind.ROOT, 0, 1000).stream()
        .filter(
            r -> r.revision() > revision && r.principal().equals(ObservedStateService.RECONCILER))
        .count();
  }

  CircuitPhase phase(String id) {
    return controller.state().cache().circuitWithStatus(id).getStatus().getPhase();
  }

  @Test
  void theLeadersPartsStopWhileItDoesNotLeadAndStartCleanlyWhenItLeadsAgain() throws Exception {
    // Leading: a new circuit reaches the agent, its status is written, routers are polled.
    controller
        .state()
        .apply(
            List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit("LPSN-CAM-0900"), "")),
            "test",
            "create while leading");
    await().atMost(Duration.ofSeconds(10)).until(() -> pushes.size() >= 1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> phase("LPSN-CAM-0900") == CircuitPhase.CIRCUIT_PHASE_PROVISIONING);
    await().atMost(Duration.ofSeconds(10)).until(() -> controller.poller().stats().polls() > 0);

    Agent first = current;
    leadership.set(false);
    long pushesBefore = pushes.size();
    // Its agents are sent on, and a new one is refused: only the leader takes sessions.
    await().atMost(Duration.ofSeconds(5)).until(() -> first.ended != null);
    assertThat(first.ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(first.ended.getDescription()).contains("no longer leads");
    Agent refused = connect(pushes.get(pushes.size() - 1).getDesired());
    await().atMost(Duration.ofSeconds(5)).until(() -> refused.ended != null);
    assertThat(refused.ended.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.ended.getDescription()).contains("does not lead now");
    long revision = controller.store().revision();
    long polls = controller.poller().stats().polls();
    // Any controller still takes writes; none of the leader's work follows from this one.
    controller
        .state()
        .apply(
            List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit("LPSN-CAM-0901"), "")),
            "test",
            "create while not leading");
    // Nothing of the leader's happens for a while: many poll intervals and reconcile rounds.
    await()
        .during(QUIET)
        .atMost(QUIET.plusSeconds(2))
        .until(
            () ->
                pushes.size() == pushesBefore
                    && statusWritesAfter(revision) == 0
                    && controller.poller().stats().polls() <= polls + 1);
    assertThat(pushes).as("no push while not leading").hasSize((int) pushesBefore);
    assertThat(statusWritesAfter(revision)).as("no status write while not leading").isZero();
    assertThat(controller.poller().stats().polls())
        .as("no poll started while not leading (one in flight at the flip may end)")
        .isLessThanOrEqualTo(polls + 1);
    assertThat(phase("LPSN-CAM-0901")).isEqualTo(CircuitPhase.CIRCUIT_PHASE_PENDING);
    assertThat(controller.agents().connected(DEVICE)).isFalse();

    leadership.set(true);
    // The agent dials again and is taken: it gets what changed meanwhile.
    connect(pushes.get(pushes.size() - 1).getDesired());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                pushes.stream()
                    .anyMatch(
                        p ->
                            p.getDesired().getSubInterfacesList().stream()
                                .anyMatch(s -> s.getAlias().equals("LPSN-CAM-0901"))));
    assertThat(pushes.get(pushes.size() - 1).getGeneration())
        .as("generations only grow across terms")
        .isGreaterThan(pushes.get((int) pushesBefore - 1).getGeneration());
    assertThat(pushes.get((int) pushesBefore - 1).getTerm()).as("the first term").isEqualTo(1);
    assertThat(pushes.get(pushes.size() - 1).getTerm())
        .as("pushes carry the new leader's term, so agents can refuse the old one")
        .isEqualTo(leadership.term())
        .isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> phase("LPSN-CAM-0901") != CircuitPhase.CIRCUIT_PHASE_PENDING);
    assertThat(statusWritesAfter(revision)).isPositive();
    long pollsAfter = controller.poller().stats().polls();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> controller.poller().stats().polls() > pollsAfter);
  }
}
