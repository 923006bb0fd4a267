package org.wayleave.controller.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wayleave.api.v1.Circuit;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.StoreEvent;

/**
 * {@code /api/v1/events}: server-sent events for dashboards. {@code circuit} when a circuit or its
 * status changes (its phase and last error), {@code alarm} when a circuit raises or clears an
 * alarm, and a comment every 15 s so proxies keep the stream open. A client too slow to take events
 * is dropped; its {@code EventSource} reconnects and re-reads what it shows.
 */
final class EventFeed implements ResourceCache.CacheListener {
  static final long HEARTBEAT_MS = 15_000;

  private record Client(HttpServerResponse response, Context context) {}

  private final ResourceCache cache;
  private final Alarms alarms;
  private final List<Client> clients = new CopyOnWriteArrayList<>();

  /** The alarm kind each circuit last raised, to tell raised from cleared. */
  private final Map<String, String> raised = new ConcurrentHashMap<>();

  EventFeed(Vertx vertx, ResourceCache cache, Alarms alarms) {
    this.cache = cache;
    this.alarms = alarms;
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      String kind = Alarms.kindOf(cache.withStatus(c).getStatus().getPhase());
      if (kind != null) {
        raised.put(c.getId(), kind);
      }
    }
    vertx.setPeriodic(HEARTBEAT_MS, id -> send(": heartbeat\n\n"));
    cache.addListener(this);
  }

  void handle(RoutingContext ctx) {
    HttpServerResponse r = ctx.response();
    r.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    Client c = new Client(r, Vertx.currentContext());
    clients.add(c);
    r.closeHandler(v -> clients.remove(c));
    r.write("retry: 2000\n: connected\n\n");
  }

  int clients() {
    return clients.size();
  }

  @Override
  public void onApplied(long revision, List<StoreEvent> events) {
    if (clients.isEmpty() && raised.isEmpty()) {
      return;
    }
    StringBuilder out = new StringBuilder();
    for (StoreEvent e : events) {
      String key = e.kv().key();
      String id;
      if (key.startsWith(Kind.CIRCUIT_STATUS_PREFIX)) {
        id = key.substring(Kind.CIRCUIT_STATUS_PREFIX.length());
      } else if (key.startsWith(Kind.CIRCUIT.prefix())) {
        id = key.substring(Kind.CIRCUIT.prefix().length());
      } else {
        continue;
      }
      Circuit c = cache.circuitWithStatus(id);
      JsonObject j =
          new JsonObject()
              .put("id", id)
              .put("revision", Long.toString(revision))
              .put("time", Instant.now().toString());
      if (c == null) {
        j.put("deleted", true);
      } else {
        j.put("council", c.getSpec().getCouncil())
            .put("phase", c.getStatus().getPhase().name())
            .put("lastError", c.getStatus().getLastError());
      }
      event(out, "circuit", j);
      String now = c == null ? null : Alarms.kindOf(c.getStatus().getPhase());
      String before = now == null ? raised.remove(id) : raised.put(id, now);
      if (before != null && !before.equals(now)) {
        event(
            out,
            "alarm",
            new JsonObject()
                .put("id", "circuit/" + id + "/" + before)
                .put("kind", before)
                .put("circuit", id)
                .put("cleared", true));
      }
      if (now != null && !now.equals(before)) {
        alarms.of(c).ifPresent(a -> event(out, "alarm", a.toJson().put("cleared", false)));
      }
    }
    if (out.length() > 0) {
      send(out.toString());
    }
  }

  private static void event(StringBuilder out, String name, JsonObject data) {
    out.append("event: ")
        .append(name)
        .append('\n')
        .append("data: ")
        .append(data.encode())
        .append("\n\n");
  }

  private void send(String chunk) {
    for (Client c : clients) {
      c.context()
          .runOnContext(
              v -> {
                if (c.response().closed()) {
                  clients.remove(c);
                } else if (c.response().writeQueueFull()) {
                  clients.remove(c);
                  c.response().reset();
                } else {
                  c.response().write(chunk);
                }
              });
    }
  }
}
