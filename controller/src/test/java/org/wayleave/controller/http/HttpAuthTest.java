package org.wayleave.controller.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.Txn;

/**
 * The HTTP API's authentication over real HTTPS on loopback: a deployment CA and certificates made
 * with {@link Pki}, clients with the JDK's HTTP client trusting that CA (and presenting a client
 * certificate where a case needs one). Writes without an engineer or NOC caller change nothing;
 * reads follow {@code http.anonymousRead}; sessions sign in with a token and defend against
 * cross-site writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpAuthTest {
  static final String NOC_TOKEN = "noc-wall-token-8c1f0d5e2b7a4c3e9f61";
  static final String ENGINEER_TOKEN = "engineer-alice-token-5d2e7c1a9b3f";
  static final String SUPPLIER_TOKEN = "supplier-quillon-token-e4b9a2c7d1f0";
  static final String REFUSED_TOKEN = "noc-gone-token-71c3a9e0b5d2f4";

  @TempDir static Path dir;
  Path pki;
  Controller c;
  HttpClient anonymous;
  HttpClient nocCert;
  HttpClient supplierCert;
  HttpClient refusedCert;

  static String policy(boolean anonymousRead) {
    return """
    tokens:
      noc:wall: %s
      engineer:alice: %s
      supplier:quillon-carrier: %s
      noc:gone: %s
    refused:
      - noc:gone
      - noc:lost-laptop
    http:
      anonymousRead: %s
    """
        .formatted(
            AccessPolicy.sha256(NOC_TOKEN),
            AccessPolicy.sha256(ENGINEER_TOKEN),
            AccessPolicy.sha256(SUPPLIER_TOKEN),
            AccessPolicy.sha256(REFUSED_TOKEN),
            anonymousRead);
  }

  @BeforeAll
  void start() throws Exception {
    pki = dir.resolve("pki");
    Pki ca = Pki.init(pki, "Wayleave test", Duration.ofDays(1), Clock.systemUTC());
    ca.issue(
        new Identity(Identity.Role.CONTROLLER, "ctl-1"),
        List.of("localhost"),
        List.of(InetAddress.getByName("127.0.0.1")),
        Duration.ofDays(1),
        pki);
    for (Identity id :
        List.of(
            new Identity(Identity.Role.NOC, "desk"),
            new Identity(Identity.Role.SUPPLIER, "quillon-carrier"),
            new Identity(Identity.Role.NOC, "lost-laptop"))) {
      ca.issue(id, List.of(), List.of(), Duration.ofDays(1), pki);
    }
    c = start(dir.resolve("data"), false);
    anonymous = client(null);
    nocCert = client(new Identity(Identity.Role.NOC, "desk"));
    supplierCert = client(new Identity(Identity.Role.SUPPLIER, "quillon-carrier"));
    refusedCert = client(new Identity(Identity.Role.NOC, "lost-laptop"));
  }

  Controller start(Path data, boolean anonymousRead) throws Exception {
    Controller ctl =
        Controller.start(
            new ControllerConfig(data, "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withSecurity(
                    TlsFiles.in(pki, new Identity(Identity.Role.CONTROLLER, "ctl-1")),
                    AccessPolicy.parse(policy(anonymousRead), "test policy")));
    ctl.state().apply(Op.upserts(Seeds.exampleCircuits("london"), "examples"), "test", "examples");
    return ctl;
  }

  @AfterAll
  void stop() {
    if (c != null) {
      c.close();
    }
  }

  /** A client trusting the test CA, presenting {@code id}'s certificate when it is not null. */
  HttpClient client(Identity id) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pki.readCertificate(pki.resolve(Pki.CA_CERT)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (id != null) {
      TlsFiles files = TlsFiles.in(pki, id);
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "me",
          Pki.readKey(files.key()),
          new char[0],
          new Certificate[] {Pki.readCertificate(files.certificate())});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
  }

  URI uri(Controller ctl, String path) {
    return URI.create("https://127.0.0.1:" + ctl.httpPort() + path);
  }

  HttpResponse<String> send(HttpClient client, HttpRequest.Builder b) throws Exception {
    return client.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(c, path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(client, b);
  }

  HttpResponse<String> post(HttpClient client, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(c, path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json");
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(client, b);
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  static String ackPath(String alarmId) {
    return "/api/v1/alarms/" + URLEncoder.encode(alarmId, StandardCharsets.UTF_8) + "/ack";
  }

  /** A circuit of {@code council}, set DOWN as the reconciler would: its alarm's id. */
  String down(Controller ctl, String council) {
    Circuit circuit =
        ctl.state().cache().list(Kind.CIRCUIT).stream()
            .filter(x -> x.getSpec().getCouncil().equals(council))
            .findFirst()
            .orElseThrow();
    String id = circuit.getId();
    CircuitStatus st =
        CircuitStatus.newBuilder()
            .setPhase(CircuitPhase.CIRCUIT_PHASE_DOWN)
            .setLastError("link down")
            .setPhaseTransitionTime(
                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
            .build();
    ctl.store()
        .txn(
            Txn.builder(new Audit("test", "status"))
                .put(Kind.CIRCUIT_STATUS_PREFIX + id, st.toByteArray())
                .build());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                ctl.state().cache().circuitWithStatus(id).getStatus().getPhase()
                    == CircuitPhase.CIRCUIT_PHASE_DOWN);
    return "circuit/" + id + "/DOWN";
  }

  Alarms.Alarm alarm(Controller ctl, String id) {
    return new Alarms(
            ctl.state().cache(), new ObservedStateService(ctl.store()), null, Clock.systemUTC())
        .active().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
  }

  static JsonObject error(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    return new JsonObject(r.body()).getJsonObject("error");
  }

  /** The {@code name=value} of a Set-Cookie header, and the header itself. */
  static Map.Entry<String, String> cookie(HttpResponse<String> r) {
    String header =
        r.headers().allValues("set-cookie").stream()
            .filter(h -> h.startsWith(HttpAuth.SESSION_COOKIE + "="))
            .findFirst()
            .orElseThrow(
                () ->
                    new AssertionError(
                        "no " + HttpAuth.SESSION_COOKIE + " cookie set: " + r.headers().map()));
    return Map.entry(header.substring(0, header.indexOf(';')), header);
  }

  @Test
  void aWriteWithoutAnEngineerOrNocCallerIsRefusedAndChangesNothing() throws Exception {
    String id = down(c, "camden");
    long revision = c.store().revision();

    HttpResponse<String> none = post(anonymous, ackPath(id), "{\"by\":\"mallory\"}");
    assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
    assertThat(error(none).getString("code")).isEqualTo("UNAUTHENTICATED");
    assertThat(error(none).getString("message"))
        .contains("client certificate")
        .contains("Bearer")
        .contains("/api/v1/session");
    assertThat(none.headers().firstValue("www-authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));

    HttpResponse<String> supplier =
        post(anonymous, ackPath(id), "{}", "Authorization", bearer(SUPPLIER_TOKEN));
    assertThat(supplier.statusCode()).as(supplier.body()).isEqualTo(403);
    assertThat(error(supplier).getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(error(supplier).getString("message"))
        .contains("supplier:quillon-carrier")
        .contains("gRPC");

    HttpResponse<String> supplierByCert = post(supplierCert, ackPath(id), "{}");
    assertThat(supplierByCert.statusCode()).as(supplierByCert.body()).isEqualTo(403);

    HttpResponse<String> refused =
        post(anonymous, ackPath(id), "{}", "Authorization", bearer(REFUSED_TOKEN));
    assertThat(refused.statusCode())
        .as("a token whose principal the policy refuses")
        .isEqualTo(401);
    assertThat(refused.body()).doesNotContain(REFUSED_TOKEN);

    HttpResponse<String> unknown =
        post(anonymous, ackPath(id), "{}", "Authorization", bearer("not-a-token-anyone-holds"));
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(unknown.body())
        .as("errors never echo a token")
        .doesNotContain("not-a-token-anyone-holds");

    HttpResponse<String> basic =
        post(anonymous, ackPath(id), "{}", "Authorization", "Basic bm9jOndhbGw=");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(error(basic).getString("message")).contains("Bearer").doesNotContain("bm9jOndhbGw=");

    HttpResponse<String> refusedCertificate = post(refusedCert, ackPath(id), "{}");
    assertThat(refusedCertificate.statusCode()).as(refusedCertificate.body()).isEqualTo(403);
    assertThat(error(refusedCertificate).getString("message"))
        .contains("noc:lost-laptop")
        .contains("refused");

    assertThat(c.store().revision()).as("nothing was written").isEqualTo(revision);
    assertThat(alarm(c, id).acknowledged()).isFalse();
  }

  @Test
  void aNocTokenAcknowledgesAsItsPrincipalWhateverTheBodySays() throws Exception {
    String id = down(c, "islington");
    HttpResponse<String> ack =
        post(
            anonymous,
            ackPath(id),
            "{\"by\":\"somebody-else\"}",
            "Authorization",
            bearer(NOC_TOKEN));
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(new JsonObject(ack.body()).getString("acknowledgedBy")).isEqualTo("noc:wall");
    assertThat(alarm(c, id).acknowledgedBy()).isEqualTo("noc:wall");
    List<AuditRecord> audit = c.store().audit(ObservedStateService.ALARM_ACK_PREFIX + id, 0, 10);
    assertThat(audit).extracting(AuditRecord::principal).containsExactly("noc:wall");

    String other = down(c, "hackney");
    HttpResponse<String> engineer =
        post(anonymous, ackPath(other), "", "Authorization", bearer(ENGINEER_TOKEN));
    assertThat(engineer.statusCode()).as(engineer.body()).isEqualTo(200);
    assertThat(new JsonObject(engineer.body()).getString("acknowledgedBy"))
        .isEqualTo("engineer:alice");
  }

  @Test
  void aNocClientCertificateAcknowledgesAsItsIdentity() throws Exception {
    String id = down(c, "lambeth");
    HttpResponse<String> ack = post(nocCert, ackPath(id), "{}");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(new JsonObject(ack.body()).getString("acknowledgedBy")).isEqualTo("noc:desk");
    JsonObject who = new JsonObject(get(nocCert, "/api/v1/session").body());
    assertThat(who.getString("via")).isEqualTo("certificate");
    assertThat(who.getString("principal")).isEqualTo("noc:desk");
    assertThat(who.getBoolean("signedIn")).isTrue();
  }

  @Test
  void readsNeedACallerUnlessAnonymousReadingIsOn() throws Exception {
    for (String path :
        List.of(
            "/api/v1/summary",
            "/api/v1/alarms",
            "/api/v1/circuits/LPSN-CAM-0001",
            "/metrics",
            "/api/v1/events",
            "/api/v1/nothing-here")) {
      HttpResponse<String> r = get(anonymous, path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(error(r).getString("message")).as(path).contains("Bearer");
    }
    assertThat(get(anonymous, "/api/v1/summary", "Authorization", bearer(NOC_TOKEN)).statusCode())
        .isEqualTo(200);
    assertThat(get(anonymous, "/metrics", "Authorization", bearer(ENGINEER_TOKEN)).statusCode())
        .isEqualTo(200);
    assertThat(get(nocCert, "/api/v1/alarms").statusCode()).isEqualTo(200);
    assertThat(
            get(anonymous, "/api/v1/summary", "Authorization", bearer(SUPPLIER_TOKEN)).statusCode())
        .isEqualTo(403);
    assertThat(
            get(anonymous, "/api/v1/summary", "Authorization", bearer(REFUSED_TOKEN)).statusCode())
        .isEqualTo(401);
    // Always open: health, readiness and the dashboard's files, which carry no data.
    assertThat(get(anonymous, "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(anonymous, "/readyz").statusCode()).isEqualTo(200);
    HttpResponse<String> page = get(anonymous, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Wayleave NOC");
    assertThat(get(anonymous, "/js/app.js").statusCode()).isEqualTo(200);
    JsonObject who = new JsonObject(get(anonymous, "/api/v1/session").body());
    assertThat(who.getBoolean("signedIn")).isFalse();
    assertThat(who.getBoolean("canRead")).isFalse();
    assertThat(who.getBoolean("tls")).isTrue();
  }

  @Test
  void withAnonymousReadingAnyoneReadsButWritesStillNeedACaller(@TempDir Path other)
      throws Exception {
    try (Controller open = start(other.resolve("data"), true)) {
      String id = down(open, "camden");
      for (String path : List.of("/api/v1/summary", "/api/v1/alarms", "/metrics")) {
        HttpResponse<String> r = send(anonymous, HttpRequest.newBuilder(uri(open, path)));
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }
      HttpResponse<String> ack =
          send(
              anonymous,
              HttpRequest.newBuilder(uri(open, ackPath(id)))
                  .POST(HttpRequest.BodyPublishers.noBody()));
      assertThat(ack.statusCode()).isEqualTo(401);
      assertThat(alarm(open, id).acknowledged()).isFalse();
      JsonObject who =
          new JsonObject(
              send(anonymous, HttpRequest.newBuilder(uri(open, "/api/v1/session"))).body());
      assertThat(who.getBoolean("canRead")).isTrue();
      assertThat(who.getBoolean("canWrite")).isFalse();
    }
  }

  @Test
  void aSessionSignsInWithATokenAcknowledgesAndSignsOut() throws Exception {
    String id = down(c, "southwark");
    String[] dashboard = {HttpAuth.CSRF_HEADER, "wayleave-dashboard"};

    HttpResponse<String> wrong =
        post(anonymous, "/api/v1/session", "{\"token\":\"guess-123\"}", dashboard);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("guess-123");
    assertThat(wrong.headers().allValues("set-cookie"))
        .as("no session for a wrong token")
        .isEmpty();
    assertThat(
            post(anonymous, "/api/v1/session", "{\"token\":\"" + SUPPLIER_TOKEN + "\"}", dashboard)
                .statusCode())
        .as("a supplier may not sign in to the dashboard")
        .isEqualTo(403);
    assertThat(post(anonymous, "/api/v1/session", "{\"token\":\"" + NOC_TOKEN + "\"}").statusCode())
        .as("signing in without the dashboard's header")
        .isEqualTo(403);

    HttpResponse<String> signIn =
        post(anonymous, "/api/v1/session", "{\"token\":\"" + NOC_TOKEN + "\"}", dashboard);
    assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(200);
    assertThat(signIn.body()).doesNotContain(NOC_TOKEN);
    JsonObject who = new JsonObject(signIn.body());
    assertThat(who.getString("principal")).isEqualTo("noc:wall");
    assertThat(who.getString("via")).isEqualTo("session");
    Map.Entry<String, String> cookie = cookie(signIn);
    assertThat(cookie.getValue())
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .containsIgnoringCase("Secure")
        .doesNotContain(NOC_TOKEN);
    String session = cookie.getKey();

    assertThat(
            new JsonObject(get(anonymous, "/api/v1/session", "Cookie", session).body())
                .getString("principal"))
        .isEqualTo("noc:wall");
    assertThat(get(anonymous, "/api/v1/alarms", "Cookie", session).statusCode()).isEqualTo(200);

    long revision = c.store().revision();
    HttpResponse<String> noHeader = post(anonymous, ackPath(id), "{}", "Cookie", session);
    assertThat(noHeader.statusCode())
        .as("a cookie write without the dashboard's header")
        .isEqualTo(403);
    assertThat(error(noHeader).getString("message")).contains(HttpAuth.CSRF_HEADER);
    HttpResponse<String> foreign =
        post(
            anonymous,
            ackPath(id),
            "{}",
            "Cookie",
            session,
            HttpAuth.CSRF_HEADER,
            "x",
            "Origin",
            "https://evil.example");
    assertThat(foreign.statusCode()).as("a cookie write from another origin").isEqualTo(403);
    assertThat(error(foreign).getString("message")).contains("Origin");
    HttpResponse<String> otherPort =
        post(
            anonymous,
            ackPath(id),
            "{}",
            "Cookie",
            session,
            HttpAuth.CSRF_HEADER,
            "x",
            "Origin",
            "https://127.0.0.1:1");
    assertThat(otherPort.statusCode()).as("same host, another port").isEqualTo(403);
    HttpResponse<String> crossSite =
        post(
            anonymous,
            ackPath(id),
            "{}",
            "Cookie",
            session,
            HttpAuth.CSRF_HEADER,
            "x",
            "Sec-Fetch-Site",
            "cross-site");
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(c.store().revision()).isEqualTo(revision);
    assertThat(alarm(c, id).acknowledged()).isFalse();

    HttpResponse<String> ack =
        post(
            anonymous,
            ackPath(id),
            "{\"by\":\"someone\"}",
            "Cookie",
            session,
            HttpAuth.CSRF_HEADER,
            "wayleave-dashboard",
            "Origin",
            "https://127.0.0.1:" + c.httpPort());
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    assertThat(new JsonObject(ack.body()).getString("acknowledgedBy")).isEqualTo("noc:wall");

    HttpResponse<String> out =
        send(
            anonymous,
            HttpRequest.newBuilder(uri(c, "/api/v1/session"))
                .DELETE()
                .header("Cookie", session)
                .header(HttpAuth.CSRF_HEADER, "wayleave-dashboard"));
    assertThat(out.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(out.body()).getBoolean("signedIn")).isFalse();
    assertThat(cookie(out).getValue())
        .as("the cookie is cleared")
        .containsIgnoringCase("Max-Age=0");
    HttpResponse<String> after = get(anonymous, "/api/v1/alarms", "Cookie", session);
    assertThat(after.statusCode()).as("the session ended with signing out").isEqualTo(401);
    assertThat(error(after).getString("message")).contains("session has ended");
  }

  @Test
  void anInsecureControllerLetsAnybodyInButATokenStillNamesTheCaller(@TempDir Path other)
      throws Exception {
    try (Controller open =
        Controller.start(
            new ControllerConfig(other, "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withSecurity(null, AccessPolicy.parse(policy(false), "test policy")))) {
      open.state()
          .apply(Op.upserts(Seeds.exampleCircuits("london"), "examples"), "test", "examples");
      HttpClient plain = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + open.httpPort());
      assertThat(
              plain
                  .send(
                      HttpRequest.newBuilder(base.resolve("/api/v1/summary")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      String id = down(open, "camden");
      HttpResponse<String> ack =
          plain.send(
              HttpRequest.newBuilder(base.resolve(ackPath(id)))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .header("Authorization", bearer(NOC_TOKEN))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
      assertThat(new JsonObject(ack.body()).getString("acknowledgedBy")).isEqualTo("noc:wall");
      HttpResponse<String> supplier =
          plain.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/summary"))
                  .header("Authorization", bearer(SUPPLIER_TOKEN))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(supplier.statusCode()).isEqualTo(403);
      JsonObject who =
          new JsonObject(
              plain
                  .send(
                      HttpRequest.newBuilder(base.resolve("/api/v1/session")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(who.getString("via")).isEqualTo("insecure");
      assertThat(who.getString("principal")).isEqualTo("insecure@127.0.0.1");
      assertThat(who.getBoolean("signedIn")).isFalse();
      assertThat(who.getBoolean("canWrite")).isTrue();
      HttpResponse<String> signIn =
          plain.send(
              HttpRequest.newBuilder(base.resolve("/api/v1/session"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + NOC_TOKEN + "\"}"))
                  .header(HttpAuth.CSRF_HEADER, "x")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).isEqualTo(200);
      assertThat(cookie(signIn).getValue())
          .as("no Secure flag over plaintext")
          .doesNotContainIgnoringCase("Secure");
    }
  }
}
