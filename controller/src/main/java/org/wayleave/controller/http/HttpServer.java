package org.wayleave.controller.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.controller.security.AccessPolicy;

/**
 * The controller's HTTP side. {@code /healthz}: the process is alive and serving HTTP. {@code
 * /readyz}: every named readiness check passes (store open, desired-state cache caught up,
 * northbound serving); otherwise 503 with the failing checks, so a load balancer sends nothing to a
 * controller that cannot answer. Both always answer; the API, its event stream and {@code /metrics}
 * are behind {@link HttpAuth}; the dashboard's static files carry no data and are served to anyone.
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
   * Starts listening in plaintext on {@code host:port} (0 picks a free port), with every caller
   * allowed everything (as {@code --insecure}).
   *
   * @param checks readiness checks by name, evaluated on each {@code /readyz}
   */
  public static HttpServer start(String host, int port, Map<String, BooleanSupplier> checks) {
    return start(host, port, checks, (vertx, router) -> {});
  }

  /**
   * As {@link #start(String, int, Map)}, with more routes (see {@link #start(String, int, TlsFiles,
   * AccessPolicy, Map, BiConsumer)}).
   */
  public static HttpServer start(
      String host,
      int port,
      Map<String, BooleanSupplier> checks,
      BiConsumer<Vertx, Router> routes) {
    return start(host, port, null, AccessPolicy.defaults(), checks, routes);
  }

  /**
   * Starts listening on {@code host:port} (0 picks a free port): HTTPS with {@code tls}'s
   * certificate and key, asking for (not requiring) a client certificate from its CA; or plaintext
   * when {@code tls} is null ({@code --insecure}). {@code /healthz} and {@code /readyz} always
   * answer; {@code /api/v1/*} and {@code /metrics} are behind {@link HttpAuth} under {@code
   * policy}; then {@code routes} mounts the rest (the API, {@code /metrics}, the dashboard) before
   * the server listens.
   *
   * @param checks readiness checks by name, evaluated on each {@code /readyz}
   */
  public static HttpServer start(
      String host,
      int port,
      TlsFiles tls,
      AccessPolicy policy,
      Map<String, BooleanSupplier> checks,
      BiConsumer<Vertx, Router> routes) {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(ctx -> ready(ctx, checks));
    new HttpAuth(policy, tls != null).mount(vertx, router);
    routes.accept(vertx, router);
    HttpServerOptions options = new HttpServerOptions();
    if (tls != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(tls.certificate().toString())
                  .setKeyPath(tls.key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
          // Asked for, not required: browsers without one sign in with a token instead.
          .setClientAuth(ClientAuth.REQUEST);
    }
    try {
      io.vertx.core.http.HttpServer server =
          vertx
              .createHttpServer(options)
              .requestHandler(router)
              .listen(port, host)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      log.info(
          "HTTP: serving {} on {}:{}{}",
          tls != null ? "HTTPS" : "plaintext HTTP",
          host,
          server.actualPort(),
          tls != null ? ", client certificates asked for" : "");
      return new HttpServer(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(
          "cannot listen for HTTP"
              + (tls != null ? "S" : "")
              + " on "
              + host
              + ":"
              + port
              + ": "
              + (e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e)
                  .getMessage(),
          e);
    }
  }

  private static void ready(RoutingContext ctx, Map<String, BooleanSupplier> checks) {
    Map<String, Object> results = new LinkedHashMap<>();
    boolean ok = true;
    for (var e : checks.entrySet()) {
      boolean pass;
      String why = "failing";
      try {
        pass = e.getValue().getAsBoolean();
      } catch (RuntimeException ex) {
        pass = false;
        why = "failing: " + ex.getMessage();
      }
      results.put(e.getKey(), pass ? "ok" : why);
      ok &= pass;
    }
    json(
        ctx,
        ok ? 200 : 503,
        new JsonObject()
            .put("status", ok ? "ready" : "not ready")
            .put("checks", new JsonObject(results)));
  }

  private static void json(RoutingContext ctx, int code, JsonObject body) {
    ctx.response()
        .setStatusCode(code)
        .putHeader("content-type", "application/json")
        .end(body.encode());
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
