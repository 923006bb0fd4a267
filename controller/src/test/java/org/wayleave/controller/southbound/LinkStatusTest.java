package org.wayleave.controller.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.status.CircuitStatusCalculator;
import org.wayleave.controller.status.LinkEvidenceSource;
import org.wayleave.controller.telemetry.CircuitLinks;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/** Phases and conditions from the agent's report and what SNMP shows. */
class LinkStatusTest {
  static final String DEVICE = "rtr-camden-01";
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  final Circuit circuit =
      Circuit.newBuilder()
          .setId("LPSN-CAM-0001")
          .setSpec(
              CircuitSpec.newBuilder()
                  .setCouncil("camden")
                  .setAEnd(
                      Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/1").setCTag(100))
                  .setCommittedMbps(100)
                  .setGeneration(1))
          .build();
  final Telemetry telemetry =
      new Telemetry(TelemetryConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC), id -> 100);
  AgentSession session = session(true);
  long t;

  AgentSession session(boolean carries) {
    DeviceConfig.Builder actual = DeviceConfig.newBuilder().setDeviceId(DEVICE);
    if (carries) {
      actual.addSubInterfaces(SubInterfaces.of(circuit, circuit.getSpec().getAEnd()));
    }
    return new AgentSession(
        DEVICE,
        "test",
        1,
        actual.build(),
        Map.of(),
        new StreamObserver<ControllerMessage>() {
          @Override
          public void onNext(ControllerMessage value) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        },
        NOW);
  }

  /** One poll: the sub-interface with its states and counters advanced by {@code bps} for 10 s. */
  void poll(int admin, int oper, long bps, long errors) {
    t += 10;
    IfRow row =
        new IfRow(6)
            .set(IfMib.Column.IF_NAME, "ge-0/0/1.100")
            .set(IfMib.Column.IF_ALIAS, "LPSN-CAM-0001")
            .set(IfMib.Column.IF_ADMIN_STATUS, admin)
            .set(IfMib.Column.IF_OPER_STATUS, oper)
            .set(IfMib.Column.IF_HIGH_SPEED, 100)
            .set(IfMib.Column.IF_HC_IN_OCTETS, t * bps / 8)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, t * bps / 16)
            .set(IfMib.Column.IF_IN_ERRORS, t * errors)
            .set(IfMib.Column.IF_OUT_ERRORS, 0)
            .set(IfMib.Column.IF_IN_DISCARDS, 0);
    Map<Integer, IfRow> rows = new HashMap<>();
    rows.put(6, row);
    telemetry.polled(
        DEVICE, new DeviceSample(t * 1_000_000_000L, t * 1000, 100_000 + t * 100, rows));
  }

  CircuitStatus compute(CircuitStatus previous, Telemetry tm) {
    return CircuitStatusCalculator.compute(circuit, previous, id -> session, links(tm), NOW);
  }

  static LinkEvidenceSource links(Telemetry tm) {
    return tm == null ? null : new CircuitLinks(tm);
  }

  static Condition condition(CircuitStatus s, String type) {
    return s.getConditionsList().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void appliedAndUpIsActive() {
    poll(1, 1, 10_000_000, 0);
    poll(1, 1, 10_000_000, 0);
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(condition(s, "LinkUp").getStatus()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(condition(s, "Reachable").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(condition(s, "WithinCapacity").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
  }

  @Test
  void appliedButNotYetPolledIsStillProvisioning() {
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_PROVISIONING);
    assertThat(condition(s, "Applied").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(condition(s, "LinkUp").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
    assertThat(condition(s, "LinkUp").getReason()).isEqualTo("NotPolledYet");
  }

  @Test
  void operDownIsDownAndNamesTheInterface() {
    poll(1, 2, 0, 0);
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_DOWN);
    assertThat(condition(s, "LinkUp").getReason()).isEqualTo("OperDown");
    assertThat(s.getLastError()).contains("ge-0/0/1.100").contains(DEVICE);
  }

  @Test
  void adminDownIsToldApart() {
    poll(2, 2, 0, 0);
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_DOWN);
    assertThat(condition(s, "LinkUp").getReason()).isEqualTo("AdminDown");
  }

  @Test
  void overTheThresholdIsDegraded() {
    poll(1, 1, 95_000_000, 0);
    poll(1, 1, 95_000_000, 0);
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_DEGRADED);
    assertThat(condition(s, "WithinCapacity").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(s.getLastError()).contains("90%").contains("100 Mbit/s");
  }

  @Test
  void errorsAreDegraded() {
    poll(1, 1, 1_000_000, 50);
    poll(1, 1, 1_000_000, 50);
    CircuitStatus s = compute(null, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_DEGRADED);
    assertThat(condition(s, "WithinCapacity").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(s.getLastError()).contains("errors");
  }

  @Test
  void anUnreachableRouterKeepsTheLastEvidenceAndSaysWhy() {
    poll(1, 1, 1_000_000, 0);
    poll(1, 1, 1_000_000, 0);
    CircuitStatus active = compute(null, telemetry);
    telemetry.failed(DEVICE, "no answer from 127.1.0.7/16161");
    CircuitStatus s = compute(active, telemetry);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(condition(s, "Reachable").getStatus())
        .isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(condition(s, "Reachable").getMessage()).contains("no answer from 127.1.0.7/16161");
  }

  @Test
  void aDownCircuitWhoseSubInterfaceVanishesIsDrifted() {
    poll(1, 2, 0, 0);
    CircuitStatus down = compute(null, telemetry);
    session = session(false);
    assertThat(compute(down, telemetry).getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_DRIFTED);
  }

  @Test
  void linkReturningMakesItActiveAgainWithANewTransitionTime() {
    poll(1, 2, 0, 0);
    CircuitStatus down = compute(null, telemetry);
    poll(1, 1, 0, 0);
    CircuitStatus up =
        CircuitStatusCalculator.compute(
            circuit, down, id -> session, links(telemetry), NOW.plusSeconds(5));
    assertThat(up.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(up.getPhaseTransitionTime().getSeconds())
        .isEqualTo(NOW.plusSeconds(5).getEpochSecond());
    assertThat(condition(up, "LinkUp").getLastTransitionTime().getSeconds())
        .isEqualTo(NOW.plusSeconds(5).getEpochSecond());
  }

  @Test
  void withoutTelemetryTheAgentsWordSufficesAndLinkUpSaysSo() {
    CircuitStatus s = compute(null, null);
    assertThat(s.getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(condition(s, "LinkUp").getReason()).isEqualTo("TelemetryDisabled");
  }
}
