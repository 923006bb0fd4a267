package org.wayleave.controller.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.northbound.TelemetryQueries;
import org.wayleave.controller.security.Caller;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.telemetry.OsNames;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The HTTP JSON API under {@code /api/v1/}, for dashboards and scripts. Objects are in the protobuf
 * JSON mapping, so they read as gRPC's JSON does. Read-only but for acknowledging alarms; changes
 * to the plan go through gRPC (and the CLI).
 *
 * <pre>
 * GET  /api/v1/summary                         councils with the worst phase of their circuits, counts by phase
 * GET  /api/v1/{councils|suppliers|sites|devices|vlanpools}[/{id}]
 * GET  /api/v1/circuits?council=&amp;supplier=&amp;phase=   circuits with status
 * GET  /api/v1/circuits/{id}                   one circuit with status
 * GET  /api/v1/circuits/{id}/events            its timeline: spec changes and status transitions, newest first
 * GET  /api/v1/telemetry/links?circuit=|council=|device=
 * GET  /api/v1/telemetry/history?circuit=|council=|device=&amp;since=&amp;until=&amp;step=|max_points=   ({@link HistoryParams})
 * GET  /api/v1/alarms                          DOWN, DEGRADED, DRIFTED, FAILED circuits and unreachable routers
 * POST /api/v1/alarms/{id}/ack                 the id URL-encoded; recorded as the caller's principal
 * GET  /api/v1/events                          server-sent events: circuit, alarm
 * GET|POST|DELETE /api/v1/session              who the caller is; sign in with {"token": "..."}; sign out ({@link HttpAuth})
 * </pre>
 *
 * {@link HttpAuth} stands in front: reads need an engineer or NOC caller unless the policy allows
 * anonymous reading, writes always do. Errors answer {@code
 * {"error":{"code","message","violations":[{"field","description"}]}}} with 400, 401, 403, 404 or
 * 409.
 */
public final class ApiRoutes {
  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  /** Worst first: the tile colour of a council is the first of these any of its circuits is in. */
  static final List<CircuitPhase> SEVERITY =
      List.of(
          CircuitPhase.CIRCUIT_PHASE_FAILED,
          CircuitPhase.CIRCUIT_PHASE_DOWN,
          CircuitPhase.CIRCUIT_PHASE_DRIFTED,
          CircuitPhase.CIRCUIT_PHASE_DEGRADED,
          CircuitPhase.CIRCUIT_PHASE_PROVISIONING,
          CircuitPhase.CIRCUIT_PHASE_PENDING,
          CircuitPhase.CIRCUIT_PHASE_DECOMMISSIONING,
          CircuitPhase.CIRCUIT_PHASE_ACTIVE);

  private final ResourceCache cache;
  private final StateStore store;
  private final TelemetryQueries telemetryQueries;
  private final Telemetry telemetry;
  private final Alarms alarms;
  private final EventFeed feed;
  private volatile Summary summary;

  private record Summary(long revision, long telemetryStamp, String json) {}

  /**
   * @param telemetry null when routers are not polled
   * @param osNames the names routers' OSes give sub-interfaces, as their agents report
   */
  public ApiRoutes(
      Vertx vertx,
      ResourceCache cache,
      StateStore store,
      ObservedStateService observed,
      Telemetry telemetry,
      OsNames osNames,
      Clock clock) {
    this.cache = cache;
    this.store = store;
    this.telemetry = telemetry;
    this.telemetryQueries = new TelemetryQueries(cache, telemetry, osNames, clock);
    this.alarms = new Alarms(cache, observed, telemetry, clock);
    this.feed = new EventFeed(vertx, cache, alarms);
  }

  public Alarms alarms() {
    return alarms;
  }

  /** Server-sent-event clients connected now. */
  public int eventClients() {
    return feed.clients();
  }

  public void mount(Router r) {
    r.route("/api/v1/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
    r.get("/api/v1/summary").handler(ctx -> run(ctx, () -> summary()));
    list(r, "councils", Kind.COUNCIL);
    list(r, "suppliers", Kind.SUPPLIER);
    list(r, "sites", Kind.SITE);
    list(r, "devices", Kind.DEVICE);
    list(r, "vlanpools", Kind.VLAN_POOL);
    r.get("/api/v1/circuits").handler(ctx -> run(ctx, () -> circuits(ctx)));
    r.get("/api/v1/circuits/:id")
        .handler(ctx -> run(ctx, () -> Json.print(circuit(ctx.pathParam("id")))));
    r.get("/api/v1/circuits/:id/events")
        .blockingHandler(ctx -> run(ctx, () -> events(ctx.pathParam("id"))));
    r.get("/api/v1/telemetry/links")
        .handler(
            ctx ->
                run(
                    ctx,
                    () ->
                        Json.print(
                            telemetryQueries.linkState(
                                GetLinkStateRequest.newBuilder().setScope(scope(ctx)).build()))));
    r.get("/api/v1/telemetry/history")
        .handler(
            ctx ->
                run(
                    ctx,
                    () ->
                        Json.print(
                            telemetryQueries.rateHistory(HistoryParams.request(ctx, scope(ctx))))));
    r.get("/api/v1/alarms")
        .handler(
            ctx ->
                run(
                    ctx,
                    () -> {
                      JsonArray items = new JsonArray();
                      alarms.active().forEach(a -> items.add(a.toJson()));
                      return new JsonObject().put("items", items).encode();
                    }));
    r.postWithRegex("/api/v1/alarms/(?<id>.+)/ack")
        .blockingHandler(
            ctx ->
                run(
                    ctx,
                    () -> {
                      String id = URLDecoder.decode(ctx.pathParam("id"), StandardCharsets.UTF_8);
                      String by = "";
                      if (ctx.body() != null && ctx.body().length() > 0) {
                        try {
                          by = ctx.body().asJsonObject().getString("by", "");
                        } catch (RuntimeException e) {
                          throw ApiException.of(
                              ErrorCode.INVALID_ARGUMENT,
                              "body",
                              "must be a JSON object such as {\"by\": \"name\"}");
                        }
                      }
                      // Recorded as the authenticated principal; "by" names the operator only on an
                      // --insecure
                      // controller, where nobody is authenticated.
                      Caller caller = HttpAuth.caller(ctx);
                      String who =
                          HttpAuth.authenticated(ctx) || by == null || by.isBlank()
                              ? caller.principal()
                              : by;
                      return alarms.acknowledge(id, who).toJson().encode();
                    }));
    r.get("/api/v1/events").handler(feed::handle);
    r.route("/api/v1/*")
        .handler(
            ctx ->
                Json.error(
                    ctx, 404, "NOT_FOUND", "no such API path: " + ctx.request().path(), List.of()));
  }

  private <T extends Message> void list(Router r, String plural, Kind<T> kind) {
    r.get("/api/v1/" + plural).handler(ctx -> run(ctx, () -> Json.items(cache.list(kind))));
    r.get("/api/v1/" + plural + "/:id")
        .handler(
            ctx ->
                run(
                    ctx,
                    () -> {
                      T obj = cache.get(kind, ctx.pathParam("id"));
                      if (obj == null) {
                        throw ApiException.of(
                            ErrorCode.NOT_FOUND,
                            "id",
                            "no " + kind.name() + " '" + ctx.pathParam("id") + "'");
                      }
                      return Json.print(obj);
                    }));
  }

  private static void run(RoutingContext ctx, Supplier<String> body) {
    try {
      Json.ok(ctx, body.get());
    } catch (ApiException e) {
      Json.error(ctx, e);
    } catch (RuntimeException e) {
      log.warn("HTTP {} {} failed", ctx.request().method(), ctx.request().path(), e);
      Json.error(
          ctx, 500, "INTERNAL", "internal error: " + e.getClass().getSimpleName(), List.of());
    }
  }

  private Circuit circuit(String id) {
    Circuit c = cache.circuitWithStatus(id);
    if (c == null) {
      throw ApiException.of(ErrorCode.NOT_FOUND, "id", "no circuit '" + id + "'");
    }
    return c;
  }

  private String circuits(RoutingContext ctx) {
    String council = ctx.queryParams().get("council");
    String supplier = ctx.queryParams().get("supplier");
    String phaseName = ctx.queryParams().get("phase");
    CircuitPhase phase = null;
    if (phaseName != null && !phaseName.isEmpty()) {
      try {
        phase = CircuitPhase.valueOf(phaseName);
      } catch (IllegalArgumentException e) {
        throw ApiException.of(
            ErrorCode.INVALID_ARGUMENT,
            "phase",
            "must be a CircuitPhase such as CIRCUIT_PHASE_DOWN (got '" + phaseName + "')");
      }
    }
    List<Circuit> out = new ArrayList<>();
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      if (council != null && !council.isEmpty() && !c.getSpec().getCouncil().equals(council)) {
        continue;
      }
      if (supplier != null && !supplier.isEmpty() && !c.getSpec().getSupplier().equals(supplier)) {
        continue;
      }
      Circuit w = cache.withStatus(c);
      if (phase == null || w.getStatus().getPhase() == phase) {
        out.add(w);
      }
    }
    return Json.items(out);
  }

  private static TelemetryScope scope(RoutingContext ctx) {
    TelemetryScope.Builder s = TelemetryScope.newBuilder();
    String v;
    if ((v = ctx.queryParams().get("circuit")) != null) {
      s.setCircuit(v);
    }
    if ((v = ctx.queryParams().get("council")) != null) {
      s.setCouncil(v);
    }
    if ((v = ctx.queryParams().get("device")) != null) {
      s.setDevice(v);
    }
    return s.build();
  }

  /** A circuit's timeline: spec changes and status transitions, newest first, at most 100. */
  private String events(String id) {
    circuit(id);
    String specKey = Kind.CIRCUIT.key(id);
    String statusKey = Kind.CIRCUIT_STATUS_PREFIX + id;
    TreeMap<Long, JsonObject> byRevision = new TreeMap<>();
    for (String key : List.of(specKey, statusKey)) {
      for (AuditRecord rec : store.audit(key, 0, 100)) {
        for (StoreEvent e : rec.changes()) {
          if (!e.kv().key().equals(key)) {
            continue;
          }
          JsonObject j =
              new JsonObject()
                  .put("time", rec.time().toString())
                  .put("revision", Long.toString(rec.revision()))
                  .put("action", rec.action())
                  .put("principal", rec.principal());
          if (key.equals(statusKey) && e.kv().value().length > 0) {
            try {
              CircuitStatus st = CircuitStatus.parseFrom(e.kv().value());
              j.put("phase", st.getPhase().name()).put("lastError", st.getLastError());
            } catch (InvalidProtocolBufferException ex) {
              continue;
            }
          }
          byRevision.put(rec.revision(), j);
        }
      }
    }
    JsonArray items = new JsonArray();
    byRevision.descendingMap().values().stream().limit(100).forEach(items::add);
    return new JsonObject().put("items", items).encode();
  }

  /** The region view's data; recomputed only when the store or SNMP reachability moved. */
  private String summary() {
    long rev = cache.revision();
    long stamp = reachabilityStamp();
    Summary s = summary;
    if (s != null && s.revision() == rev && s.telemetryStamp() == stamp) {
      return s.json();
    }
    Map<String, EnumMap<CircuitPhase, Integer>> byCouncil = new HashMap<>();
    EnumMap<CircuitPhase, Integer> total = new EnumMap<>(CircuitPhase.class);
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      CircuitPhase p = cache.withStatus(c).getStatus().getPhase();
      byCouncil
          .computeIfAbsent(c.getSpec().getCouncil(), k -> new EnumMap<>(CircuitPhase.class))
          .merge(p, 1, Integer::sum);
      total.merge(p, 1, Integer::sum);
    }
    Map<String, Integer> unreachable = new HashMap<>();
    if (telemetry != null) {
      for (Device d : cache.list(Kind.DEVICE)) {
        Telemetry.DeviceView v = telemetry.device(d.getId());
        Site site = cache.get(Kind.SITE, d.getSite());
        if (v != null && !v.reachable() && site != null) {
          unreachable.merge(site.getCouncil(), 1, Integer::sum);
        }
      }
    }
    JsonArray councils = new JsonArray();
    for (Council c : cache.list(Kind.COUNCIL)) {
      EnumMap<CircuitPhase, Integer> counts =
          byCouncil.getOrDefault(c.getId(), new EnumMap<>(CircuitPhase.class));
      String worst =
          SEVERITY.stream().filter(counts::containsKey).findFirst().map(Enum::name).orElse("");
      councils.add(
          new JsonObject()
              .put("id", c.getId())
              .put("name", c.getName())
              .put("region", c.getRegion())
              .put("gssCode", c.getGssCode())
              .put("worst", worst)
              .put("counts", counts(counts))
              .put("circuits", counts.values().stream().mapToInt(Integer::intValue).sum())
              .put("unreachableDevices", unreachable.getOrDefault(c.getId(), 0)));
    }
    String json =
        new JsonObject()
            .put("revision", Long.toString(rev))
            .put("counts", counts(total))
            .put("councils", councils)
            .put("alarms", alarms.active().size())
            .encode();
    summary = new Summary(rev, stamp, json);
    return json;
  }

  private long reachabilityStamp() {
    if (telemetry == null) {
      return 0;
    }
    long h = 1;
    for (Device d : cache.list(Kind.DEVICE)) {
      Telemetry.DeviceView v = telemetry.device(d.getId());
      h = h * 31 + (v == null ? 0 : v.reachable() ? 1 : 2);
    }
    return h;
  }

  private static JsonObject counts(EnumMap<CircuitPhase, Integer> counts) {
    JsonObject j = new JsonObject();
    counts.forEach((p, n) -> j.put(p.name(), n));
    return j;
  }
}
