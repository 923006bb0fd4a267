package org.wayleave.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.simulator.snmp.RouterMib;
import org.wayleave.simulator.snmp.SnmpFleet;

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
 *
 * SNMP faults, for routers that answer SNMP (interface names URL-encoded: ge-0%2F0%2F1.100):
 * POST /devices/{id}/snmp/link?interface=NAME&amp;up=true|false         link down or back up
 * POST /devices/{id}/snmp/flap?interface=NAME&amp;period_ms=500         oper status toggles every period (0 stops)
 * POST /devices/{id}/snmp/congest?interface=NAME&amp;percent=120        runs at this share of its bandwidth (0 ends)
 * POST /devices/{id}/snmp/errors?interface=NAME&amp;per_second=50&amp;seconds=60   ifInErrors grows for a while
 * POST /devices/{id}/snmp/reboot                   sysUpTime and every counter restart at 0
 * POST /devices/{id}/snmp/silence?on=true|false    no answer at all
 * POST /devices/{id}/snmp/loss?percent=30          drop this share of requests at random
 * POST /devices/{id}/snmp/ifxtable?on=true|false   off: an old device with ifTable only (32-bit counters)
 * POST /devices/{id}/snmp/clear                    no more SNMP faults
 * </pre>
 *
 * {@code GET /devices} shows each router's SNMP endpoint (address and version, never a secret) and
 * its SNMP faults. Errors answer 400 or 404 with a JSON message naming the parameter.
 */
public final class FaultApi implements AutoCloseable {
  private final Vertx vertx;
  private final HttpServer server;

  private FaultApi(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  public static FaultApi start(Simulator sim, String host, int port) {
    Vertx vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    readRoutes(r, sim);
    agentRoutes(r, sim);
    vlanRoutes(r, sim);
    applyFaultRoutes(r, sim);
    snmpRoutes(r, sim);
    try {
      var server =
          vertx
              .createHttpServer()
              .requestHandler(r)
              .listen(port, host)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new FaultApi(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(
          "cannot listen for the fault API on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code GET /devices} and {@code GET /stats}. */
  private static void readRoutes(Router r, Simulator sim) {
    r.get("/devices").handler(ctx -> ok(ctx, devices(sim)));
    r.get("/stats").blockingHandler(ctx -> ok(ctx, stats(sim.stats())));
  }

  /** Killing and reviving a device's agent. */
  private static void agentRoutes(Router r, Simulator sim) {
    r.post("/devices/:id/agent/stop")
        .blockingHandler(ctx -> act(ctx, () -> sim.stopAgent(id(ctx))));
    r.post("/devices/:id/agent/start")
        .blockingHandler(ctx -> act(ctx, () -> sim.startAgent(id(ctx))));
  }

  /** Changing a router's VLANs behind its agent's back. */
  private static void vlanRoutes(Router r, Simulator sim) {
    r.post("/devices/:id/vlans/delete")
        .handler(
            ctx ->
                act(
                    ctx,
                    () -> {
                      if (!sim.router(id(ctx)).deleteBehindTheBack(param(ctx, "name"))) {
                        throw new NoSuchElementException(
                            "name: no sub-interface '" + param(ctx, "name") + "' on " + id(ctx));
                      }
                    }));
    r.post("/devices/:id/vlans/foreign")
        .handler(
            ctx ->
                act(
                    ctx,
                    () -> {
                      String onPort = param(ctx, "port");
                      int vlan = intParam(ctx, "vlan", 1, 4094);
                      sim.router(id(ctx))
                          .addForeign(
                              SubInterface.newBuilder()
                                  .setName(onPort + "." + vlan)
                                  .setPort(onPort)
                                  .setCTag(vlan)
                                  .setAlias("foreign")
                                  .setAdminUp(true)
                                  .build());
                    }));
  }

  /** Making a router's applies slow or fail, and ending that. */
  private static void applyFaultRoutes(Router r, Simulator sim) {
    r.post("/devices/:id/faults/slow")
        .handler(
            ctx ->
                act(
                    ctx,
                    () ->
                        sim.router(id(ctx))
                            .setApplyDelay(Duration.ofMillis(intParam(ctx, "ms", 0, 600_000)))));
    r.post("/devices/:id/faults/fail")
        .handler(ctx -> act(ctx, () -> sim.router(id(ctx)).failApplies(param(ctx, "message"))));
    r.post("/devices/:id/faults/clear")
        .handler(
            ctx ->
                act(
                    ctx,
                    () -> {
                      SimRouter router = sim.router(id(ctx));
                      router.clearFailures();
                      router.setApplyDelay(Duration.ZERO);
                    }));
  }

  /** SNMP faults, for routers that answer SNMP. */
  private static void snmpRoutes(Router r, Simulator sim) {
    r.post("/devices/:id/snmp/link")
        .handler(
            ctx ->
                act(
                    ctx,
                    () -> mib(sim, ctx).setLinkUp(param(ctx, "interface"), boolParam(ctx, "up"))));
    r.post("/devices/:id/snmp/flap")
        .handler(
            ctx ->
                act(
                    ctx,
                    () ->
                        mib(sim, ctx)
                            .flap(
                                param(ctx, "interface"),
                                Duration.ofMillis(intParam(ctx, "period_ms", 0, 3_600_000)))));
    r.post("/devices/:id/snmp/congest")
        .handler(
            ctx ->
                act(
                    ctx,
                    () ->
                        mib(sim, ctx)
                            .congest(
                                param(ctx, "interface"),
                                intParam(ctx, "percent", 0, RouterMib.MAX_CONGESTION_PERCENT))));
    r.post("/devices/:id/snmp/errors")
        .handler(
            ctx ->
                act(
                    ctx,
                    () ->
                        mib(sim, ctx)
                            .errorBurst(
                                param(ctx, "interface"),
                                intParam(ctx, "per_second", 0, 1_000_000_000),
                                Duration.ofSeconds(intParam(ctx, "seconds", 1, 86_400)))));
    r.post("/devices/:id/snmp/reboot").handler(ctx -> act(ctx, () -> mib(sim, ctx).reboot()));
    r.post("/devices/:id/snmp/silence")
        .handler(ctx -> act(ctx, () -> mib(sim, ctx).setSilent(boolParam(ctx, "on"))));
    r.post("/devices/:id/snmp/loss")
        .handler(
            ctx -> act(ctx, () -> mib(sim, ctx).setLossPercent(intParam(ctx, "percent", 0, 100))));
    r.post("/devices/:id/snmp/ifxtable")
        .handler(ctx -> act(ctx, () -> mib(sim, ctx).setIfXTable(boolParam(ctx, "on"))));
    r.post("/devices/:id/snmp/clear").handler(ctx -> act(ctx, () -> mib(sim, ctx).clearFaults()));
  }

  /** The device's SNMP fault handle; 404 if there is no such device or it does not answer SNMP. */
  private static RouterMib mib(Simulator sim, RoutingContext ctx) {
    return sim.snmp(id(ctx)).mib();
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
        throw new IllegalArgumentException(
            name + ": must be within " + min + "-" + max + " (got " + n + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be a whole number (got '" + v + "')");
    }
  }

  private static boolean boolParam(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    return switch (v) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + ": must be true or false (got '" + v + "')");
    };
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
      sim.router(id)
          .config()
          .getSubInterfacesList()
          .forEach(
              s ->
                  subs.add(
                      new JsonObject()
                          .put("name", s.getName())
                          .put("alias", s.getAlias())
                          .put("bandwidth_mbps", s.getBandwidthMbps())));
      out.add(
          new JsonObject()
              .put("id", id)
              .put(
                  "agent",
                  agent == null ? "stopped" : agent.isConnected() ? "connected" : "connecting")
              .put("snmp", sim.servesSnmp(id) ? snmp(sim.snmp(id)) : null)
              .put("sub_interfaces", subs));
    }
    return out;
  }

  private static JsonObject stats(Simulator.Stats st) {
    return new JsonObject()
        .put("routers", st.routers())
        .put("connected", st.connected())
        .put("pushes_received", st.pushesReceived())
        .put("pushes_redundant", st.pushesRedundant())
        .put("pushes_refused", st.pushesRefused())
        .put("reports_sent", st.reportsSent())
        .put("sub_interfaces", st.subInterfaces());
  }

  /** Where and how a router answers SNMP, and its SNMP faults; never a secret. */
  private static JsonObject snmp(SnmpFleet.Binding b) {
    InetSocketAddress a = b.address();
    String host = a.getAddress().getHostAddress();
    return new JsonObject()
        .put(
            "address",
            (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort())
        .put("version", b.endpoint().versionName())
        .put("faults", new JsonArray(List.copyOf(b.mib().activeFaults())));
  }

  private static void ok(RoutingContext ctx, Object body) {
    ctx.response().putHeader("content-type", "application/json").end(body.toString());
  }

  private static void fail(RoutingContext ctx, int code, String message) {
    ctx.response()
        .setStatusCode(code)
        .putHeader("content-type", "application/json")
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
