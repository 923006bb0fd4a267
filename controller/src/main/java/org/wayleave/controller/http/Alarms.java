package org.wayleave.controller.http;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Site;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The NOC's alarm list: circuits that are DOWN, DEGRADED, DRIFTED or FAILED, and routers that do
 * not answer SNMP. Alarms are derived from the evidence, not stored: an alarm exists while its
 * condition holds. Acknowledgements are stored (in the same store as everything else, outside the
 * desired state, with an audit record) and belong to one raising: a cleared and re-raised alarm is
 * unacknowledged again.
 */
public final class Alarms {

  /** One alarm as the API shows it. */
  public record Alarm(
      String id,
      String kind,
      String circuit,
      String device,
      String council,
      String message,
      Instant raisedAt,
      String acknowledgedBy,
      Instant acknowledgedAt) {
    public boolean acknowledged() {
      return acknowledgedAt != null;
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("kind", kind)
          .put("circuit", circuit)
          .put("device", device)
          .put("council", council)
          .put("message", message)
          .put("raisedAt", raisedAt.toString())
          .put("acknowledged", acknowledged())
          .put("acknowledgedBy", acknowledgedBy)
          .put("acknowledgedAt", acknowledgedAt == null ? "" : acknowledgedAt.toString());
    }
  }

  private record Ack(String by, Instant at, Instant raisedAt) {}

  private final ResourceCache cache;
  private final ObservedStateService observed;
  private final Telemetry telemetry;
  private final Clock clock;
  private final Map<String, Ack> acks = new ConcurrentHashMap<>();
  private final Map<String, Instant> unreachableSince = new ConcurrentHashMap<>();

  /**
   * @param telemetry null when routers are not polled (no unreachable-router alarms then)
   */
  public Alarms(
      ResourceCache cache, ObservedStateService observed, Telemetry telemetry, Clock clock) {
    this.cache = cache;
    this.observed = observed;
    this.telemetry = telemetry;
    this.clock = clock;
    for (Map.Entry<String, byte[]> kv : observed.alarmAcknowledgements().entrySet()) {
      JsonObject j = new JsonObject(new String(kv.getValue(), StandardCharsets.UTF_8));
      acks.put(
          kv.getKey(),
          new Ack(
              j.getString("by"),
              Instant.parse(j.getString("at")),
              Instant.parse(j.getString("raisedAt"))));
    }
  }

  /** The alarm kind a circuit phase raises, or null for a phase that raises none. */
  static String kindOf(CircuitPhase phase) {
    return switch (phase) {
      case CIRCUIT_PHASE_DOWN -> "DOWN";
      case CIRCUIT_PHASE_DEGRADED -> "DEGRADED";
      case CIRCUIT_PHASE_DRIFTED -> "DRIFTED";
      case CIRCUIT_PHASE_FAILED -> "FAILED";
      default -> null;
    };
  }

  /** The alarm a circuit raises now, if any. */
  Optional<Alarm> of(Circuit withStatus) {
    String kind = kindOf(withStatus.getStatus().getPhase());
    if (kind == null) {
      return Optional.empty();
    }
    var ts = withStatus.getStatus().getPhaseTransitionTime();
    Instant raised = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    String id = "circuit/" + withStatus.getId() + "/" + kind;
    return Optional.of(
        withAck(
            new Alarm(
                id,
                kind,
                withStatus.getId(),
                withStatus.getSpec().getAEnd().getDevice(),
                withStatus.getSpec().getCouncil(),
                withStatus.getStatus().getLastError(),
                raised,
                "",
                null)));
  }

  private Alarm withAck(Alarm a) {
    Ack ack = acks.get(a.id());
    if (ack == null || !ack.raisedAt().equals(a.raisedAt())) {
      return a;
    }
    return new Alarm(
        a.id(),
        a.kind(),
        a.circuit(),
        a.device(),
        a.council(),
        a.message(),
        a.raisedAt(),
        ack.by(),
        ack.at());
  }

  /** Every alarm that holds now, newest first. */
  public List<Alarm> active() {
    List<Alarm> out = new ArrayList<>();
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      of(cache.withStatus(c)).ifPresent(out::add);
    }
    if (telemetry != null) {
      for (Device d : cache.list(Kind.DEVICE)) {
        Telemetry.DeviceView v = telemetry.device(d.getId());
        if (v != null && !v.reachable()) {
          Instant since = unreachableSince.computeIfAbsent(d.getId(), id -> clock.instant());
          out.add(
              withAck(
                  new Alarm(
                      "device/" + d.getId() + "/UNREACHABLE",
                      "UNREACHABLE",
                      "",
                      d.getId(),
                      councilOf(d),
                      v.reason(),
                      since,
                      "",
                      null)));
        } else {
          unreachableSince.remove(d.getId());
        }
      }
    }
    out.sort(Comparator.comparing(Alarm::raisedAt).reversed().thenComparing(Alarm::id));
    return out;
  }

  private String councilOf(Device d) {
    Site s = cache.get(Kind.SITE, d.getSite());
    return s == null ? "" : s.getCouncil();
  }

  /**
   * Acknowledges an alarm that holds now. Durable before it returns.
   *
   * @throws ApiException NOT_FOUND when no such alarm holds
   */
  public Alarm acknowledge(String id, String by) {
    String who = by == null || by.isBlank() ? "anonymous" : by.strip();
    if (who.length() > 64) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "by",
          "must be at most 64 characters (got " + who.length() + ")");
    }
    Alarm a =
        active().stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.of(
                        ErrorCode.NOT_FOUND, "id", "no alarm '" + id + "' is raised now"));
    Instant now = clock.instant();
    JsonObject j =
        new JsonObject()
            .put("by", who)
            .put("at", now.toString())
            .put("raisedAt", a.raisedAt().toString());
    observed.acknowledgeAlarm(id, j.encode().getBytes(StandardCharsets.UTF_8), who);
    acks.put(id, new Ack(who, now, a.raisedAt()));
    return withAck(a);
  }
}
