package org.wayleave.controller.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.DeviceConfigs;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * The work one circuit's create costs the device reconciler must not grow with the circuits already
 * on its router: counted as statuses computed (each asks for its device's agent evidence once per
 * end), never timed. A router carrying hundreds of circuits made every create compute hundreds of
 * statuses and derive the router's whole configuration (JFR: the reconcile thread took 84 % of the
 * controller's samples on a full store).
 */
class DeviceReconcilerWorkTest {
  static final String DEVICE = "rtr-camden-01";
  static final int ON_DEVICE = 600;

  @TempDir Path dir;
  SqliteStateStore store;
  ResourceCache cache;
  DesiredStateService state;
  DeviceReconciler reconciler;
  final AtomicInteger evidenceLookups = new AtomicInteger();
  final AtomicLong heard = new AtomicLong();

  @BeforeEach
  void start() {
    store = SqliteStateStore.open(dir);
    cache = ResourceCache.load(store);
    state = new DesiredStateService(store, cache, Clock.systemUTC());
    state.apply(Op.upserts(Seeds.london(), "seed"), "test", "seed");
    AgentSessions sessions = new AgentSessions(Clock.systemUTC());
    CircuitStatusWriter statuses =
        new CircuitStatusWriter(
            new ObservedStateService(store),
            id -> {
              evidenceLookups.incrementAndGet();
              return sessions.evidence(id);
            },
            null,
            Clock.systemUTC());
    reconciler =
        new DeviceReconciler(
            cache,
            statuses,
            new DevicePushes(sessions, Ticker.system(), Duration.ofSeconds(30), cache::revision));
    reconciler.startLeading();
    // As the controller wires it, without an engine: the test runs each reconcile itself.
    cache.addListener(
        (rev, events) -> {
          reconciler.circuitsChanged(DeviceWakeups.circuitsByDevice(events));
          heard.set(rev);
        });
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < ON_DEVICE; i++) {
      ops.add(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit(i), "resources[" + i + "]"));
    }
    apply(ops);
  }

  /** Applies {@code ops} and waits until the cache's listeners have heard of it. */
  void apply(List<Op> ops) {
    long rev = state.apply(ops, "test", "write").revision();
    await().atMost(Duration.ofSeconds(10)).until(() -> heard.get() >= rev);
  }

  @AfterEach
  void stop() {
    cache.close();
    store.close();
  }

  static Circuit circuit(int n) {
    return Circuit.newBuilder()
        .setId(String.format("LPSN-CAM-%04d", n))
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil("camden")
                .setSupplier("quillon-carrier")
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(
                    Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/" + (1 + n % 3)))
                .setCommittedMbps(1))
        .build();
  }

  /** Statuses computed by one reconcile of the device. */
  int statusesComputed() {
    evidenceLookups.set(0);
    reconciler.reconcile(DEVICE);
    return evidenceLookups.get();
  }

  @Test
  void aCreateRecomputesTheStatusOfThatCircuitOnly() {
    assertThat(statusesComputed()).as("the first reconcile looks at every circuit").isEqualTo(600);
    for (int n = ON_DEVICE; n < ON_DEVICE + 3; n++) {
      apply(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit(n), "")));
      assertThat(statusesComputed()).as("a create among %d circuits", n).isEqualTo(1);
    }
    assertThat(statusesComputed()).as("a wake from nowhere known looks at all").isEqualTo(603);
  }

  @Test
  void evidenceAndFailedWritesStillLookAtEveryCircuit() {
    statusesComputed();
    apply(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit(ON_DEVICE), "")));
    reconciler.evidenceChanged(DEVICE);
    assertThat(statusesComputed()).as("agent or SNMP news: every circuit").isEqualTo(601);
    reconciler.allDevices();
    assertThat(statusesComputed()).as("the periodic resync: every circuit").isEqualTo(601);
  }

  @Test
  void theDesiredConfigurationIsTheOneDerivedFromTheCircuits() {
    apply(List.of(Op.delete(Kind.CIRCUIT, "LPSN-CAM-0007", 0, "")));
    cache.readLock().lock();
    try {
      assertThat(cache.desiredConfig(DEVICE))
          .isEqualTo(DeviceConfigs.desired(cache.unlocked(), DEVICE));
    } finally {
      cache.readLock().unlock();
    }
    assertThat(cache.desiredConfig(DEVICE).getSubInterfacesCount()).isEqualTo(ON_DEVICE - 1);
  }
}
