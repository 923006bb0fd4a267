package org.wayleave.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;

/**
 * Fault injection over HTTP, for demos and for people poking at a running simulator:
 *
 * <pre>
 * GET  /devices                                   routers, their agents and sub-interfaces
 * GET  /stats                                     totals: routers, connected agents, pushes (and redundant ones), reports
 * POST /devices/{id}/agent/stop | /agent/start    kill or revive the device's agent
 * POST /devices/{id}/vlans/delete?name=ge-0/0/1.100          remove a VLAN behind the agent's back
 * POST /devices/{id}/vlans/foreign?port=ge-0/0/2&amp;vlan=777    add a VLAN no circuit owns
 * POST /devices/{id}/faults/slow?ms=500          every apply takes this long
 * POST /devices/{id}/faults/fail?message=...      every apply item fails with this message
 * POST /devices/{id}/faults/clear                 no more faults
 * </pre>
 *
 * Errors answer 400 or 404 with a JSON message naming the parameter.
 */
public final class FaultApi implements AutoCloseable {
  private final Vertx vertx;
  private final io.vertx.core.http.HttpServer server;

  private FaultApi(Vertx vertx, io.vertx.core.http.HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FaultApi start(Simulator sim, String host, int port) {
    Vertx vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    r.get("/devices").handler(ctx -> ok(ctx, devices(sim)));
    r.get("/stats").blockingHandler(ctx -> {
      Simulator.Stats st = sim.stats();
      ok(ctx, new JsonObject().put("routers", st.routers()).put("connected", st.connected())
          .put("pushes_received", st.pushesReceived()).put("pushes_redundant", st.pushesRedundant())
          .put("reports_sent", st.reportsSent()).put("sub_interfaces", st.subInterfaces()));
    });
    r.post("/devices/:id/agent/stop").blockingHandler(ctx -> act(ctx, () -> sim.stopAgent(id(ctx))));
    r.post("/devices/:id/agent/start").blockingHandler(ctx -> act(ctx, () -> sim.startAgent(id(ctx))));
    r.post("/devices/:id/vlans/delete").handler(ctx -> act(ctx, () -> {
      if (!sim.router(id(ctx)).deleteBehindTheBack(param(ctx, "name"))) {
        throw new NoSuchElementException("name: no sub-interface '" + param(ctx, "name") + "' on " + id(ctx));
      }
    }));
    r.post("/devices/:id/vlans/foreign").handler(ctx -> act(ctx, () -> {
      String onPort = param(ctx, "port");
      int vlan = intParam(ctx, "vlan", 1, 4094);
      sim.router(id(ctx)).addForeign(SubInterface.newBuilder().setName(onPort + "." + vlan).setPort(onPort).setCTag(vlan)
          .setAlias("foreign").setAdminUp(true).build());
    }));
    r.post("/devices/:id/faults/slow").handler(ctx -> act(ctx,
        () -> sim.router(id(ctx)).setApplyDelay(Duration.ofMillis(intParam(ctx, "ms", 0, 600_000)))));
    r.post("/devices/:id/faults/fail").handler(ctx -> act(ctx, () -> sim.router(id(ctx)).failApplies(param(ctx, "message"))));
    r.post("/devices/:id/faults/clear").handler(ctx -> act(ctx, () -> {
      SimRouter router = sim.router(id(ctx));
      router.clearFailures();
      router.setApplyDelay(Duration.ZERO);
    }));
    try {
      var server = vertx.createHttpServer().requestHandler(r).listen(port, host)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new FaultApi(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot listen for the fault API on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  private static String id(RoutingContext ctx) {
    return ctx.pathParam("id");
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + ": query parameter is required");
    }
    return v;
  }

  private static int intParam(RoutingContext ctx, String name, int min, int max) {
    String v = param(ctx, name);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException(name + ": must be within " + min + "-" + max + " (got " + n + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be a whole number (got '" + v + "')");
    }
  }

  private static void act(RoutingContext ctx, Runnable action) {
    try {
      action.run();
      ok(ctx, new JsonObject().put("ok", true));
    } catch (NoSuchElementException e) {
      fail(ctx, 404, e.getMessage());
    } catch (IllegalArgumentException e) {
      fail(ctx, 400, e.getMessage());
    }
  }

  private static JsonArray devices(Simulator sim) {
    JsonArray out = new JsonArray();
    for (String id : sim.deviceIds()) {
      var agent = sim.agent(id);
      JsonArray subs = new JsonArray();
      sim.router(id).config().getSubInterfacesList().forEach(s -> subs.add(new JsonObject()
          .put("name", s.getName()).put("alias", s.getAlias()).put("bandwidth_mbps", s.getBandwidthMbps())));
      out.add(new JsonObject().put("id", id).put("agent", agent == null ? "stopped" : agent.isConnected() ? "connected" : "connecting")
          .put("sub_interfaces", subs));
    }
    return out;
  }

  private static void ok(RoutingContext ctx, Object body) {
    ctx.response().putHeader("content-type", "application/json").end(body.toString());
  }

  private static void fail(RoutingContext ctx, int code, String message) {
    ctx.response().setStatusCode(code).putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", message).encode());
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }
}
