package org.wayleave.controller.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.southbound.AgentSessions;
import org.wayleave.controller.southbound.DevicePushes;
import org.wayleave.controller.southbound.DeviceReconciler;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.sqlite.SqliteStateStore;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * A controller's state in one JVM without sockets: the SQLite store, the desired-state cache with
 * the London seed and its example circuits, the device reconciler on an engine that runs reconciles
 * inline, and a {@link Telemetry} fed by hand; with {@link ControllerMetrics} on top.
 */
final class MetricsFixture implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  final SqliteStateStore store;
  final ResourceCache cache;
  final DesiredStateService state;
  final AgentSessions sync;
  final DevicePushes pushes;
  final ReconcileEngine<String> engine;
  final Telemetry telemetry;

  /** Null unless the fixture was given secrets for one; never started: tests poll with pollNow. */
  final SnmpPoller poller;

  final ControllerMetrics metrics;

  /** Held here: the metrics' gauges hold it weakly, and a collected one reads NaN. */
  private final org.wayleave.controller.lifecycle.Leadership leadership =
      org.wayleave.controller.lifecycle.Leadership.always();

  private final AppliedProbe probe;
  private final Map<String, Long> pollSeconds = new HashMap<>();

  MetricsFixture(Path dir) {
    this(dir, null);
  }

  /**
   * @param pollerSecrets when not null, a real {@link SnmpPoller} (one UDP socket on loopback, 200
   *     ms timeout, no retry) joins, resolving secrets here
   */
  MetricsFixture(Path dir, SecretProvider pollerSecrets) {
    this(dir, pollerSecrets, null);
  }

  /**
   * @param storeValues when not null, the store's contents, written as they are in place of the
   *     London seed and its circuits (nothing is planned or validated): for fleets too large to
   *     plan in a test
   */
  MetricsFixture(Path dir, SecretProvider pollerSecrets, Map<String, byte[]> storeValues) {
    store = SqliteStateStore.open(dir);
    if (storeValues != null) {
      Txn.Builder txn = Txn.builder(new Audit("system:test", "fleet"));
      storeValues.forEach(txn::put);
      store.txn(txn.build());
    }
    cache = ResourceCache.load(store);
    state = new DesiredStateService(store, cache, Clock.systemUTC());
    if (storeValues == null) {
      state.apply(Op.upserts(Seeds.london(), "seed"), "system:test", "seed");
      state.apply(
          Op.upserts(Seeds.exampleCircuits("london"), "circuits"),
          "system:test",
          "example circuits");
    }
    sync = new AgentSessions(Clock.systemUTC());
    pushes = new DevicePushes(sync, Ticker.system(), Duration.ofSeconds(30), cache::revision);
    DeviceReconciler reconciler =
        new DeviceReconciler(
            cache,
            new CircuitStatusWriter(
                new ObservedStateService(store), sync::evidence, null, Clock.systemUTC()),
            pushes);
    reconciler.startLeading();
    engine = ReconcileEngine.builder("device", reconciler).executor(Runnable::run).build();
    telemetry =
        new Telemetry(
            TelemetryConfig.defaults(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            id -> {
              Circuit c = cache.get(Kind.CIRCUIT, id);
              return c == null ? 0 : c.getSpec().getCommittedMbps();
            });
    if (pollerSecrets != null) {
      try {
        poller =
            new SnmpPoller(
                telemetry.config().withTimeout(Duration.ofMillis(200), 0),
                pollerSecrets,
                telemetry,
                Clock.systemUTC());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      poller = null;
    }
    metrics =
        ControllerMetrics.create(
                store, cache, sync, pushes, engine, poller, telemetry, telemetry.config())
            .addLeadership(leadership);
    // Registered after the metrics' own listener, so it hears a revision only once they have.
    probe = new AppliedProbe(cache.revision());
    cache.addListener(probe);
  }

  Exposition scrape() {
    return Exposition.parse(metrics.scrape());
  }

  /** Applies {@code ops} and returns once the metrics have seen the change. */
  long apply(List<Op> ops) {
    long rev = state.apply(ops, "system:test", "test").revision();
    probe.await(rev);
    return rev;
  }

  /** The first example circuit of {@code council}. */
  Circuit circuitOf(String council) {
    return cache.list(Kind.CIRCUIT).stream()
        .filter(c -> c.getSpec().getCouncil().equals(council))
        .findFirst()
        .orElseThrow();
  }

  /** The A-end sub-interface's name, as SNMP shows it. */
  static String aEndInterface(Circuit c) {
    return SubInterfaces.of(c, c.getSpec().getAEnd()).getName();
  }

  /** Writes a circuit status as the reconciler would, and waits for the metrics to see it. */
  void status(String circuitId, CircuitPhase phase, ConditionStatus linkUp) {
    CircuitStatus.Builder st = CircuitStatus.newBuilder().setPhase(phase);
    if (linkUp != null) {
      st.addConditions(
          Condition.newBuilder().setType("LinkUp").setStatus(linkUp).setReason("Test"));
    }
    long rev =
        store
            .txn(
                Txn.builder(new Audit("system:test", "status"))
                    .put(Kind.CIRCUIT_STATUS_PREFIX + circuitId, st.build().toByteArray())
                    .build())
            .revision();
    probe.await(rev);
  }

  /**
   * One poll of {@code device}, 10 s after its last: one interface whose counters grew by {@code
   * inBps} in and {@code inBps / 2} out, and {@code errors} inbound errors a second.
   */
  void poll(String device, String ifName, String alias, int oper, long inBps, long errors) {
    long t = pollSeconds.merge(device, 10L, Long::sum);
    IfRow row =
        new IfRow(7)
            .set(IfMib.Column.IF_NAME, ifName)
            .set(IfMib.Column.IF_ALIAS, alias)
            .set(IfMib.Column.IF_ADMIN_STATUS, IfMib.UP)
            .set(IfMib.Column.IF_OPER_STATUS, oper)
            .set(IfMib.Column.IF_HIGH_SPEED, 1000)
            .set(IfMib.Column.IF_HC_IN_OCTETS, t * inBps / 8)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, t * inBps / 16)
            .set(IfMib.Column.IF_IN_ERRORS, t * errors)
            .set(IfMib.Column.IF_OUT_ERRORS, 0)
            .set(IfMib.Column.IF_IN_DISCARDS, 0);
    telemetry.polled(
        device,
        new DeviceSample(
            t * 1_000_000_000L, NOW.toEpochMilli() + t * 1000, 100_000 + t * 100, Map.of(7, row)));
  }

  @Override
  public void close() {
    metrics.close();
    if (poller != null) {
      poller.close();
    }
    engine.close();
    cache.close();
    store.close();
  }

  /** Hears the cache's revisions; {@link #await} returns once one has been heard. */
  private static final class AppliedProbe implements ResourceCache.CacheListener {
    private long seen;

    AppliedProbe(long seen) {
      this.seen = seen;
    }

    @Override
    public synchronized void onApplied(long revision, List<StoreEvent> events) {
      seen = Math.max(seen, revision);
      notifyAll();
    }

    synchronized void await(long revision) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen < revision) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "the cache did not apply revision " + revision + " (last " + seen + ")");
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }
}
