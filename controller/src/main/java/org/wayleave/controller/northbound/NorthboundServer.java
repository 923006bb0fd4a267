package org.wayleave.controller.northbound;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.store.StateStore;

/**
 * The northbound gRPC server: inventory, circuit and telemetry services, gRPC health and reflection. Takes a
 * {@link ServerBuilder} so tests can pass an in-process one.
 */
public final class NorthboundServer {
  private static final Logger log = LoggerFactory.getLogger(NorthboundServer.class);

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  public NorthboundServer(ServerBuilder<?> builder, DesiredStateService state, StateStore store) {
    this(builder, state, store, null, java.time.Clock.systemUTC());
  }

  /** @param telemetry what SNMP shows, or null when routers are not polled */
  public NorthboundServer(ServerBuilder<?> builder, DesiredStateService state, StateStore store,
      org.wayleave.controller.telemetry.Telemetry telemetry, java.time.Clock clock) {
    Principals principals = new Principals();
    this.server =
        builder
            .addService(ServerInterceptors.intercept(new InventoryGrpcService(state), principals))
            .addService(ServerInterceptors.intercept(new CircuitGrpcService(state, store), principals))
            .addService(ServerInterceptors.intercept(new TelemetryGrpcService(new TelemetryQueries(state.cache(), telemetry, clock)), principals))
            .addService(health.getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build();
  }

  public NorthboundServer start() throws IOException {
    server.start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(InventoryServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(CircuitServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(org.wayleave.api.v1.TelemetryServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
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
    }
  }
}
