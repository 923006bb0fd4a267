package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.InterfaceLink;
import org.wayleave.api.v1.LinkState;
import org.wayleave.api.v1.RatePoint;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.api.v1.TelemetryServiceGrpc;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/** TelemetryService over in-process gRPC, with telemetry fed by hand. */
class TelemetryGrpcServiceTest {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  @TempDir Path dir;
  InProcessController c;
  Telemetry telemetry;
  NorthboundServer server;
  ManagedChannel channel;
  TelemetryServiceGrpc.TelemetryServiceBlockingStub api;
  String subInterface;

  /**
   * What the agent reported as the router's OS names; SNMP shows {@link #ifName}, {@link #alias}.
   */
  final Map<String, String> osNames = new HashMap<>();

  String ifName;
  String alias = "LPSN-CAM-0001";

  @BeforeEach
  void start() throws Exception {
    c = new InProcessController(dir);
    c.state.apply(
        List.of(
            Op.write(
                Op.Mode.CREATE,
                Kind.CIRCUIT,
                InProcessController.camden("LPSN-CAM-0001").build(),
                "")),
        "test",
        "circuit");
    var circuit = c.cache.get(Kind.CIRCUIT, "LPSN-CAM-0001");
    subInterface = "ge-0/0/1." + circuit.getSpec().getAEnd().getCTag();
    ifName = subInterface;
    telemetry =
        new Telemetry(TelemetryConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC), id -> 10);
    String name = InProcessServerBuilder.generateName();
    server =
        new NorthboundServer(
                InProcessServerBuilder.forName(name),
                c.state,
                c.store,
                telemetry,
                (device, n) -> osNames.getOrDefault(n, n),
                Clock.fixed(NOW, ZoneOffset.UTC),
                AccessPolicy.defaults(),
                false)
            .start();
    channel = InProcessChannelBuilder.forName(name).build();
    api = TelemetryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop(5);
    c.close();
  }

  void poll(long second, long inOctets) {
    Map<Integer, IfRow> rows = new HashMap<>();
    rows.put(
        2,
        new IfRow(2)
            .set(IfMib.Column.IF_NAME, "ge-0/0/1")
            .set(IfMib.Column.IF_ALIAS, "council LAN")
            .set(IfMib.Column.IF_ADMIN_STATUS, 1)
            .set(IfMib.Column.IF_OPER_STATUS, 1)
            .set(IfMib.Column.IF_HIGH_SPEED, 1000)
            .set(IfMib.Column.IF_HC_IN_OCTETS, inOctets)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, 0));
    rows.put(
        6,
        new IfRow(6)
            .set(IfMib.Column.IF_NAME, ifName)
            .set(IfMib.Column.IF_ALIAS, alias)
            .set(IfMib.Column.IF_ADMIN_STATUS, 1)
            .set(IfMib.Column.IF_OPER_STATUS, 1)
            .set(IfMib.Column.IF_HIGH_SPEED, 10)
            .set(IfMib.Column.IF_HC_IN_OCTETS, inOctets)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, 0));
    long at = NOW.toEpochMilli() - 60_000 + second * 1000;
    telemetry.polled(
        "rtr-camden-01",
        new DeviceSample(second * 1_000_000_000L, at, 1_000_000 + second * 100, rows));
  }

  static TelemetryScope circuit(String id) {
    return TelemetryScope.newBuilder().setCircuit(id).build();
  }

  @Test
  void linkStateByCircuitCarriesStateRatesAndUtilisation() {
    poll(0, 0);
    poll(10, 6_250_000); // 5 Mbit/s on a 10 Mbit/s circuit
    InterfaceLink l =
        api.getLinkState(
                GetLinkStateRequest.newBuilder().setScope(circuit("LPSN-CAM-0001")).build())
            .getLinks(0);
    assertThat(l.getDevice()).isEqualTo("rtr-camden-01");
    assertThat(l.getInterface()).isEqualTo(subInterface);
    assertThat(l.getState()).isEqualTo(LinkState.LINK_STATE_UP);
    assertThat(l.getReachable()).isTrue();
    assertThat(l.getInBps()).isEqualTo(5e6);
    assertThat(l.getUtilisation()).isEqualTo(0.5);
    assertThat(l.getCommittedMbps()).isEqualTo(10);
    assertThat(l.hasErrorsPerSecond()).isFalse();
  }

  @Test
  void byDeviceListsEveryInterfaceAndMarksCircuits() {
    poll(0, 0);
    List<InterfaceLink> all =
        api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setDevice("rtr-camden-01"))
                    .build())
            .getLinksList();
    assertThat(all)
        .extracting(InterfaceLink::getInterface, InterfaceLink::getCircuit)
        .containsExactly(Tuple.tuple("ge-0/0/1", ""), Tuple.tuple(subInterface, "LPSN-CAM-0001"));
    assertThat(all.get(0).hasInBps()).as("first sample: nothing measured").isFalse();
  }

  @Test
  void aSubInterfaceIsFoundByTheNameItsOsGivesItWithoutAnAlias() {
    ifName = subInterface.replace('/', '-');
    alias = "";
    osNames.put(subInterface, ifName);
    for (int i = 0; i <= 3; i++) {
      poll(i * 10L, i * 1_250_000L);
    }
    InterfaceLink l =
        api.getLinkState(
                GetLinkStateRequest.newBuilder().setScope(circuit("LPSN-CAM-0001")).build())
            .getLinks(0);
    assertThat(l.getInterface()).as("answered under Wayleave's name").isEqualTo(subInterface);
    assertThat(l.getState()).isEqualTo(LinkState.LINK_STATE_UP);
    assertThat(l.getInBps()).isEqualTo(1e6);
    var history =
        api.getRateHistory(
            GetRateHistoryRequest.newBuilder().setScope(circuit("LPSN-CAM-0001")).build());
    assertThat(history.getSeries(0).getPointsList()).hasSize(3);
    List<InterfaceLink> byDevice =
        api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setDevice("rtr-camden-01"))
                    .build())
            .getLinksList();
    assertThat(byDevice)
        .extracting(InterfaceLink::getInterface, InterfaceLink::getCircuit)
        .containsExactlyInAnyOrder(
            Tuple.tuple("ge-0/0/1", ""), Tuple.tuple(ifName, "LPSN-CAM-0001"));
  }

  @Test
  void historyByCouncilHasOnePointPerMeasuringPoll() {
    for (int i = 0; i <= 3; i++) {
      poll(i * 10L, i * 1_250_000L);
    }
    var res =
        api.getRateHistory(
            GetRateHistoryRequest.newBuilder()
                .setScope(TelemetryScope.newBuilder().setCouncil("camden"))
                .build());
    assertThat(res.getInterval().getSeconds()).isEqualTo(10);
    assertThat(res.getRetention().getSeconds()).isEqualTo(30 * 86_400);
    assertThat(res.getSeriesList()).hasSize(1);
    assertThat(res.getSeries(0).getPointsList())
        .hasSize(3)
        .allSatisfy(p -> assertThat(p.getInBps()).isCloseTo(1e6, Offset.offset(1e3)));
  }

  /** Polls every 10 s for 20 minutes at 1 Mbit/s, but for one at 8 Mbit/s 10 minutes in. */
  void twentyMinutesWithOneBurst() {
    long octets = 0;
    for (long s = -1200; s <= 0; s += 10) {
      octets += (s == -600 ? 8_000_000L : 1_000_000L) * 10 / 8;
      poll(s, octets);
    }
  }

  GetRateHistoryRequest.Builder lastOf(Duration span) {
    return GetRateHistoryRequest.newBuilder()
        .setScope(circuit("LPSN-CAM-0001"))
        .setSince(Timestamps.fromMillis(NOW.minus(span).toEpochMilli()))
        .setUntil(Timestamps.fromMillis(NOW.toEpochMilli()));
  }

  @Test
  void aDayIsAnsweredInFiveMinutePointsWithTheirPeaks() {
    twentyMinutesWithOneBurst();
    var day = api.getRateHistory(lastOf(Duration.ofDays(1)).build());
    assertThat(day.getInterval().getSeconds()).isEqualTo(300);
    assertThat(day.getRetention().getSeconds()).isEqualTo(30 * 86_400);
    List<RatePoint> points = day.getSeries(0).getPointsList();
    // 09:39 to 09:59: the 5-minute slots from 09:35 to 09:55.
    assertThat(points).hasSize(5);
    assertThat(points)
        .allSatisfy(p -> assertThat(p.getInBpsMax()).isGreaterThanOrEqualTo(p.getInBps() * 0.999));
    assertThat(points).filteredOn(p -> p.getInBpsMax() > 7e6).hasSize(1);
    assertThat(points.get(4).getInBps()).isCloseTo(1e6, Offset.offset(1e3));
  }

  @Test
  void aStepOrAPointCountPicksTheSpacing() {
    twentyMinutesWithOneBurst();
    var everyPoll = api.getRateHistory(lastOf(Duration.ofHours(1)).build());
    assertThat(everyPoll.getInterval().getSeconds()).isEqualTo(10);
    assertThat(everyPoll.getSeries(0).getPointsList())
        .hasSize(120)
        .noneSatisfy(p -> assertThat(p.hasInBpsMax()).isTrue());
    var minutes =
        api.getRateHistory(lastOf(Duration.ofHours(1)).setStep(Durations.fromSeconds(60)).build());
    assertThat(minutes.getInterval().getSeconds()).isEqualTo(60);
    assertThat(minutes.getSeries(0).getPointsList())
        .hasSize(21) // 09:39 to 09:59
        .allSatisfy(p -> assertThat(p.hasInBpsMax()).isTrue());
    var few = api.getRateHistory(lastOf(Duration.ofHours(1)).setMaxPoints(4).build());
    assertThat(few.getInterval().getSeconds()).isEqualTo(900);
    assertThat(few.getSeries(0).getPointsList()).hasSizeLessThanOrEqualTo(4);
  }

  @Test
  void badStepsAndPointCountsAreRefusedNamingTheFieldAndTheRule() {
    GetRateHistoryRequest.Builder hour = lastOf(Duration.ofHours(1));
    assertCode(
        () -> api.getRateHistory(hour.clone().setStep(Durations.fromSeconds(0)).build()),
        Status.Code.INVALID_ARGUMENT,
        "step: must be a positive duration, 1ms or more (got 0s)");
    assertCode(
        () -> api.getRateHistory(hour.clone().setStep(Durations.fromSeconds(-300)).build()),
        Status.Code.INVALID_ARGUMENT,
        "step: must be a positive duration");
    assertCode(
        () -> api.getRateHistory(hour.clone().setMaxPoints(0).build()),
        Status.Code.INVALID_ARGUMENT,
        "max_points: must be within 1-10000 (got 0)");
    assertCode(
        () -> api.getRateHistory(hour.clone().setMaxPoints(10_001).build()),
        Status.Code.INVALID_ARGUMENT,
        "max_points: must be within 1-10000 (got 10001)");
    assertCode(
        () ->
            api.getRateHistory(
                hour.clone().setMaxPoints(10).setStep(Durations.fromSeconds(60)).build()),
        Status.Code.INVALID_ARGUMENT,
        "step: set step or max_points, not both");
  }

  @Test
  void badScopesAreRefusedNamingTheField() {
    assertCode(
        () -> api.getLinkState(GetLinkStateRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "scope:");
    assertCode(
        () ->
            api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(
                        TelemetryScope.newBuilder().setCircuit("X1").setDevice("rtr-camden-01"))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "exactly one");
    assertCode(
        () ->
            api.getLinkState(
                GetLinkStateRequest.newBuilder().setScope(circuit("LPSN-NOPE-0001")).build()),
        Status.Code.NOT_FOUND,
        "scope.circuit");
    assertCode(
        () ->
            api.getLinkState(
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setCouncil("atlantis"))
                    .build()),
        Status.Code.NOT_FOUND,
        "scope.council");
    assertCode(
        () ->
            api.getRateHistory(
                GetRateHistoryRequest.newBuilder()
                    .setScope(circuit("LPSN-CAM-0001"))
                    .setSince(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()))
                    .setUntil(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 60))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "since");
  }

  @Test
  void aControllerWithoutTelemetrySaysSo() {
    var off = TelemetryServiceGrpc.newBlockingStub(c.channel);
    assertCode(
        () ->
            off.getLinkState(
                GetLinkStateRequest.newBuilder().setScope(circuit("LPSN-CAM-0001")).build()),
        Status.Code.FAILED_PRECONDITION,
        "telemetry is off");
  }

  static void assertCode(Runnable call, Status.Code code, String text) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(code);
    assertThat(e.getStatus().getDescription()).contains(text);
  }
}
