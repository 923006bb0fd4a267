package org.wayleave.controller;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.http.ApiRoutes;
import org.wayleave.controller.http.HttpServer;
import org.wayleave.controller.metrics.ControllerMetrics;
import org.wayleave.controller.northbound.NorthboundServer;
import org.wayleave.controller.reconcile.ReconcileEngine;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.southbound.AgentGrpcService;
import org.wayleave.controller.southbound.DeviceSync;
import org.wayleave.controller.southbound.DeviceWakeups;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.sqlite.SqliteStateStore;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;

/** One controller process: store, desired-state cache and service, northbound gRPC, HTTP. */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  /** An unanswered push is given up (and sent again) after this long. */
  static final Duration PUSH_TIMEOUT = Duration.ofSeconds(30);

  /** Every device is reconciled at least this often, whatever events said. */
  static final Duration RESYNC = Duration.ofSeconds(60);

  static final int DEVICE_WORKERS = 4;

  private final StateStore store;
  private final ResourceCache cache;
  private final DesiredStateService state;
  private final NorthboundServer northbound;
  private final Server southbound;
  private final ReconcileEngine<String> devices;
  private final DeviceSync sync;
  private final HttpServer http;
  private final ControllerConfig config;
  private final Telemetry telemetry;
  private final SnmpPoller poller;
  private final ControllerMetrics metrics;

  private Controller(
      ControllerConfig config,
      StateStore store,
      ResourceCache cache,
      DesiredStateService state,
      NorthboundServer northbound,
      Server southbound,
      ReconcileEngine<String> devices,
      DeviceSync sync,
      HttpServer http,
      Telemetry telemetry,
      SnmpPoller poller,
      ControllerMetrics metrics) {
    this.metrics = metrics;
    this.telemetry = telemetry;
    this.poller = poller;
    this.southbound = southbound;
    this.devices = devices;
    this.sync = sync;
    this.config = config;
    this.store = store;
    this.cache = cache;
    this.state = state;
    this.northbound = northbound;
    this.http = http;
  }

  /**
   * Opens the store, loads seeds, and starts serving.
   *
   * @throws IOException if a port cannot be bound
   */
  public static Controller start(ControllerConfig config) throws IOException {
    log.info(
        "starting controller: data={} bind={} grpc={} http={} seeds={}",
        config.dataDir().toAbsolutePath(),
        config.bindAddress(),
        config.grpcPort(),
        config.httpPort(),
        config.seeds());
    StateStore store = SqliteStateStore.open(config.dataDir(), config.clock());
    List<AutoCloseable> started = new ArrayList<>();
    started.add(store);
    try {
      ResourceCache cache = ResourceCache.load(store);
      started.add(cache);
      DesiredStateService state = new DesiredStateService(store, cache, config.clock());
      for (String seed : config.seeds()) {
        loadSeed(state, seed, config.seedSnmpPort());
      }
      DeviceSync sync = new DeviceSync(store, cache, config.clock(), Ticker.system(), PUSH_TIMEOUT);
      ReconcileEngine<String> devices =
          ReconcileEngine.builder("device", sync)
              .workers(DEVICE_WORKERS)
              .resync(RESYNC, sync::allDevices)
              .build();
      sync.wakeWith(devices::enqueue);
      cache.addListener((rev, events) -> devices.enqueueAll(DeviceWakeups.of(events)));
      Telemetry telemetry = null;
      SnmpPoller poller = null;
      if (config.telemetry().enabled()) {
        telemetry =
            new Telemetry(
                config.telemetry(),
                config.clock(),
                id -> {
                  Circuit c = cache.get(Kind.CIRCUIT, id);
                  return c == null ? 0 : c.getSpec().getCommittedMbps();
                });
        SecretProvider secrets =
            config.secretsDir() == null
                ? SecretProvider.none()
                : new DirectorySecretProvider(config.secretsDir());
        poller = new SnmpPoller(config.telemetry(), secrets, telemetry, config.clock());
        started.add(poller);
        SnmpPoller p = poller;
        Telemetry tm = telemetry;
        cache.addListener(
            (rev, events) -> {
              for (StoreEvent e : events) {
                String key = e.kv().key();
                if (key.startsWith(Kind.DEVICE.prefix())) {
                  String id = key.substring(Kind.DEVICE.prefix().length());
                  Device d = cache.get(Kind.DEVICE, id);
                  if (d == null) {
                    p.remove(id);
                    tm.forget(id);
                  } else {
                    p.upsert(d);
                  }
                }
              }
            });
        poller.replaceAll(cache.list(Kind.DEVICE));
        telemetry.onChange(devices::enqueue);
        sync.useTelemetry(telemetry);
      }
      ControllerMetrics metrics =
          ControllerMetrics.create(
              store, cache, sync, devices, poller, telemetry, config.telemetry());
      started.add(metrics);
      if (poller != null) {
        // After the metrics hooks, so every poll is counted.
        poller.start();
      }
      devices.start();
      started.add(devices);
      boolean tls = !config.insecure();
      if (tls) {
        config.tls().check(config.clock());
      } else {
        log.warn(
            "--insecure: both gRPC ports serve plaintext without authentication; every caller may"
                + " change everything and any agent may speak for any device. For a laptop, never"
                + " for a network.");
      }
      Server southbound =
          grpcBuilder(config, config.agentPort(), "agent")
              .addService(
                  ServerInterceptors.intercept(
                      new AgentGrpcService(sync, tls), new Authenticate(config.policy(), tls)))
              // The northbound limits (NorthboundServer's constants); agents may ping while idle.
              .maxInboundMessageSize(NorthboundServer.MAX_INBOUND_MESSAGE_BYTES)
              .maxInboundMetadataSize(NorthboundServer.MAX_INBOUND_METADATA_BYTES)
              .permitKeepAliveTime(NorthboundServer.PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .maxConnectionIdle(NorthboundServer.MAX_CONNECTION_IDLE_MINUTES, TimeUnit.MINUTES)
              .maxConcurrentCallsPerConnection(NorthboundServer.MAX_CONCURRENT_CALLS_PER_CONNECTION)
              .build()
              .start();
      started.add(() -> southbound.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      NorthboundServer northbound =
          new NorthboundServer(
                  grpcBuilder(config, config.grpcPort(), "northbound")
                      .permitKeepAliveTime(
                          NorthboundServer.PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                      .permitKeepAliveWithoutCalls(false)
                      .maxConnectionIdle(
                          NorthboundServer.MAX_CONNECTION_IDLE_MINUTES, TimeUnit.MINUTES)
                      .maxConcurrentCallsPerConnection(
                          NorthboundServer.MAX_CONCURRENT_CALLS_PER_CONNECTION),
                  state,
                  store,
                  telemetry,
                  config.clock(),
                  config.policy(),
                  tls)
              .start();
      started.add(() -> northbound.stop(5));
      Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
      checks.put("store", () -> answers(store));
      checks.put("cache", () -> cache.revision() >= store.revision());
      checks.put("northbound", northbound::isServing);
      // On the embedded store this controller holds the data directory's lock, so it leads; with
      // etcd the check follows the lease.
      checks.put("leader", () -> true);
      if (poller != null) {
        SnmpPoller p = poller;
        checks.put("telemetry", () -> p.stats() != null && !p.closed());
      }
      Telemetry tm = telemetry;
      AtomicReference<ApiRoutes> api = new AtomicReference<>();
      HttpServer http =
          HttpServer.start(
              config.bindAddress(),
              config.httpPort(),
              config.tls(),
              config.policy(),
              checks,
              (vertx, router) -> {
                api.set(new ApiRoutes(vertx, cache, store, tm, config.clock()));
                api.get().mount(router);
                // A scrape takes a few hundred ms at fleet scale: off the event loop.
                router
                    .get("/metrics")
                    .blockingHandler(
                        ctx ->
                            ctx.response()
                                .putHeader("content-type", metrics.contentType())
                                .end(metrics.scrape()));
                // The NOC dashboard: static files from the classpath, nothing fetched from
                // elsewhere.
                router
                    .route("/*")
                    .handler(StaticHandler.create("webroot").setCachingEnabled(false));
              });
      Controller c =
          new Controller(
              config,
              store,
              cache,
              state,
              northbound,
              southbound,
              devices,
              sync,
              http,
              telemetry,
              poller,
              metrics);
      log.info(
          "controller ready: northbound gRPC on {}:{}, agents on {}:{}, HTTP on {}:{}, store"
              + " revision {}",
          config.bindAddress(),
          northbound.port(),
          config.bindAddress(),
          southbound.getPort(),
          config.bindAddress(),
          http.port(),
          store.revision());
      return c;
    } catch (IOException | RuntimeException e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * A Netty server builder on {@code port}: TLS requiring client certificates, or plaintext with a
   * warning per connection.
   */
  private static NettyServerBuilder grpcBuilder(ControllerConfig config, int port, String name)
      throws IOException {
    InetSocketAddress addr = new InetSocketAddress(config.bindAddress(), port);
    if (config.insecure()) {
      return NettyServerBuilder.forAddress(addr)
          .addTransportFilter(Authenticate.insecureWarnings(name));
    }
    return NettyServerBuilder.forAddress(addr, config.tls().serverCredentials());
  }

  /** True if the store serves a read (a closed or broken store throws). */
  private static boolean answers(StateStore store) {
    store.get(Kind.ROOT);
    return true;
  }

  private static void loadSeed(DesiredStateService state, String name, int snmpPort) {
    List<Resource> resources =
        snmpPort == 0 ? Seeds.byName(name) : Seeds.withSnmpPort(Seeds.byName(name), snmpPort);
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

  public DesiredStateService state() {
    return state;
  }

  public StateStore store() {
    return store;
  }

  public int grpcPort() {
    return northbound.port();
  }

  /** Watch streams {@code principal} holds open on the northbound port. */
  public int northboundOpenWatches(String principal) {
    return northbound.openWatches(principal);
  }

  public int agentPort() {
    return southbound.getPort();
  }

  /** The device reconciler: agent sessions and push counts. */
  public DeviceSync deviceSync() {
    return sync;
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
    return http.port();
  }

  public ControllerConfig config() {
    return config;
  }

  /** Stops serving (in-flight calls get a bounded grace period), then closes the store. */
  @Override
  public void close() {
    log.info("stopping controller");
    northbound.stop(5);
    southbound.shutdown();
    try {
      if (!southbound.awaitTermination(2, TimeUnit.SECONDS)) {
        southbound.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      southbound.shutdownNow();
    }
    if (poller != null) {
      poller.close();
    }
    devices.close();
    http.close();
    metrics.close();
    cache.close();
    store.close();
    log.info("controller stopped");
  }
}
