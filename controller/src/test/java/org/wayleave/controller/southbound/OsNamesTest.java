package org.wayleave.controller.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.telemetry.CircuitLinks;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/** The router's OS names in Hello, Report and Drift reach {@link AgentSessions#osName}. */
class OsNamesTest {
  static final String DEVICE = "rtr-camden-01";
  static final String SUB = "ge-0/0/1.100";
  static final Duration WAIT = Duration.ofSeconds(10);

  final Termination end =
      Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/1").setCTag(100).build();
  final Circuit circuit =
      Circuit.newBuilder()
          .setId("LPSN-CAM-0001")
          .setSpec(CircuitSpec.newBuilder().setAEnd(end).setCommittedMbps(100).setGeneration(1))
          .build();
  final DeviceConfig actual =
      DeviceConfig.newBuilder()
          .setDeviceId(DEVICE)
          .addSubInterfaces(SubInterfaces.of(circuit, end))
          .build();

  AgentSessions sessions;
  Server server;
  ManagedChannel channel;
  StreamObserver<AgentMessage> out;
  volatile Status ended;

  @BeforeEach
  void start() throws Exception {
    sessions = new AgentSessions(Clock.systemUTC());
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .addService(new AgentGrpcService(sessions))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    out =
        AgentServiceGrpc.newStub(channel)
            .connect(
                new StreamObserver<ControllerMessage>() {
                  @Override
                  public void onNext(ControllerMessage m) {}

                  @Override
                  public void onError(Throwable t) {
                    ended = Status.fromThrowable(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  void hello(Map<String, String> osNames) {
    out.onNext(
        AgentMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setDeviceId(DEVICE)
                    .setAgentVersion("test")
                    .setActual(actual)
                    .putAllOsNames(osNames))
            .build());
  }

  void awaitName(String wayleaveName, String osName) {
    await().atMost(WAIT).until(() -> sessions.osName(DEVICE, wayleaveName), n -> n.equals(osName));
  }

  /** Pushes generation {@code gen} on the session, so that a Report for it keeps the rules. */
  void pushed(long gen) {
    sessions.session(DEVICE).push(gen, 0, actual, false, System.nanoTime());
  }

  @Test
  void helloNamesReachTheLookupAndUnreportedNamesStandForThemselves() {
    assertThat(sessions.osName(DEVICE, SUB)).as("no session").isEqualTo(SUB);
    hello(Map.of(SUB, "ge-0-0-1.100", "ge-0/0/1", "ge-0-0-1"));
    awaitName(SUB, "ge-0-0-1.100");
    assertThat(sessions.osName(DEVICE, "ge-0/0/1")).isEqualTo("ge-0-0-1");
    assertThat(sessions.osName(DEVICE, "ge-0/0/2.200")).isEqualTo("ge-0/0/2.200");
    assertThat(sessions.osName("rtr-bromley-01", SUB)).isEqualTo(SUB);

    out.onCompleted();
    await().atMost(WAIT).until(() -> !sessions.connected(DEVICE));
    assertThat(sessions.osName(DEVICE, SUB)).as("agent gone").isEqualTo(SUB);
  }

  @Test
  void reportAndDriftReplaceTheNamesAndAReportWithoutActualKeepsThem() {
    hello(Map.of(SUB, "ge-0-0-1.100"));
    awaitName(SUB, "ge-0-0-1.100");

    pushed(1);
    out.onNext(
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(1)
                    .setResult(ApplyResult.APPLY_RESULT_APPLIED)
                    .setActual(actual)
                    .putOsNames(SUB, "vlan100"))
            .build());
    awaitName(SUB, "vlan100");

    pushed(2);
    out.onNext(
        AgentMessage.newBuilder()
            .setReport(
                Report.newBuilder()
                    .setGeneration(2)
                    .setResult(ApplyResult.APPLY_RESULT_REJECTED)
                    .addItemErrors(ItemError.newBuilder().setMessage("router unreachable")))
            .build());
    await().atMost(WAIT).until(() -> sessions.session(DEVICE).rejected());
    assertThat(sessions.osName(DEVICE, SUB)).as("no actual: names kept").isEqualTo("vlan100");

    out.onNext(
        AgentMessage.newBuilder()
            .setDrift(Drift.newBuilder().setActual(actual).putOsNames(SUB, "ge-0-0-1.100"))
            .build());
    awaitName(SUB, "ge-0-0-1.100");
    out.onNext(AgentMessage.newBuilder().setDrift(Drift.newBuilder().setActual(actual)).build());
    awaitName(SUB, SUB);
    assertThat(ended).isNull();
  }

  @Test
  void anEmptyOsNameEndsTheStreamAndIsNotUsed() {
    hello(Map.of(SUB, ""));
    await().atMost(WAIT).until(() -> ended != null);
    assertThat(ended.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(ended.getDescription()).contains("hello.os_names['" + SUB + "']");
    assertThat(sessions.connected(DEVICE)).isFalse();
  }

  @Test
  void circuitLinksFindTheInterfaceByTheNameTheAgentReported() {
    Telemetry telemetry =
        new Telemetry(
            TelemetryConfig.defaults(),
            Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC),
            id -> 100);
    Map<Integer, IfRow> rows = new HashMap<>();
    rows.put(
        7,
        new IfRow(7)
            .set(IfMib.Column.IF_NAME, "ge-0-0-1.100")
            .set(IfMib.Column.IF_ALIAS, "")
            .set(IfMib.Column.IF_ADMIN_STATUS, IfMib.UP)
            .set(IfMib.Column.IF_OPER_STATUS, IfMib.UP)
            .set(IfMib.Column.IF_HIGH_SPEED, 1000));
    telemetry.polled(DEVICE, new DeviceSample(1_000_000_000L, 1000, 100, rows));
    CircuitLinks links = new CircuitLinks(telemetry, sessions::osName);
    assertThat(links.of(circuit, List.of(end)).linkUp())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);

    hello(Map.of(SUB, "ge-0-0-1.100"));
    awaitName(SUB, "ge-0-0-1.100");
    assertThat(links.of(circuit, List.of(end)).linkUp())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
  }
}
