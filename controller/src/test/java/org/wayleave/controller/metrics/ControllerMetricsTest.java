package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Hello;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.reconcile.TerminalException;
import org.wayleave.controller.southbound.AgentGrpcService;

/**
 * The scrape, read back: the per-circuit, per-council and per-router series follow the plan, with
 * the right labels and values.
 */
class ControllerMetricsTest {
  @TempDir Path dir;
  MetricsFixture f;
  Circuit camden;
  String council;
  String supplier;

  @BeforeEach
  void setUp() {
    f = new MetricsFixture(dir);
    camden = f.circuitOf("camden");
    council = camden.getSpec().getCouncil();
    supplier = camden.getSpec().getSupplier();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aCircuitHasOneSeriesAndItsCouncilTheCountsAndTraffic() {
    String device = camden.getSpec().getAEnd().getDevice();
    String ifName = MetricsFixture.aEndInterface(camden);
    f.poll(device, ifName, camden.getId(), 1, 8_000_000, 3);
    f.poll(device, ifName, camden.getId(), 1, 8_000_000, 3);
    f.status(
        camden.getId(), CircuitPhase.CIRCUIT_PHASE_ACTIVE, ConditionStatus.CONDITION_STATUS_TRUE);

    Exposition e = f.scrape();
    String[] id = {"circuit", camden.getId()};
    // One series for the circuit, whatever its name: wayleave_circuit_up, 1 for ACTIVE.
    assertThat(e.withLabels(id)).hasSize(1);
    assertThat(e.one("wayleave_circuit_up", id).labels())
        .isEqualTo(Map.of("circuit", camden.getId(), "council", council, "phase", "ACTIVE"));
    assertThat(e.one("wayleave_circuit_up", id).value()).isEqualTo(1);

    // Camden's circuits by supplier and phase: every phase present, 1 for ACTIVE.
    List<Exposition.Sample> counts =
        e.find("wayleave_council_circuits", "council", council, "supplier", supplier);
    assertThat(counts)
        .extracting(s -> s.labels().get("phase"))
        .containsExactlyInAnyOrder(
            "PENDING",
            "PROVISIONING",
            "ACTIVE",
            "DEGRADED",
            "DOWN",
            "DRIFTED",
            "FAILED",
            "DECOMMISSIONING");
    assertThat(counts)
        .filteredOn(s -> s.value() != 0)
        .extracting(s -> s.labels().get("phase"), Exposition.Sample::value)
        .containsExactly(tuple("ACTIVE", 1.0));

    // Camden's traffic: its one circuit's, at the A-end.
    String[] camdenCouncil = {"council", council};
    long committedMbps = camden.getSpec().getCommittedMbps();
    assertThat(e.one("wayleave_council_circuits_measured", camdenCouncil).value()).isEqualTo(1);
    assertThat(e.one("wayleave_council_in_bytes_per_second", camdenCouncil).value())
        .isCloseTo(1_000_000, within(1.0));
    assertThat(e.one("wayleave_council_out_bytes_per_second", camdenCouncil).value())
        .isCloseTo(500_000, within(1.0));
    assertThat(e.one("wayleave_council_committed_bytes_per_second", camdenCouncil).value())
        .isEqualTo(committedMbps * 1e6 / 8);
    // 3 inbound errors a second between the polls.
    assertThat(e.one("wayleave_council_errors_per_second", camdenCouncil).value())
        .isCloseTo(3, within(1e-9));
    assertThat(e.one("wayleave_council_in_bytes_per_second", camdenCouncil).labels())
        .isEqualTo(Map.of("council", council));

    assertThat(e.one("wayleave_device_reachable", "device", device).labels())
        .isEqualTo(Map.of("device", device, "council", "camden"));
    assertThat(e.one("wayleave_device_reachable", "device", device).value()).isEqualTo(1);
  }

  @Test
  void ratesFollowTheNameTheAgentReportsForTheSubInterface() throws Exception {
    String device = camden.getSpec().getAEnd().getDevice();
    String wayleaveName = MetricsFixture.aEndInterface(camden);
    String linuxName = wayleaveName.replace('/', '-');
    f.poll(device, linuxName, "", 1, 8_000_000, 0);
    f.poll(device, linuxName, "", 1, 8_000_000, 0);
    String[] camdenCouncil = {"council", council};
    assertThat(f.scrape().find("wayleave_council_in_bytes_per_second", camdenCouncil)).isEmpty();

    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(new AgentGrpcService(f.sync))
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      AgentServiceGrpc.newStub(channel)
          .connect(
              new StreamObserver<ControllerMessage>() {
                @Override
                public void onNext(ControllerMessage m) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              })
          .onNext(
              AgentMessage.newBuilder()
                  .setHello(
                      Hello.newBuilder()
                          .setDeviceId(device)
                          .setAgentVersion("test")
                          .putOsNames(wayleaveName, linuxName))
                  .build());
      await().atMost(Duration.ofSeconds(10)).until(() -> f.sync.connected(device));
      assertThat(f.scrape().one("wayleave_council_in_bytes_per_second", camdenCouncil).value())
          .isCloseTo(1_000_000, within(1.0));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void unknownValuesHaveNoSampleRatherThanNaN() {
    String device = camden.getSpec().getAEnd().getDevice();
    String[] camdenCouncil = {"council", council};
    // Not polled: only what the plan says.
    Exposition e = f.scrape();
    assertThat(e.one("wayleave_circuit_up", "circuit", camden.getId(), "phase", "PENDING").value())
        .isZero();
    assertThat(e.find("wayleave_council_in_bytes_per_second", camdenCouncil)).isEmpty();
    assertThat(e.find("wayleave_council_errors_per_second", camdenCouncil)).isEmpty();
    assertThat(e.one("wayleave_council_circuits_measured", camdenCouncil).value()).isZero();
    assertThat(e.find("wayleave_device_reachable", "device", device)).isEmpty();
    assertThat(e.one("wayleave_council_committed_bytes_per_second", camdenCouncil).value())
        .isPositive();

    // One poll: the link is seen but there is no rate yet.
    f.poll(device, MetricsFixture.aEndInterface(camden), camden.getId(), 1, 8_000_000, 0);
    e = f.scrape();
    assertThat(e.find("wayleave_council_in_bytes_per_second", camdenCouncil)).isEmpty();
    assertThat(e.find("wayleave_council_errors_per_second", camdenCouncil)).isEmpty();
    assertThat(e.one("wayleave_device_reachable", "device", device).value()).isEqualTo(1);

    // A router that stops answering: its last rates are not reported as current.
    f.poll(device, MetricsFixture.aEndInterface(camden), camden.getId(), 1, 8_000_000, 0);
    assertThat(f.scrape().find("wayleave_council_in_bytes_per_second", camdenCouncil)).hasSize(1);
    f.telemetry.failed(device, "no answer from 127.1.0.7/16161 after 2 tries of 2000 ms");
    e = f.scrape();
    assertThat(e.one("wayleave_device_reachable", "device", device).value()).isZero();
    assertThat(e.find("wayleave_council_in_bytes_per_second", camdenCouncil)).isEmpty();
    assertThat(e.one("wayleave_council_circuits_measured", camdenCouncil).value()).isZero();
    assertThat(e.one("wayleave_snmp_routers_unreachable").value()).isEqualTo(1);
    assertThat(e.one("wayleave_snmp_routers_reachable").value()).isZero();

    // No wayleave_ series carries NaN, and none carries an unbounded label.
    assertThat(e.samples)
        .filteredOn(s -> s.name().startsWith("wayleave_"))
        .noneMatch(s -> Double.isNaN(s.value()));
    Set<String> labelNames = new TreeSet<>();
    e.samples.stream()
        .filter(s -> s.name().startsWith("wayleave_"))
        .forEach(s -> labelNames.addAll(s.labels().keySet()));
    assertThat(labelNames)
        .isSubsetOf(
            "circuit",
            "council",
            "supplier",
            "phase",
            "device",
            "engine",
            "outcome",
            "reason",
            "result",
            "le");
  }

  @Test
  void thePhaseLabelFollowsTheStatusAndOnlyActiveIsOne() {
    String device = camden.getSpec().getAEnd().getDevice();
    String[] id = {"circuit", camden.getId()};
    f.poll(device, MetricsFixture.aEndInterface(camden), camden.getId(), 2, 0, 0);
    f.status(
        camden.getId(), CircuitPhase.CIRCUIT_PHASE_DOWN, ConditionStatus.CONDITION_STATUS_FALSE);
    Exposition e = f.scrape();
    assertThat(e.withLabels(id)).hasSize(1);
    assertThat(e.one("wayleave_circuit_up", "circuit", camden.getId(), "phase", "DOWN").value())
        .isZero();
    assertThat(camdenCircuits(e, "DOWN")).isEqualTo(1);

    f.status(
        camden.getId(),
        CircuitPhase.CIRCUIT_PHASE_DRIFTED,
        ConditionStatus.CONDITION_STATUS_UNKNOWN);
    e = f.scrape();
    assertThat(e.withLabels(id)).hasSize(1);
    assertThat(e.one("wayleave_circuit_up", id).labels()).containsEntry("phase", "DRIFTED");
    assertThat(camdenCircuits(e, "DOWN")).isZero();

    f.status(
        camden.getId(), CircuitPhase.CIRCUIT_PHASE_ACTIVE, ConditionStatus.CONDITION_STATUS_TRUE);
    e = f.scrape();
    assertThat(e.one("wayleave_circuit_up", id).labels()).containsEntry("phase", "ACTIVE");
    assertThat(e.one("wayleave_circuit_up", id).value()).isEqualTo(1);
  }

  @Test
  void aDeletedCircuitLosesEverySeriesAndANewOneAppears() {
    int before = f.scrape().find("wayleave_circuit_up").size();
    assertThat(before).isEqualTo(f.cache.count(Kind.CIRCUIT));
    f.status(
        camden.getId(), CircuitPhase.CIRCUIT_PHASE_ACTIVE, ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(f.scrape().withLabels("circuit", camden.getId())).isNotEmpty();

    f.apply(List.of(Op.delete(Kind.CIRCUIT, camden.getId(), 0, "circuit")));
    Exposition e = f.scrape();
    assertThat(e.withLabels("circuit", camden.getId())).isEmpty();
    assertThat(e.find("wayleave_circuit_up")).hasSize(before - 1);
    assertThat(e.one("wayleave_circuits").value()).isEqualTo(before - 1);
    // Camden has no circuit left (and its router is not polled): no counts, no bandwidth.
    assertThat(e.withLabels("council", council)).isEmpty();

    // Created again later, under a new id: it appears, PENDING.
    Circuit again = camden.toBuilder().clearMeta().clearStatus().setId("LPSN-CAM-0099").build();
    f.apply(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, again, "circuit")));
    e = f.scrape();
    assertThat(e.one("wayleave_circuit_up", "circuit", "LPSN-CAM-0099").labels())
        .isEqualTo(Map.of("circuit", "LPSN-CAM-0099", "council", council, "phase", "PENDING"));
    assertThat(e.one("wayleave_circuit_up", "circuit", "LPSN-CAM-0099").value()).isZero();
    assertThat(camdenCircuits(e, "PENDING")).isEqualTo(1);
  }

  /** {@code wayleave_council_circuits} of Camden and its circuit's supplier, in {@code phase}. */
  private double camdenCircuits(Exposition e, String phase) {
    return e.one(
            "wayleave_council_circuits", "council", council, "supplier", supplier, "phase", phase)
        .value();
  }

  @Test
  void aDeletedRouterLosesItsSeries() {
    // A router carrying no circuit can go: the bexley one once its circuit is deleted.
    Circuit bexley = f.circuitOf("bexley");
    String device = bexley.getSpec().getAEnd().getDevice();
    f.poll(device, MetricsFixture.aEndInterface(bexley), bexley.getId(), 1, 0, 0);
    assertThat(f.scrape().find("wayleave_device_reachable", "device", device)).hasSize(1);
    f.apply(List.of(Op.delete(Kind.CIRCUIT, bexley.getId(), 0, "circuit")));
    List<Op> ops =
        f.cache.list(Kind.VLAN_POOL).stream()
            .filter(p -> p.toString().contains(device))
            .map(p -> Op.delete(Kind.VLAN_POOL, p.getId(), 0, "pool"))
            .collect(Collectors.toList());
    ops.add(Op.delete(Kind.DEVICE, device, 0, "device"));
    f.apply(ops);
    assertThat(f.cache.get(Kind.DEVICE, device)).isNull();
    assertThat(f.scrape().find("wayleave_device_reachable", "device", device)).isEmpty();
  }

  @Test
  void controllerHealthComesFromTheHooks() {
    Device quiet = f.cache.list(Kind.DEVICE).get(0);
    f.engine.start();
    f.engine.enqueue(quiet.getId()); // runs inline
    Exposition e = f.scrape();
    assertThat(
            e.one(
                    "wayleave_reconcile_duration_seconds_count",
                    "engine",
                    "device",
                    "outcome",
                    "success")
                .value())
        .isGreaterThanOrEqualTo(1);
    assertThat(
            e.find(
                "wayleave_reconcile_duration_seconds_bucket",
                "engine",
                "device",
                "outcome",
                "success"))
        .extracting(s -> s.labels().get("le"))
        .contains("0.001", "0.1", "1.0", "+Inf");
    assertThat(e.one("wayleave_reconcile_queue_depth", "engine", "device").value()).isZero();
    assertThat(
            e.one("wayleave_reconcile_failures_total", "engine", "device", "outcome", "retry")
                .value())
        .isZero();
    // A write goes through the store's commit hook.
    long commitsBefore = (long) e.one("wayleave_store_commit_duration_seconds_count").value();
    f.status(
        f.circuitOf("camden").getId(),
        CircuitPhase.CIRCUIT_PHASE_ACTIVE,
        ConditionStatus.CONDITION_STATUS_TRUE);
    e = f.scrape();
    assertThat(e.one("wayleave_store_commit_duration_seconds_count").value())
        .isEqualTo(commitsBefore + 1);
    assertThat(e.one("wayleave_store_revision").value()).isEqualTo(f.store.revision());
    assertThat(e.one("wayleave_cache_revision").value()).isEqualTo(f.cache.revision());
    assertThat(e.one("wayleave_agent_pushes_total").value()).isZero();
    assertThat(e.one("wayleave_agent_sessions_connected").value()).isZero();
    assertThat(e.one("wayleave_telemetry_enabled").value()).isZero(); // no poller in this fixture
    assertThat(e.one("wayleave_telemetry_utilisation_threshold_ratio").value()).isEqualTo(0.9);
    // JVM binders.
    assertThat(e.find("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(e.find("jvm_threads_live_threads")).hasSize(1);
    assertThat(e.find("jvm_classes_loaded_classes")).hasSize(1);
    assertThat(e.find("process_uptime_seconds")).hasSize(1);
    assertThat(e.find("process_cpu_usage")).hasSize(1);
  }

  @Test
  void aFailedReconcileIsCountedForAnEngineAddedLater() {
    ReconcileEngine<String> failing =
        ReconcileEngine.<String>builder(
                "failing",
                key -> {
                  throw new TerminalException("broken on purpose");
                })
            .executor(Runnable::run)
            .build();
    try {
      f.metrics.addEngine(failing);
      failing.start();
      failing.enqueue("broken"); // runs inline
      Exposition e = f.scrape();
      assertThat(
              e.one("wayleave_reconcile_failures_total", "engine", "failing", "outcome", "terminal")
                  .value())
          .isEqualTo(1);
      assertThat(
              e.one("wayleave_reconcile_failures_total", "engine", "failing", "outcome", "retry")
                  .value())
          .isZero();
      assertThat(
              e.one(
                      "wayleave_reconcile_duration_seconds_count",
                      "engine",
                      "failing",
                      "outcome",
                      "terminal")
                  .value())
          .isEqualTo(1);
    } finally {
      failing.close();
    }
  }

  @Test
  void everyFamilyHasHelpTextAndTheContentTypeIsTheWritersOwn() {
    Exposition e = f.scrape();
    assertThat(e.types).isNotEmpty();
    for (String family : e.types.keySet()) {
      assertThat(e.help.get(family)).as("help of " + family).isNotBlank();
    }
    assertThat(f.metrics.contentType()).isEqualTo(PrometheusTextFormatWriter.CONTENT_TYPE);
    assertThat(e.types)
        .containsEntry("wayleave_circuit_up", "gauge")
        .containsEntry("wayleave_council_circuits", "gauge")
        .containsEntry("wayleave_reconcile_duration_seconds", "histogram")
        .containsEntry("wayleave_agent_pushes_total", "counter");
  }
}
