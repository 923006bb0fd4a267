package org.wayleave.controller;

import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.CommittedRates;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.lifecycle.Campaign;
import org.wayleave.controller.lifecycle.Component;
import org.wayleave.controller.lifecycle.Leadership;
import org.wayleave.controller.lifecycle.Lifecycle;
import org.wayleave.controller.metrics.ControllerMetrics;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.southbound.AgentSessions;
import org.wayleave.controller.southbound.DevicePushes;
import org.wayleave.controller.southbound.DeviceReconciler;
import org.wayleave.controller.southbound.DeviceWakeups;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.etcd.EtcdCompactor;
import org.wayleave.controller.store.etcd.EtcdStateStore;
import org.wayleave.controller.store.sqlite.SqliteStateStore;
import org.wayleave.controller.telemetry.CircuitLinks;
import org.wayleave.controller.telemetry.HistoryFile;
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.Polling;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * One controller process, assembled from components wired through their constructors. {@link
 * #components} is the one place that says which run on every controller (the store, the watch-fed
 * cache, the agents' sessions, the northbound API, HTTP with the dashboard, metrics) and which run
 * only while this controller leads (pushing to agents and writing circuit statuses, polling
 * routers).
 */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  /** An unanswered push is given up (and sent again) after this long. */
  static final Duration PUSH_TIMEOUT = Duration.ofSeconds(30);

  /** Every device is reconciled at least this often, whatever events said. */
  static final Duration RESYNC = Duration.ofSeconds(60);

  static final int DEVICE_WORKERS = 4;

  private final ControllerConfig config;
  private final StateStore store;
  private final ResourceCache cache;
  private final DesiredStateService state;
  private final ObservedStateService observed;
  private final AgentSessions agents;
  private final DevicePushes pushes;
  private final DeviceReconciler reconciler;
  private final ReconcileEngine<String> devices;
  private final HistoryFile history;
  private final Telemetry telemetry;
  private final SnmpPoller poller;
  private final Polling polling;
  private final ControllerMetrics metrics;
  private final Endpoints endpoints;
  private final Lifecycle lifecycle;
  private final Campaign campaign;
  private final StoreHealth storeHealth;
  private final Leadership leadership;

  /** The election the controllers sharing one etcd store campaign in. */
  public static final String ELECTION = "controllers";

  private Controller(
      ControllerConfig config,
      StateStore store,
      ResourceCache cache,
      HistoryFile history,
      Leadership leadership)
      throws IOException {
    this.config = config;
    this.store = store;
    this.cache = cache;
    this.state = new DesiredStateService(store, cache, config.clock());
    this.observed = new ObservedStateService(store, leadership::fence);
    this.storeHealth =
        new StoreHealth(
            store,
            config.etcd() == null ? "the SQLite store" : "etcd at " + config.etcd().endpoints());
    this.agents = new AgentSessions(config.clock());
    this.pushes =
        new DevicePushes(agents, Ticker.system(), PUSH_TIMEOUT, cache::revision, leadership::term);
    this.history = history;
    this.telemetry = history == null ? null : newTelemetry(config, cache, history);
    this.poller = telemetry == null ? null : newPoller(config, telemetry);
    this.polling = poller == null ? null : new Polling(poller, telemetry, cache);
    CircuitLinks links = telemetry == null ? null : new CircuitLinks(telemetry, agents::osName);
    CircuitStatusWriter statuses =
        new CircuitStatusWriter(observed, agents::evidence, links, config.clock());
    this.reconciler = new DeviceReconciler(cache, statuses, pushes, leadership::recordRefusal);
    this.devices =
        ReconcileEngine.builder("device", reconciler)
            .workers(DEVICE_WORKERS)
            .resync(RESYNC, reconciler::allDevices)
            .build();
    // An agent's word and a poll's are what someone waits on: ahead of a bulk Apply's backlog.
    agents.wakeWith(id -> devices.expedite(reconciler.evidenceChanged(id)));
    if (poller != null) {
      // Only the leader's poller holds routers; elsewhere this finds none and does nothing.
      agents.onRouterChanged(poller::pollSoon);
      agents.onRouterBack(poller::retrySoon);
      poller.endBurstWhen(device -> links.showsAll(device, circuitsOn(cache, device)));
    }
    cache.addListener(
        (rev, events) ->
            devices.enqueueAll(reconciler.circuitsChanged(DeviceWakeups.circuitsByDevice(events))));
    if (telemetry != null) {
      telemetry.onChange(id -> devices.expedite(reconciler.evidenceChanged(id)));
    }
    this.metrics =
        ControllerMetrics.create(
                store, cache, agents, pushes, devices, poller, telemetry, config.telemetry())
            .addLeadership(leadership);
    this.endpoints =
        new Endpoints(
            config, state, store, observed, cache, agents, telemetry, metrics, leadership::leading);
    this.campaign =
        config.etcd() == null
            ? null
            : new Campaign(
                store.leaderElection(ELECTION, config.name()), leadership, config.name());
    this.leadership = leadership;
    endpoints.leadership(this::leadershipInfo);
    this.lifecycle = new Lifecycle(components(), leaderComponents(), leadership);
  }

  /** What runs on every controller, in start order. */
  private List<Component> components() {
    List<Component> always = new ArrayList<>();
    always.add(Component.of("store", () -> {}, store::close));
    always.add(Component.of("cache", () -> {}, cache::close));
    if (history != null) {
      // Early, so that it is closed whatever fails to start after it, and stops after the poller.
      always.add(Component.of("telemetry-history", history::startFlushing, history::close));
    }
    always.add(Component.of("store-probe", storeHealth::start, storeHealth::close));
    always.add(Component.of("seeds", this::loadSeeds, () -> {}));
    always.add(Component.of("metrics", () -> {}, metrics::close));
    if (poller != null) {
      // The poller's socket and timer; which routers it polls is the leader's (polling).
      always.add(Component.of("snmp-poller", poller::start, poller::close));
    }
    always.add(Component.of("device-engine", devices::start, devices::close));
    always.addAll(endpoints.components(this::ready));
    if (campaign != null) {
      // Last: a controller campaigns only once it serves, and stops leading before anything stops.
      always.add(Component.of("election", campaign::start, campaign::close));
    }
    return always;
  }

  /** What runs only while this controller leads, in start order. */
  private List<Component> leaderComponents() {
    Component pushing =
        Component.of(
            "pushes-and-statuses",
            () -> {
              reconciler.startLeading();
              devices.enqueueAll(reconciler.allDevices());
            },
            () -> {
              reconciler.stopLeading();
              // Agents here would wait for pushes that never come: send them to the leader.
              agents.closeAll(
                  Status.UNAVAILABLE.withDescription(
                      "this controller no longer leads; dial another controller"));
            });
    List<Component> leading = new ArrayList<>(List.of(pushing));
    if (polling != null) {
      leading.add(polling);
    }
    if (store instanceof EtcdStateStore etcd) {
      leading.add(compaction(etcd));
    }
    return leading;
  }

  /** The leader compacts etcd's old history, a fresh compactor each time it leads. */
  private static Component compaction(EtcdStateStore etcd) {
    EtcdCompactor[] running = new EtcdCompactor[1];
    return Component.of(
        "etcd-compaction",
        () -> {
          running[0] = etcd.compactor(EtcdCompactor.DEFAULT_INTERVAL);
          running[0].start();
        },
        () -> running[0].close());
  }

  /** The circuits with an end on {@code device}, read under one hold of the cache's lock. */
  private static List<Circuit> circuitsOn(ResourceCache cache, String device) {
    List<Circuit> out = new ArrayList<>();
    cache.readLock().lock();
    try {
      for (String id : cache.circuitsOnDevice(device)) {
        Circuit c = cache.unlocked().get(Kind.CIRCUIT, id);
        if (c != null) {
          out.add(c);
        }
      }
    } finally {
      cache.readLock().unlock();
    }
    return out;
  }

  private static HistoryFile openHistory(ControllerConfig config) throws IOException {
    return HistoryFile.open(
        config.historyFile(), HistoryLayout.forFile(config.telemetry()), config.clock());
  }

  private static Telemetry newTelemetry(
      ControllerConfig config, ResourceCache cache, HistoryFile history) {
    return new Telemetry(config.telemetry(), config.clock(), CommittedRates.follow(cache), history);
  }

  private static SnmpPoller newPoller(ControllerConfig config, Telemetry telemetry)
      throws IOException {
    SecretProvider secrets =
        config.secretsDir() == null
            ? SecretProvider.none()
            : new DirectorySecretProvider(config.secretsDir());
    return new SnmpPoller(config.telemetry(), secrets, telemetry, config.clock());
  }

  /**
   * Opens the store, loads seeds, and starts serving. On the embedded store this controller always
   * leads; on etcd it campaigns, and leads while elected.
   */
  public static Controller start(ControllerConfig config) throws IOException {
    return start(config, config.etcd() == null ? Leadership.always() : Leadership.manual(false));
  }

  /**
   * Opens the store, loads seeds, and starts serving, running the leader's components while {@code
   * leadership} says this controller leads.
   *
   * @throws IOException if a port cannot be bound
   */
  public static Controller start(ControllerConfig config, Leadership leadership)
      throws IOException {
    log.info(
        "starting controller: data={} bind={} grpc={} http={} seeds={}",
        config.dataDir().toAbsolutePath(),
        config.bindAddress(),
        config.grpcPort(),
        config.httpPort(),
        config.seeds());
    StateStore store =
        config.etcd() == null
            ? SqliteStateStore.open(config.dataDir(), config.clock())
            : EtcdStateStore.open(config.etcd(), config.clock());
    ResourceCache cache = null;
    HistoryFile history = null;
    Controller c;
    try {
      cache = ResourceCache.load(store);
      history = config.telemetry().enabled() ? openHistory(config) : null;
      c = new Controller(config, store, cache, history, leadership);
    } catch (IOException | RuntimeException e) {
      // Nothing has started yet but what was opened here.
      if (history != null) {
        history.close();
      }
      if (cache != null) {
        cache.close();
      }
      store.close();
      throw e;
    }
    try {
      c.lifecycle.start();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
    log.info(
        "controller ready: northbound gRPC on {}:{}, agents on {}:{}, HTTP on {}:{}, store revision"
            + " {}",
        config.bindAddress(),
        c.grpcPort(),
        config.bindAddress(),
        c.agentPort(),
        config.bindAddress(),
        c.httpPort(),
        store.revision());
    return c;
  }

  /** Readiness: the store answers, the cache is current, and this controller leads. */
  private boolean ready(String check) {
    return switch (check) {
      case "store" -> storeHealth.check();
      case "cache" -> cache.revision() >= storeHealth.revision();
      // A follower serves reads and writes too; what must hold is that the leader's parts run
      // exactly while it leads.
      case "leader" -> lifecycle.leaderPartsRunning() == leadership.leading();
      case "telemetry" -> poller != null && poller.stats() != null && !poller.closed();
      default -> false;
    };
  }

  private void loadSeeds() {
    for (String name : config.seeds()) {
      List<Resource> resources =
          config.seedSnmpPort() == 0
              ? Seeds.byName(name)
              : Seeds.withSnmpPort(Seeds.byName(name), config.seedSnmpPort());
      var applied =
          state.apply(Op.upserts(resources, "seed." + name), "system:seed", "load seed " + name);
      long changed =
          applied.changes().stream()
              .filter(c -> c.getAction() != ChangeAction.CHANGE_ACTION_UNCHANGED)
              .count();
      log.info(
          "seed {}: {} objects, {} changed, revision {}",
          name,
          resources.size(),
          changed,
          applied.revision());
    }
  }

  public DesiredStateService state() {
    return state;
  }

  private Map<String, Object> leadershipInfo() {
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("name", config.name());
    about.put("leading", leadership.leading());
    about.put("term", leadership.term());
    about.put("store", config.etcd() == null ? "sqlite" : "etcd");
    if (campaign != null) {
      about.put("leader", campaign.leader());
      about.put("lease_ttl_s", EtcdStateStore.LEASE_TTL_SECONDS);
    }
    return about;
  }

  /** Whether this controller leads, and in which term. */
  public Leadership leadership() {
    return leadership;
  }

  public StateStore store() {
    return store;
  }

  public int grpcPort() {
    return endpoints.grpcPort();
  }

  /** Watch streams {@code principal} holds open on the northbound port. */
  public int northboundOpenWatches(String principal) {
    return endpoints.openWatches(principal);
  }

  public int agentPort() {
    return endpoints.agentPort();
  }

  /** The connected agents: sessions and what they said. */
  public AgentSessions agents() {
    return agents;
  }

  /** The pushes to agents (counted since start). */
  public DevicePushes pushes() {
    return pushes;
  }

  /** The device reconcile engine (queue depth for readiness and tests). */
  public ReconcileEngine<String> deviceEngine() {
    return devices;
  }

  /** What SNMP shows, or null when telemetry is off. */
  public Telemetry telemetry() {
    return telemetry;
  }

  /** The SNMP poller, or null when telemetry is off. */
  public SnmpPoller poller() {
    return poller;
  }

  public int httpPort() {
    return endpoints.httpPort();
  }

  public ControllerConfig config() {
    return config;
  }

  /**
   * Stops serving (in-flight calls get a bounded grace period), stops the leader's components, then
   * closes the store.
   */
  @Override
  public void close() {
    log.info("stopping controller");
    lifecycle.close();
    log.info("controller stopped");
  }
}
