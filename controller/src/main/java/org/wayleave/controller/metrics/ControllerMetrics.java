package org.wayleave.controller.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.lifecycle.Leadership;
import org.wayleave.controller.reconcile.Outcome;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.reconcile.ReconcileListener;
import org.wayleave.controller.southbound.AgentSessions;
import org.wayleave.controller.southbound.DevicePushes;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * The controller's Prometheus metrics, through Micrometer: controller health (reconcile queue and
 * latency, pushes, agent sessions, SNMP polls, store commits, revisions), the JVM, and the
 * inventory: a series per circuit and per router in the plan, and per council its circuits by phase
 * and their traffic (see {@link InventoryCollector}, {@link InventoryScrape}).
 *
 * <p>{@link #create} hooks itself into the parts it is given (a listener on the reconcile engine, a
 * commit observer on the SQLite store, a poll observer on the poller, a listener on the
 * desired-state cache); nothing else needs wiring. A scrape reads memory only, never the store.
 *
 * <p>Names: Micrometer's meters are named with dots and exposed the Prometheus way ({@code
 * wayleave.reconcile.duration} becomes {@code wayleave_reconcile_duration_seconds}, a counter gets
 * {@code _total}). Every series has help text and base units (seconds, bytes).
 */
public final class ControllerMetrics implements AutoCloseable {

  /** The Prometheus text exposition format 0.0.4, which {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Reconcile latency buckets: a reconcile reads the cache and may write statuses and push. */
  static final Duration[] RECONCILE_SLOS = durations(1, 5, 10, 25, 50, 100, 250, 500, 1000, 5000);

  /**
   * Poll latency buckets: a walk on a LAN is milliseconds, a timeout is the timeout times the
   * tries.
   */
  static final Duration[] POLL_SLOS = durations(10, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

  /** Commit latency buckets: a write waits for the WAL's fsync. */
  static final Duration[] COMMIT_SLOS = durations(1, 2, 5, 10, 25, 50, 100, 250, 1000);

  private final PrometheusMeterRegistry registry;
  private final InventoryCollector inventory;
  private final JvmGcMetrics gc;
  private final StateStore store;
  private final SnmpPoller poller; // null when telemetry is off
  private volatile boolean closed;

  /** The inventory's size at the last scrape, so the next one's buffer is allocated once. */
  private volatile int lastInventoryChars;

  private ControllerMetrics(
      PrometheusMeterRegistry registry,
      InventoryCollector inventory,
      JvmGcMetrics gc,
      StateStore store,
      SnmpPoller poller) {
    this.registry = registry;
    this.inventory = inventory;
    this.gc = gc;
    this.store = store;
    this.poller = poller;
  }

  /**
   * Builds the registry and hooks into the controller's parts. Call it once per controller, after
   * the engine, the poller and the cache exist; before they start is best (nothing is missed), but
   * not required.
   *
   * @param poller null when telemetry is off
   * @param telemetry null when telemetry is off
   * @param telemetryConfig the thresholds links are judged by; null takes {@code telemetry}'s, or
   *     the defaults
   */
  public static ControllerMetrics create(
      StateStore store,
      ResourceCache cache,
      AgentSessions agents,
      DevicePushes pushes,
      ReconcileEngine<String> devices,
      SnmpPoller poller,
      Telemetry telemetry,
      TelemetryConfig telemetryConfig) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(agents, "agents");
    Objects.requireNonNull(pushes, "pushes");
    Objects.requireNonNull(devices, "devices");
    TelemetryConfig config =
        telemetryConfig != null
            ? telemetryConfig
            : telemetry != null ? telemetry.config() : TelemetryConfig.defaults();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    lintClean(registry);

    reconcile(registry, devices);
    agents(registry, agents, pushes);
    store(registry, store, cache);
    telemetry(registry, poller, telemetry, config);

    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    processCpuSeconds(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    InventoryCollector inventory = new InventoryCollector(cache, telemetry, agents::osName);
    Gauge.builder("wayleave.snmp.routers.reachable", inventory, i -> i.routers(true))
        .description("Routers in the plan that answered their last SNMP poll")
        .register(registry);
    Gauge.builder("wayleave.snmp.routers.unreachable", inventory, i -> i.routers(false))
        .description("Routers in the plan that did not answer their last SNMP poll")
        .register(registry);
    Gauge.builder("wayleave.circuits", inventory, InventoryCollector::circuitCount)
        .description("Circuits in the plan")
        .register(registry);
    return new ControllerMetrics(registry, inventory, gc, store, poller);
  }

  /**
   * Adds another reconcile engine's queue, latency and failures, tagged with its name (the device
   * engine is added by {@link #create}).
   */
  public ControllerMetrics addEngine(ReconcileEngine<?> engine) {
    reconcile(registry, engine);
    return this;
  }

  private static void reconcile(MeterRegistry registry, ReconcileEngine<?> engine) {
    String name = engine.name();
    Gauge.builder("wayleave.reconcile.queue.depth", engine, e -> e.queueDepth())
        .tag("engine", name)
        .description("Keys waiting to be reconciled (not running, not waiting out a backoff)")
        .register(registry);
    Gauge.builder("wayleave.reconcile.backoff.keys", engine, e -> e.backoffCount())
        .tag("engine", name)
        .description("Keys waiting out a failure backoff before they are reconciled again")
        .register(registry);
    Gauge.builder("wayleave.reconcile.running", engine, e -> e.runningCount())
        .tag("engine", name)
        .description("Reconciles running now")
        .register(registry);
    Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      timers.put(
          o,
          Timer.builder("wayleave.reconcile.duration")
              .tags("engine", name, "outcome", o.name().toLowerCase(Locale.ROOT))
              .description(
                  "How long one reconcile of a key took, by how it ended (success, requeue, retry,"
                      + " terminal)")
              .serviceLevelObjectives(RECONCILE_SLOS)
              .register(registry));
    }
    Counter retries = failures(registry, name, "retry");
    Counter terminal = failures(registry, name, "terminal");
    engine.addListener(
        new ReconcileListener<Object>() {
          @Override
          public void onDone(Object key, Outcome outcome, long durationNanos, Throwable error) {
            timers.get(outcome).record(Math.max(0, durationNanos), TimeUnit.NANOSECONDS);
            if (outcome == Outcome.RETRY) {
              retries.increment();
            } else if (outcome == Outcome.TERMINAL) {
              terminal.increment();
            }
          }

          @Override
          public String toString() {
            return "metrics";
          }
        });
  }

  private static Counter failures(MeterRegistry registry, String engine, String outcome) {
    return Counter.builder("wayleave.reconcile.failures")
        .tags("engine", engine, "outcome", outcome)
        .description(
            "Reconciles that failed: retry (retried after a backoff) or terminal (not retried)")
        .register(registry);
  }

  private static void agents(MeterRegistry registry, AgentSessions agents, DevicePushes pushes) {
    FunctionCounter.builder("wayleave.agent.pushes", pushes, DevicePushes::pushes)
        .description("Full-state configuration pushes sent to agents")
        .register(registry);
    Gauge.builder("wayleave.agent.sessions.connected", agents, AgentSessions::sessions)
        .description("Agents connected now (one session per device)")
        .register(registry);
    FunctionCounter.builder("wayleave.agent.sessions.opened", agents, AgentSessions::sessionsOpened)
        .description("Agent sessions opened (Hellos accepted), reconnects included")
        .register(registry);
  }

  private static void store(MeterRegistry registry, StateStore store, ResourceCache cache) {
    Gauge.builder("wayleave.store.revision", store, StateStore::revision)
        .description("The store's latest committed revision")
        .register(registry);
    Gauge.builder("wayleave.cache.revision", cache, ResourceCache::revision)
        .description(
            "The revision the desired-state cache has applied (behind the store's while it catches"
                + " up)")
        .register(registry);
    Timer commits =
        Timer.builder("wayleave.store.commit.duration")
            .description(
                "How long a write took from the call (waiting for the write lock included) to its"
                    + " durable commit")
            .serviceLevelObjectives(COMMIT_SLOS)
            .register(registry);
    store.onCommit(nanos -> commits.record(Math.max(0, nanos), TimeUnit.NANOSECONDS));
  }

  private static void telemetry(
      MeterRegistry registry, SnmpPoller poller, Telemetry telemetry, TelemetryConfig config) {
    Gauge.builder("wayleave.telemetry.enabled", () -> poller != null ? 1 : 0)
        .description("1 when the controller polls routers over SNMP, 0 when it does not")
        .register(registry);
    Gauge.builder("wayleave.telemetry.utilisation.threshold.ratio", config::utilisationThreshold)
        .description("Utilisation of the committed bandwidth above which a circuit is DEGRADED")
        .register(registry);
    Gauge.builder("wayleave.snmp.poll.interval", () -> config.interval().toNanos() / 1e9)
        .description("Time between two polls of one router")
        .baseUnit("seconds")
        .register(registry);
    if (telemetry != null) {
      FunctionCounter.builder(
              "wayleave.telemetry.dropped.samples", telemetry, Telemetry::droppedSamples)
          .description(
              "Samples dropped for a discontinuity (router restart, counter reset) instead of"
                  + " reported as a spike")
          .register(registry);
    }
    if (poller == null) {
      return;
    }
    Counter polls =
        Counter.builder("wayleave.snmp.polls")
            .description("SNMP polls of routers that ended, however they ended")
            .register(registry);
    Map<SnmpPoller.PollResult, Counter> failures = new EnumMap<>(SnmpPoller.PollResult.class);
    Map<SnmpPoller.PollResult, Timer> durations = new EnumMap<>(SnmpPoller.PollResult.class);
    for (SnmpPoller.PollResult r : SnmpPoller.PollResult.values()) {
      String tag = r.name().toLowerCase(Locale.ROOT);
      if (r != SnmpPoller.PollResult.SUCCESS) {
        failures.put(
            r,
            Counter.builder("wayleave.snmp.poll.failures")
                .tag("reason", tag)
                .description(
                    "SNMP polls that failed: timeout (no answer after every try) or error (SNMP"
                        + " error or report, authentication, missing secret, bad address)")
                .register(registry));
      }
      durations.put(
          r,
          Timer.builder("wayleave.snmp.poll.duration")
              .tag("result", tag)
              .description(
                  "How long one poll of a router took, from leaving the queue to its end, retries"
                      + " included")
              .serviceLevelObjectives(POLL_SLOS)
              .register(registry));
    }
    poller.observe(
        (deviceId, result, nanos) -> {
          polls.increment();
          Counter f = failures.get(result);
          if (f != null) {
            f.increment();
          }
          durations.get(result).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        });
    FunctionCounter.builder("wayleave.snmp.requests", poller, p -> p.stats().requests())
        .description("SNMP requests sent (GETBULKs and v3 discovery probes, retries not counted)")
        .register(registry);
    FunctionCounter.builder("wayleave.snmp.varbinds", poller, p -> p.stats().varbinds())
        .description("Variable bindings received in SNMP answers")
        .register(registry);
    FunctionCounter.builder("wayleave.snmp.polls.skipped", poller, p -> p.stats().skipped())
        .description("Polls skipped because the router's previous poll was still running")
        .register(registry);
    Gauge.builder("wayleave.snmp.routers.polled", poller, p -> p.stats().devices())
        .description("Routers the poller polls (those with SNMP settings)")
        .register(registry);
  }

  /**
   * Two of Micrometer's names fail {@code promtool check metrics}: {@code process.cpu.time} (in
   * nanoseconds, exposed as {@code process_cpu_time_ns_total}: an abbreviated, non-base unit) is
   * replaced by {@code process_cpu_seconds_total}, the name Prometheus's own clients use; and
   * {@code system.cpu.count} (a gauge ending in {@code _count}, which reads as a histogram's) is
   * renamed {@code system_cpu_logical_processors}.
   */
  private static void lintClean(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.logical.processors")
                    : id;
              }
            });
  }

  private static void processCpuSeconds(MeterRegistry registry) {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time the controller's process has used")
          .register(registry);
    }
  }

  private static Duration[] durations(long... millis) {
    Duration[] out = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      out[i] = Duration.ofMillis(millis[i]);
    }
    return out;
  }

  /** Whether this controller leads, in which term, and the deposed leader's writes refused. */
  public ControllerMetrics addLeadership(Leadership leadership) {
    Gauge.builder("wayleave.leader", leadership, l -> l.leading() ? 1 : 0)
        .description("1 while this controller leads (runs pushes, polling and status writes)")
        .register(registry);
    Gauge.builder("wayleave.leader.term", leadership, Leadership::term)
        .description("The term this controller leads in, or last led in (0: never)")
        .register(registry);
    FunctionCounter.builder("wayleave.leader.writes.refused", leadership, Leadership::refusals)
        .description("Status writes the store refused because this controller no longer led")
        .register(registry);
    return this;
  }

  /**
   * Every series in the Prometheus text format (0.0.4); see {@link #contentType()}. The registry's
   * meters first, then the inventory's (written by {@link InventoryCollector} itself, not through
   * the registry: see {@link InventoryScrape} for why).
   */
  public String scrape() {
    String meters = registry.scrape();
    StringBuilder out = new StringBuilder(meters.length() + lastInventoryChars + 4096);
    out.append(meters);
    if (!meters.isEmpty() && meters.charAt(meters.length() - 1) != '\n') {
      out.append('\n');
    }
    int before = out.length();
    inventory.writeTo(out);
    lastInventoryChars = out.length() - before;
    return out.toString();
  }

  /** The content type of {@link #scrape()}: {@value #CONTENT_TYPE}. */
  public String contentType() {
    return CONTENT_TYPE;
  }

  /** The registry, for more meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Unhooks what can be unhooked (the store's and the poller's observers), stops following the
   * cache, and closes the registry. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (store != null) {
      store.onCommit(nanos -> {});
    }
    if (poller != null) {
      poller.observe((deviceId, result, nanos) -> {});
    }
    inventory.close();
    gc.close();
    registry.close();
  }
}
