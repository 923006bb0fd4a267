package org.wayleave.controller.northbound;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.TelemetryServiceGrpc;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.telemetry.OsNames;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The northbound gRPC server: inventory, circuit and telemetry services, gRPC health and
 * reflection. Takes a {@link ServerBuilder} so tests can pass an in-process one.
 *
 * <p>Limits. The builder-generic ones are applied here: {@link #MAX_INBOUND_MESSAGE_BYTES}, {@link
 * #MAX_INBOUND_METADATA_BYTES} and the {@link #DEFAULT_UNARY_DEADLINE_SECONDS default deadline}.
 * The transport ones ({@link #PERMIT_KEEPALIVE_SECONDS}, {@link #MAX_CONNECTION_IDLE_MINUTES},
 * {@link #MAX_CONCURRENT_CALLS_PER_CONNECTION}) are applied where the Netty builder is made, in
 * {@code Controller}, to both the northbound and the agents' port. A request whose bytes do not
 * parse is answered {@code INVALID_ARGUMENT} naming the request type (see {@link
 * MalformedRequests}).
 */
public final class NorthboundServer {
  private static final Logger log = LoggerFactory.getLogger(NorthboundServer.class);

  /**
   * Largest request message accepted, in bytes (8 MiB); a larger one is refused with {@code
   * RESOURCE_EXHAUSTED} before it is parsed. Sized for a 5,000-circuit {@code Apply} (the
   * benchmark's batch, {@code CoreBenchmark --batch}): 5,000 benchmark circuits serialise to about
   * 0.7 MB, and 5,000 circuits each with a 1,024-character description (the longest allowed) to
   * about 5.55 MB (measured by {@code BadInputIT}), so the limit leaves room for the worst
   * realistic batch while bounding what one call can make the server buffer. Larger batches: split
   * the file.
   */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 8 << 20;

  /**
   * Largest header block accepted, in bytes (16 KiB, twice grpc-java's 8 KiB default, so a bearer
   * token and tracing headers fit); beyond it the call is refused before any handler runs.
   */
  public static final int MAX_INBOUND_METADATA_BYTES = 16 << 10;

  /**
   * Server-side deadline, in seconds, for a unary call that carries none (60 s). A plan or apply of
   * a 5,000-circuit batch takes well under a second; a call still running after a minute is stuck
   * or abandoned. A call with its own deadline keeps it; the streaming {@code Watch} is exempt.
   */
  public static final long DEFAULT_UNARY_DEADLINE_SECONDS = 60;

  /**
   * Most frequent keepalive ping a client may send, in seconds (Netty only). A client pinging more
   * often is sent GOAWAY ({@code ENHANCE_YOUR_CALM}). The agents ping every 10 s.
   */
  public static final long PERMIT_KEEPALIVE_SECONDS = 5;

  /**
   * A connection with no call open for this long, in minutes, is closed with GOAWAY (Netty only);
   * the client reconnects transparently on its next call. An open {@code Watch} (or an agent's
   * stream) is a call, so it is never idle.
   */
  public static final long MAX_CONNECTION_IDLE_MINUTES = 5;

  /**
   * Most calls open at once on one connection (the HTTP/2 {@code MAX_CONCURRENT_STREAMS} the server
   * advertises; Netty only). Further calls wait in the client until one ends. The CLI opens one or
   * two; an agent opens one.
   */
  public static final int MAX_CONCURRENT_CALLS_PER_CONNECTION = 100;

  private final Server server;
  private final WatchQuota watchQuota;
  private final HealthStatusManager health = new HealthStatusManager();
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "northbound-deadlines");
            t.setDaemon(true);
            return t;
          });

  /** Without TLS (every caller an engineer): for in-process tests. */
  public NorthboundServer(ServerBuilder<?> builder, DesiredStateService state, StateStore store) {
    this(
        builder,
        state,
        store,
        null,
        OsNames.SAME,
        Clock.systemUTC(),
        AccessPolicy.defaults(),
        false);
  }

  /**
   * @param telemetry what SNMP shows, or null when routers are not polled
   * @param osNames the names routers' OSes give sub-interfaces, as their agents report
   * @param policy who may do what
   * @param tls whether {@code builder} requires client certificates (false only for {@code
   *     --insecure}): with it, callers are who their certificates say; without it, every caller is
   *     an engineer
   */
  public NorthboundServer(
      ServerBuilder<?> builder,
      DesiredStateService state,
      StateStore store,
      Telemetry telemetry,
      OsNames osNames,
      Clock clock,
      AccessPolicy policy,
      boolean tls) {
    this.watchQuota = new WatchQuota(policy.maxWatchesPerPrincipal());
    Authenticate authenticate = new Authenticate(policy, tls);
    DefaultDeadline deadline =
        new DefaultDeadline(DEFAULT_UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS, deadlines);
    // One job each; the last runs first: who calls, may its role call this, is it over its rate,
    // what may it see, may it open another Watch, and the call's deadline.
    ServerInterceptor[] chain = {
      deadline,
      watchQuota,
      new SupplierScopes(policy, state.cache()),
      new RateLimits(policy),
      new Principals(),
      authenticate
    };
    this.server =
        builder
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
            .addService(
                MalformedRequests.guard(
                    ServerInterceptors.intercept(new InventoryGrpcService(state), chain)))
            .addService(
                MalformedRequests.guard(
                    ServerInterceptors.intercept(new CircuitGrpcService(state, store), chain)))
            .addService(
                MalformedRequests.guard(
                    ServerInterceptors.intercept(
                        new TelemetryGrpcService(
                            new TelemetryQueries(state.cache(), telemetry, osNames, clock)),
                        chain)))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
  }

  /** Open Watch streams of {@code principal}. */
  public int openWatches(String principal) {
    return watchQuota.openWatches(principal);
  }

  public NorthboundServer start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(InventoryServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(CircuitServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(TelemetryServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    return this;
  }

  /** The bound port (useful when started on port 0); -1 for in-process servers. */
  public int port() {
    return server.getPort();
  }

  public boolean isServing() {
    return !server.isShutdown();
  }

  /** Stops accepting calls and waits up to {@code graceSeconds} for running ones. */
  public void stop(long graceSeconds) {
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
        log.warn("northbound calls still running after {} s; cancelling them", graceSeconds);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      deadlines.shutdownNow();
    }
  }
}
