package org.wayleave.controller.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP side. {@code /healthz}: the process is alive and serving HTTP. {@code
 * /readyz}: every named readiness check passes (store open, desired-state cache caught up,
 * northbound serving); otherwise 503 with the failing checks, so a load balancer sends nothing to
 * a controller that cannot answer.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private final Vertx vertx;
  private final io.vertx.core.http.HttpServer server;

  private HttpServer(Vertx vertx, io.vertx.core.http.HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /**
   * Starts listening on {@code host:port} (0 picks a free port).
   *
   * @param checks readiness checks by name, evaluated on each {@code /readyz}
   */
  public static HttpServer start(String host, int port, Map<String, BooleanSupplier> checks) {
    return start(host, port, checks, (vertx, router) -> {});
  }

  /**
   * As {@link #start(String, int, Map)}, with more routes: {@code routes} mounts them (the API,
   * {@code /metrics}, the dashboard) on the router before the server listens.
   */
  public static HttpServer start(String host, int port, Map<String, BooleanSupplier> checks,
      java.util.function.BiConsumer<Vertx, Router> routes) {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> ready(ctx, checks));
    routes.accept(vertx, router);
    try {
      io.vertx.core.http.HttpServer server =
          vertx.createHttpServer().requestHandler(router).listen(port, host).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new HttpServer(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot listen for HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static void ready(RoutingContext ctx, Map<String, BooleanSupplier> checks) {
    Map<String, Object> results = new LinkedHashMap<>();
    boolean ok = true;
    for (var e : checks.entrySet()) {
      boolean pass;
      try {
        pass = e.getValue().getAsBoolean();
      } catch (RuntimeException ex) {
        pass = false;
      }
      results.put(e.getKey(), pass ? "ok" : "failing");
      ok &= pass;
    }
    json(ctx, ok ? 200 : 503, new JsonObject().put("status", ok ? "ready" : "not ready").put("checks", new JsonObject(results)));
  }

  private static void json(RoutingContext ctx, int code, JsonObject body) {
    ctx.response().setStatusCode(code).putHeader("content-type", "application/json").end(body.encode());
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("HTTP server did not stop cleanly: {}", e.toString());
    }
  }
}
