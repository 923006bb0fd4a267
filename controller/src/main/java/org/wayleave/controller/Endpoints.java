package org.wayleave.controller;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.concurrent.DaemonThreads;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.http.ApiRoutes;
import org.wayleave.controller.http.HttpServer;
import org.wayleave.controller.lifecycle.Component;
import org.wayleave.controller.metrics.ControllerMetrics;
import org.wayleave.controller.northbound.NorthboundServer;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.southbound.AgentGrpcService;
import org.wayleave.controller.southbound.AgentSessions;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The controller's three listening ports as components: the agents' gRPC port, the northbound gRPC
 * API and HTTP (the JSON API, events, {@code /metrics}, health and the NOC dashboard). All run on
 * every controller: any controller answers the API and shows the dashboard from its cache.
 */
final class Endpoints {
  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);

  private final ControllerConfig config;
  private final DesiredStateService state;
  private final StateStore store;
  private final ObservedStateService observed;
  private final ResourceCache cache;
  private final AgentSessions agents;
  private final Telemetry telemetry;
  private final ControllerMetrics metrics;
  private final BooleanSupplier leading;
  private volatile Supplier<Map<String, Object>> leadership = Map::of;
  private Server southbound;

  /**
   * Threads for the agent port's calls and its TLS handshakes' checks (grpc-java runs both on the
   * server's executor). Its default grows a thread per waiting task: 10,000 agents redialling at
   * once made hundreds, all queueing on the JDK's one lock around parsing certificates, and a
   * reconnect slowed to minutes. A few threads check as many handshakes a second without the queue.
   */
  static final int SOUTHBOUND_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private ExecutorService southboundCalls;
  private NorthboundServer northbound;
  private HttpServer http;

  Endpoints(
      ControllerConfig config,
      DesiredStateService state,
      StateStore store,
      ObservedStateService observed,
      ResourceCache cache,
      AgentSessions agents,
      Telemetry telemetry,
      ControllerMetrics metrics,
      BooleanSupplier leading) {
    this.config = config;
    this.state = state;
    this.store = store;
    this.observed = observed;
    this.cache = cache;
    this.agents = agents;
    this.telemetry = telemetry;
    this.metrics = metrics;
    this.leading = leading;
  }

  /**
   * The three servers, in start order.
   *
   * @param ready the controller's readiness checks by name, for {@code /readyz}
   */
  List<Component> components(Predicate<String> ready) {
    return List.of(
        Component.of("agent-port", this::startSouthbound, this::stopSouthbound),
        Component.of("northbound", this::startNorthbound, () -> northbound.stop(5)),
        Component.of("http", () -> startHttp(ready), () -> http.close()));
  }

  private boolean tls() {
    return !config.insecure();
  }

  private void startSouthbound() throws IOException {
    if (tls()) {
      config.tls().check(config.clock());
    } else {
      log.warn(
          "--insecure: both gRPC ports serve plaintext without authentication; every caller may"
              + " change everything and any agent may speak for any device. For a laptop, never"
              + " for a network.");
    }
    southboundCalls =
        Executors.newFixedThreadPool(SOUTHBOUND_THREADS, DaemonThreads.named("agent-calls"));
    southbound =
        grpcBuilder(config.agentPort(), "agent")
            .executor(southboundCalls)
            .addService(
                ServerInterceptors.intercept(
                    new AgentGrpcService(agents, tls(), leading),
                    new Authenticate(config.policy(), tls())))
            // The northbound limits (NorthboundServer's constants); agents may ping while idle.
            .maxInboundMessageSize(NorthboundServer.MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(NorthboundServer.MAX_INBOUND_METADATA_BYTES)
            .permitKeepAliveTime(NorthboundServer.PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxConnectionIdle(NorthboundServer.MAX_CONNECTION_IDLE_MINUTES, TimeUnit.MINUTES)
            .maxConcurrentCallsPerConnection(NorthboundServer.MAX_CONCURRENT_CALLS_PER_CONNECTION)
            .build()
            .start();
  }

  private void stopSouthbound() {
    southbound.shutdown();
    try {
      if (!southbound.awaitTermination(2, TimeUnit.SECONDS)) {
        southbound.shutdownNow();
        // Closing the agents' connections runs on the call threads: they go only once it is done,
        // or a connection left half-closed keeps its agent from redialling the next controller.
        southbound.awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      southbound.shutdownNow();
    } finally {
      southboundCalls.shutdown();
    }
  }

  private void startNorthbound() throws IOException {
    northbound =
        new NorthboundServer(
                grpcBuilder(config.grpcPort(), "northbound")
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
                agents::osName,
                config.clock(),
                config.policy(),
                tls())
            .start();
  }

  /** What {@code GET /leader} answers: who this controller is, whether it leads, the term. */
  void leadership(Supplier<Map<String, Object>> about) {
    this.leadership = about;
  }

  private void startHttp(Predicate<String> ready) {
    Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    checks.put("store", () -> ready.test("store"));
    checks.put("cache", () -> ready.test("cache"));
    checks.put("northbound", northbound::isServing);
    // On the embedded store this controller holds the data directory's lock, so it leads; with
    // etcd the check follows the lease.
    checks.put("leader", () -> ready.test("leader"));
    if (telemetry != null) {
      checks.put("telemetry", () -> ready.test("telemetry"));
    }
    http =
        HttpServer.start(
            config.bindAddress(),
            config.httpPort(),
            config.tls(),
            config.policy(),
            checks,
            (vertx, router) -> {
              new ApiRoutes(
                      vertx, cache, store, observed, telemetry, agents::osName, config.clock())
                  .mount(router);
              // Open, as /readyz: which controller leads is what a NOC and a script ask first.
              router
                  .get("/leader")
                  .blockingHandler(
                      ctx ->
                          ctx.response()
                              .putHeader("content-type", "application/json")
                              .end(new io.vertx.core.json.JsonObject(leadership.get()).encode()));
              // A scrape takes a few hundred ms at fleet scale: off the event loop.
              router
                  .get("/metrics")
                  .blockingHandler(
                      ctx ->
                          ctx.response()
                              .putHeader("content-type", metrics.contentType())
                              .end(metrics.scrape()));
              // The NOC dashboard: static files from the classpath, nothing fetched from elsewhere.
              router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
            });
  }

  /**
   * A Netty server builder on {@code port}: TLS requiring client certificates, or plaintext with a
   * warning per connection.
   */
  private NettyServerBuilder grpcBuilder(int port, String name) throws IOException {
    InetSocketAddress addr = new InetSocketAddress(config.bindAddress(), port);
    if (config.insecure()) {
      return NettyServerBuilder.forAddress(addr)
          .addTransportFilter(Authenticate.insecureWarnings(name));
    }
    return NettyServerBuilder.forAddress(addr, config.tls().serverCredentials());
  }

  int grpcPort() {
    return northbound.port();
  }

  int agentPort() {
    return southbound.getPort();
  }

  int httpPort() {
    return http.port();
  }

  int openWatches(String principal) {
    return northbound.openWatches(principal);
  }
}
