package org.wayleave.controller.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Txn;

/**
 * The HTTP JSON API, server-sent events and alarm acknowledgement, against a whole controller on
 * loopback.
 */
class HttpApiTest {
  @TempDir Path dir;
  Controller c;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    c =
        Controller.start(
            new ControllerConfig(dir, "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC()));
    c.state().apply(Op.upserts(Seeds.exampleCircuits("london"), "examples"), "test", "examples");
  }

  @AfterEach
  void stop() {
    c.close();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonObject json(String path) throws Exception {
    HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return new JsonObject(r.body());
  }

  /** Sets a circuit's phase as the reconciler would. */
  void setPhase(String id, CircuitPhase phase, String error) {
    setPhase(id, phase, error, Instant.now());
  }

  void setPhase(String id, CircuitPhase phase, String error, Instant at) {
    CircuitStatus st =
        CircuitStatus.newBuilder()
            .setPhase(phase)
            .setLastError(error)
            .setPhaseTransitionTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()))
            .build();
    c.store()
        .txn(
            Txn.builder(new Audit("test", "status"))
                .put(Kind.CIRCUIT_STATUS_PREFIX + id, st.toByteArray())
                .build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> c.state().cache().circuitWithStatus(id).getStatus().getPhase() == phase);
  }

  @Test
  void summaryGivesEveryCouncilItsWorstPhaseAndCounts() throws Exception {
    setPhase(
        "LPSN-CAM-0001",
        CircuitPhase.CIRCUIT_PHASE_DOWN,
        "ge-0/0/1.100 on rtr-camden-01 is down (ifOperStatus)");
    JsonObject s = json("/api/v1/summary");
    JsonArray councils = s.getJsonArray("councils");
    assertThat(councils).hasSize(33);
    JsonObject camden =
        councils.stream()
            .map(o -> (JsonObject) o)
            .filter(o -> o.getString("id").equals("camden"))
            .findFirst()
            .orElseThrow();
    assertThat(camden.getString("worst")).isEqualTo("CIRCUIT_PHASE_DOWN");
    assertThat(camden.getString("gssCode")).isEqualTo("E09000007");
    assertThat(camden.getInteger("circuits")).isEqualTo(1);
    assertThat(s.getJsonObject("counts").getInteger("CIRCUIT_PHASE_DOWN")).isEqualTo(1);
    assertThat(s.getJsonObject("counts").getInteger("CIRCUIT_PHASE_PENDING")).isEqualTo(33);
    assertThat(s.getInteger("alarms")).isEqualTo(1);
  }

  @Test
  void objectsAreInTheProtobufJsonMapping() throws Exception {
    JsonObject circuits = json("/api/v1/circuits?council=camden");
    JsonObject cam = circuits.getJsonArray("items").getJsonObject(0);
    assertThat(cam.getString("id")).isEqualTo("LPSN-CAM-0001");
    assertThat(cam.getJsonObject("spec").getJsonObject("aEnd").getString("device"))
        .isEqualTo("rtr-camden-01");
    assertThat(cam.getJsonObject("status").getString("phase")).isEqualTo("CIRCUIT_PHASE_PENDING");
    assertThat(json("/api/v1/circuits/LPSN-CAM-0001").getString("id")).isEqualTo("LPSN-CAM-0001");
    assertThat(json("/api/v1/councils").getJsonArray("items")).hasSize(33);
    JsonObject device = json("/api/v1/devices/rtr-camden-01");
    assertThat(device.getJsonObject("snmp").getString("authSecretRef"))
        .isEqualTo("snmp/rtr-camden-01/auth");
    assertThat(json("/api/v1/circuits?phase=CIRCUIT_PHASE_ACTIVE").getJsonArray("items")).isEmpty();
    assertThat(json("/api/v1/circuits/LPSN-CAM-0001/events").getJsonArray("items")).isNotEmpty();
  }

  static void assertViolation(HttpResponse<String> r, String field, String rule) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonObject v =
        new JsonObject(r.body()).getJsonObject("error").getJsonArray("violations").getJsonObject(0);
    assertThat(v.getString("field")).isEqualTo(field);
    assertThat(v.getString("description")).contains(rule);
  }

  @Test
  void badRequestsNameTheFieldAndTheRule() throws Exception {
    HttpResponse<String> missing = get("/api/v1/circuits/LPSN-NOPE-0001");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(
            new JsonObject(missing.body())
                .getJsonObject("error")
                .getJsonArray("violations")
                .getJsonObject(0)
                .getString("field"))
        .isEqualTo("id");
    HttpResponse<String> phase = get("/api/v1/circuits?phase=BROKEN");
    assertThat(phase.statusCode()).isEqualTo(400);
    assertThat(phase.body()).contains("phase").contains("CIRCUIT_PHASE_DOWN");
    HttpResponse<String> off = get("/api/v1/telemetry/links?circuit=LPSN-CAM-0001");
    assertThat(off.statusCode()).isEqualTo(409);
    assertThat(off.body()).contains("telemetry is off");
    // A history query's form is checked before whether telemetry is on.
    String history = "/api/v1/telemetry/history?circuit=LPSN-CAM-0001&";
    assertViolation(get(history + "step=soon"), "step", "5m, 1h30m, 300s or 300");
    assertViolation(get(history + "step=-5m"), "step", "positive duration");
    assertViolation(get(history + "step=0"), "step", "positive duration");
    assertViolation(get(history + "max_points=lots"), "max_points", "within 1-10000");
    assertViolation(get(history + "max_points=0"), "max_points", "within 1-10000 (got 0)");
    assertViolation(get(history + "step=5m&max_points=100"), "step", "not both");
    assertThat(get(history + "step=300").statusCode()).isEqualTo(409);
    assertThat(get(history + "step=1h30m").statusCode()).isEqualTo(409);
    assertThat(get(history + "max_points=500").statusCode()).isEqualTo(409);
    assertThat(get("/api/v1/nothing-here").statusCode()).isEqualTo(404);
    HttpResponse<String> badAck =
        post(
            "/api/v1/alarms/"
                + URLEncoder.encode("circuit/LPSN-CAM-0001/DOWN", StandardCharsets.UTF_8)
                + "/ack",
            "{}");
    assertThat(badAck.statusCode()).as("no such alarm is raised").isEqualTo(404);
  }

  @Test
  void eventsStreamCircuitChangesAndAlarmsWhichStayAcknowledgedAcrossARestart() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    var stream =
        http.sendAsync(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + c.httpPort() + "/api/v1/events"))
                    .build(),
                HttpResponse.BodyHandlers.ofLines())
            .thenAccept(
                r -> {
                  assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
                  r.body().forEach(lines::add);
                });
    await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains(": connected"));
    setPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_DOWN, "link down");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                lines.stream()
                    .anyMatch(
                        l ->
                            l.startsWith("data:")
                                && l.contains("\"id\":\"LPSN-CAM-0001\"")
                                && l.contains("CIRCUIT_PHASE_DOWN")));
    await().atMost(Duration.ofSeconds(5)).until(() -> lines.contains("event: alarm"));

    JsonObject alarm = json("/api/v1/alarms").getJsonArray("items").getJsonObject(0);
    assertThat(alarm.getString("id")).isEqualTo("circuit/LPSN-CAM-0001/DOWN");
    assertThat(alarm.getString("kind")).isEqualTo("DOWN");
    assertThat(alarm.getBoolean("acknowledged")).isFalse();
    HttpResponse<String> ack =
        post(
            "/api/v1/alarms/"
                + URLEncoder.encode(alarm.getString("id"), StandardCharsets.UTF_8)
                + "/ack",
            "{\"by\":\"noc-1\"}");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(new JsonObject(ack.body()).getString("acknowledgedBy")).isEqualTo("noc-1");
    stream.cancel(true);

    c.close();
    c =
        Controller.start(
            new ControllerConfig(dir, "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC()));
    JsonObject after = json("/api/v1/alarms").getJsonArray("items").getJsonObject(0);
    assertThat(after.getBoolean("acknowledged")).as("the acknowledgement is durable").isTrue();
    assertThat(after.getString("acknowledgedBy")).isEqualTo("noc-1");

    // Cleared and raised again: a new raising, unacknowledged.
    setPhase("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE, "");
    assertThat(json("/api/v1/alarms").getJsonArray("items")).isEmpty();
    setPhase(
        "LPSN-CAM-0001",
        CircuitPhase.CIRCUIT_PHASE_DOWN,
        "link down again",
        Instant.now().plusSeconds(60));
    assertThat(
            json("/api/v1/alarms")
                .getJsonArray("items")
                .getJsonObject(0)
                .getBoolean("acknowledged"))
        .isFalse();
  }
}
