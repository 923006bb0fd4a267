package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.InterfaceLink;
import org.wayleave.api.v1.LinkState;
import org.wayleave.api.v1.RatePoint;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.api.v1.TelemetryServiceGrpc;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.telemetry.RateHistory;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.simulator.snmp.RouterMib;

/**
 * The controller polling the simulated London PSN over SNMP v3: links taken down and brought back,
 * a reboot, a router that never answers.
 */
class TelemetryIT {
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final String CIRCUIT = "LPSN-CAM-0001";
  static final String DEVICE = "rtr-camden-01";

  @TempDir Path dir;
  SimulatedLondon london;
  Controller controller;
  Simulator sim;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    london = SimulatedLondon.start(dir, INTERVAL);
    controller = london.controller;
    sim = london.sim;
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (london != null) {
      london.close();
    }
  }

  CircuitPhase phase(String id) {
    return london.phase(id);
  }

  String subInterface() {
    return london.subInterface(DEVICE, CIRCUIT);
  }

  RouterMib mib(String device) {
    return sim.snmp(device).mib();
  }

  @Test
  void aLinkDownTurnsItsCircuitDownWithinOneIntervalPlusASecondAndBack() {
    String name = subInterface();
    mib(DEVICE).setLinkUp(name, false);
    await()
        .atMost(INTERVAL.plusSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> phase(CIRCUIT) == CircuitPhase.CIRCUIT_PHASE_DOWN);
    var status = controller.state().cache().circuitWithStatus(CIRCUIT).getStatus();
    assertThat(status.getLastError()).contains(name).contains(DEVICE);
    TelemetryServiceGrpc.TelemetryServiceBlockingStub api =
        TelemetryServiceGrpc.newBlockingStub(channel);
    InterfaceLink link =
        api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setCircuit(CIRCUIT))
                    .build())
            .getLinks(0);
    assertThat(link.getState()).isEqualTo(LinkState.LINK_STATE_DOWN);
    assertThat(link.getInterface()).isEqualTo(name);

    mib(DEVICE).setLinkUp(name, true);
    await()
        .atMost(INTERVAL.plusSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> phase(CIRCUIT) == CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void telemetryServiceServesRatesAndHistoryByCircuitCouncilAndDevice() {
    TelemetryServiceGrpc.TelemetryServiceBlockingStub api =
        TelemetryServiceGrpc.newBlockingStub(channel);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              InterfaceLink link =
                  api.getLinkState(
                          GetLinkStateRequest.newBuilder()
                              .setScope(TelemetryScope.newBuilder().setCircuit(CIRCUIT))
                              .build())
                      .getLinks(0);
              assertThat(link.getState()).isEqualTo(LinkState.LINK_STATE_UP);
              assertThat(link.hasInBps()).isTrue();
              assertThat(link.getInBps()).isPositive();
              assertThat(link.getUtilisation()).isBetween(0.0, 0.9);
            });
    assertThat(
            api.getLinkState(
                    GetLinkStateRequest.newBuilder()
                        .setScope(TelemetryScope.newBuilder().setCouncil("camden"))
                        .build())
                .getLinksList())
        .extracting(InterfaceLink::getCircuit)
        .contains(CIRCUIT);
    List<InterfaceLink> all =
        api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setDevice(DEVICE))
                    .build())
            .getLinksList();
    assertThat(all)
        .extracting(InterfaceLink::getInterface)
        .contains("ge-0/0/0", "ge-0/0/1", subInterface());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<RatePoint> points =
                  api.getRateHistory(
                          GetRateHistoryRequest.newBuilder()
                              .setScope(TelemetryScope.newBuilder().setCircuit(CIRCUIT))
                              .build())
                      .getSeries(0)
                      .getPointsList();
              assertThat(points.size()).isGreaterThanOrEqualTo(2);
              assertThat(points).allSatisfy(p -> assertThat(p.getInBps()).isPositive());
            });
  }

  @Test
  void aRebootDropsTheSampleInsteadOfReportingASpike() {
    String name = subInterface();
    Telemetry telemetry = controller.telemetry();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !telemetry.history(DEVICE, name, 0, Long.MAX_VALUE).isEmpty());
    // A reboot is told by sysUpTime going back by more than the 5 s of slack Counters.restarted
    // allows; London comes up in a few seconds now (polled early), so let the router be up longer.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> telemetry.device(DEVICE).sysUpTime() > 1_000);
    long dropped = telemetry.droppedSamples();
    long since = System.currentTimeMillis();
    mib(DEVICE).reboot();
    // Two more polls after the reboot: the first is dropped, the second rates from the new base.
    await()
        .atMost(INTERVAL.multipliedBy(3).plusSeconds(1))
        .until(
            () ->
                telemetry.droppedSamples() > dropped
                    && telemetry.history(DEVICE, name, since, Long.MAX_VALUE).stream()
                        .anyMatch(p -> !Double.isNaN(p.inBps())));
    double committedBps =
        controller.state().cache().get(Kind.CIRCUIT, CIRCUIT).getSpec().getCommittedMbps() * 1e6;
    for (RateHistory.Point p : telemetry.history(DEVICE, name, 0, Long.MAX_VALUE)) {
      assertThat(p.inBps()).as("in bit/s at %d", p.epochMillis()).isLessThanOrEqualTo(committedBps);
      assertThat(p.outBps())
          .as("out bit/s at %d", p.epochMillis())
          .isLessThanOrEqualTo(committedBps);
    }
    assertThat(phase(CIRCUIT)).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
  }

  @Test
  void aRouterThatNeverAnswersDoesNotDelayTheOthers() throws Exception {
    String silent = "rtr-brent-01";
    mib(silent).setSilent(true);
    Telemetry telemetry = controller.telemetry();
    await().atMost(INTERVAL.multipliedBy(6)).until(() -> !telemetry.device(silent).reachable());
    assertThat(telemetry.device(silent).reason()).contains("no answer");
    var brent =
        controller.state().cache().list(Kind.CIRCUIT).stream()
            .filter(c -> c.getSpec().getAEnd().getDevice().equals(silent))
            .findFirst()
            .orElseThrow();
    await()
        .atMost(INTERVAL.multipliedBy(2))
        .untilAsserted(
            () ->
                assertThat(
                        controller
                            .state()
                            .cache()
                            .circuitWithStatus(brent.getId())
                            .getStatus()
                            .getConditionsList())
                    .anySatisfy(
                        c -> {
                          assertThat(c.getType()).isEqualTo("Reachable");
                          assertThat(c.getStatus())
                              .isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
                        }));
    // Watch every other router's answers for three intervals: none goes longer than an interval
    // plus
    // 1.5 s (slack for a busy machine) without one. Queued behind the silent router, which holds a
    // slot for 3 s per poll, they would.
    Map<String, Long> last = new HashMap<>();
    Map<String, Long> worstGap = new HashMap<>();
    // Sample every 50 ms for three intervals (Awaitility's during: the check must hold throughout).
    await()
        .during(INTERVAL.multipliedBy(3))
        .atMost(INTERVAL.multipliedBy(3).plusSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (String id : sim.deviceIds()) {
                if (id.equals(silent)) {
                  continue;
                }
                Telemetry.DeviceView v = telemetry.device(id);
                long answered = v == null ? 0 : v.lastAnswerMillis();
                Long before = last.put(id, answered);
                if (before != null && answered != before) {
                  worstGap.merge(id, answered - before, Math::max);
                }
              }
              return true;
            });
    assertThat(worstGap).hasSize(sim.deviceIds().size() - 1);
    assertThat(worstGap.values())
        .allSatisfy(gap -> assertThat(gap).isLessThanOrEqualTo(INTERVAL.toMillis() + 1500));
  }
}
