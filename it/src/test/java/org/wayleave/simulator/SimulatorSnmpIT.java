package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.snmp4j.util.DefaultPDUFactory;
import org.snmp4j.util.TreeEvent;
import org.snmp4j.util.TreeUtils;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Backoff;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.simulator.snmp.SnmpFleet;

/**
 * Controller and simulated London PSN in one JVM, every router answering SNMP v3 from its own
 * loopback address: circuits the controller provisions show up in IF-MIB with their circuit id as
 * ifAlias, and the fault API changes what SNMP shows.
 */
class SimulatorSnmpIT {
  static final String CAMDEN = "rtr-camden-01";
  static final OID IF_X_TABLE = new OID("1.3.6.1.2.1.31.1.1.1");

  @TempDir Path dir;
  Controller controller;
  Simulator sim;
  FaultApi api;
  Snmp snmp;
  DirectorySecretProvider secrets;
  HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    controller =
        Controller.start(
            new ControllerConfig(
                dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC()));
    secrets = new DirectorySecretProvider(dir.resolve("secrets"));
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    // Off the demo's port, so a running demo does not get in the way.
    List<SimDevice> devices =
        Scenarios.fromInventory(Seeds.withSnmpPort(Seeds.london(), freeUdpPort()), secrets);
    sim =
        Simulator.start(
            "127.0.0.1:" + controller.agentPort(),
            devices,
            Duration.ofSeconds(5),
            new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
    api = FaultApi.start(sim, "127.0.0.1", 0);
    SecurityProtocols protocols =
        new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
    byte[] engine = MPv3.createLocalEngineID();
    USM usm = new USM(protocols, new OctetString(engine), 0);
    usm.addUser(
        new UsmUser(
            new OctetString("wayleave"),
            AuthHMAC192SHA256.ID,
            new OctetString(secrets.resolve("snmp/" + CAMDEN + "/auth")),
            PrivAES128.ID,
            new OctetString(secrets.resolve("snmp/" + CAMDEN + "/priv"))));
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(
        new MPv3(
            engine,
            null,
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            CounterSupport.getInstance()));
    snmp = new Snmp(dispatcher, new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0")));
    snmp.listen();
  }

  @AfterEach
  void stop() throws IOException {
    snmp.close();
    api.close();
    sim.close();
    controller.close();
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.1.0.1"), 0))) {
      return s.getLocalPort();
    }
  }

  UserTarget<UdpAddress> camden() {
    InetSocketAddress a = sim.snmp(CAMDEN).address();
    UserTarget<UdpAddress> t = new UserTarget<>();
    t.setAddress(new UdpAddress(a.getAddress(), a.getPort()));
    t.setSecurityName(new OctetString("wayleave"));
    t.setSecurityLevel(SecurityLevel.AUTH_PRIV);
    t.setVersion(SnmpConstants.version3);
    t.setTimeout(2_000);
    t.setRetries(1);
    return t;
  }

  /** ifXTable of Camden's router, walked with GETBULK over v3 authPriv. */
  List<VariableBinding> walkIfXTable() {
    TreeUtils walker = new TreeUtils(snmp, new DefaultPDUFactory(PDU.GETBULK));
    List<VariableBinding> out = new ArrayList<>();
    for (TreeEvent e : walker.getSubtree(camden(), IF_X_TABLE)) {
      assertThat(e.isError()).as("walk error: %s", e.getErrorMessage()).isFalse();
      out.addAll(List.of(e.getVariableBindings()));
    }
    return out;
  }

  String column(List<VariableBinding> walk, int column, int ifIndex) {
    OID oid = new OID(IF_X_TABLE).append(column).append(ifIndex);
    return walk.stream()
        .filter(vb -> vb.getOid().equals(oid))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + oid))
        .getVariable()
        .toString();
  }

  int operStatus(int ifIndex) throws IOException {
    ScopedPDU pdu = new ScopedPDU();
    pdu.setType(PDU.GET);
    pdu.add(new VariableBinding(new OID("1.3.6.1.2.1.2.2.1.8." + ifIndex)));
    ResponseEvent<UdpAddress> e = snmp.send(pdu, camden());
    assertThat(e.getResponse()).as("Camden answers").isNotNull();
    return e.getResponse().get(0).getVariable().toInt();
  }

  @Test
  void provisionedCircuitsShowInIfMibWithTheirCircuitIdAsIfAlias() {
    List<String> ids = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = String.format("LPSN-SNMP-%04d", i);
      ids.add(id);
      ops.add(
          Op.write(
              Op.Mode.CREATE,
              Kind.CIRCUIT,
              Circuit.newBuilder()
                  .setId(id)
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil("camden")
                          .setSupplier("wayfarer-networks")
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice(CAMDEN)
                                  .setPort("ge-0/0/" + (1 + i)))
                          .setCommittedMbps(10L * (i + 1)))
                  .build(),
              "resources[" + i + "]"));
    }
    controller.state().apply(ops, "test", "three Camden circuits");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sim.router(CAMDEN).config().getSubInterfacesCount() == 3);

    List<VariableBinding> walk = walkIfXTable();
    for (var s : sim.router(CAMDEN).config().getSubInterfacesList()) {
      int ifIndex =
          walk.stream()
              .filter(
                  vb ->
                      vb.getOid().startsWith(new OID(IF_X_TABLE).append(1))
                          && vb.getVariable().toString().equals(s.getName()))
              .findFirst()
              .orElseThrow()
              .getOid()
              .last();
      assertThat(column(walk, 18, ifIndex)).isEqualTo(s.getAlias()).startsWith("LPSN-SNMP-");
      assertThat(column(walk, 15, ifIndex)).isEqualTo(Long.toString(s.getBandwidthMbps()));
    }
    assertThat(
            walk.stream()
                .filter(vb -> vb.getOid().startsWith(new OID(IF_X_TABLE).append(18)))
                .map(vb -> vb.getVariable().toString()))
        .containsAll(ids);
  }

  @Test
  void theFaultApiChangesWhatSnmpShows() throws Exception {
    sim.router(CAMDEN)
        .addForeign(
            SubInterface.newBuilder()
                .setName("ge-0/0/3.777")
                .setPort("ge-0/0/3")
                .setCTag(777)
                .setAlias("foreign")
                .setBandwidthMbps(10)
                .setAdminUp(true)
                .build());
    int ifIndex = sim.snmp(CAMDEN).mib().view().row("ge-0/0/3").orElseThrow().ifIndex();
    assertThat(operStatus(ifIndex)).isEqualTo(1);

    HttpResponse<String> down =
        post("/devices/" + CAMDEN + "/snmp/link?interface=" + enc("ge-0/0/3") + "&up=false");
    assertThat(down.statusCode()).as(down.body()).isEqualTo(200);
    assertThat(operStatus(ifIndex)).isEqualTo(2);
    assertThat(post("/devices/" + CAMDEN + "/snmp/clear").statusCode()).isEqualTo(200);
    assertThat(operStatus(ifIndex)).isEqualTo(1);

    assertThat(
            post("/devices/"
                    + CAMDEN
                    + "/snmp/congest?interface="
                    + enc("ge-0/0/3")
                    + "&percent=120")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            post("/devices/"
                    + CAMDEN
                    + "/snmp/errors?interface="
                    + enc("ge-0/0/3")
                    + "&per_second=5&seconds=60")
                .statusCode())
        .isEqualTo(200);
    assertThat(
            post("/devices/"
                    + CAMDEN
                    + "/snmp/flap?interface="
                    + enc("ge-0/0/1")
                    + "&period_ms=500")
                .statusCode())
        .isEqualTo(200);
    assertThat(post("/devices/" + CAMDEN + "/snmp/loss?percent=10").statusCode()).isEqualTo(200);
    assertThat(post("/devices/" + CAMDEN + "/snmp/ifxtable?on=false").statusCode()).isEqualTo(200);
    assertThat(post("/devices/" + CAMDEN + "/snmp/reboot").statusCode()).isEqualTo(200);
    assertThat(sim.snmp(CAMDEN).mib().boots()).isEqualTo(2);
    assertThat(sim.snmp(CAMDEN).mib().activeFaults()).hasSize(5);
    assertThat(post("/devices/" + CAMDEN + "/snmp/silence?on=true").statusCode()).isEqualTo(200);
    assertThat(sim.snmp(CAMDEN).mib().silent()).isTrue();
    assertThat(post("/devices/" + CAMDEN + "/snmp/clear").statusCode()).isEqualTo(200);
    assertThat(sim.snmp(CAMDEN).mib().activeFaults()).isEmpty();

    assertError(
        post("/devices/" + CAMDEN + "/snmp/link?interface=" + enc("ge-9/9/9") + "&up=false"),
        404,
        "interface");
    assertError(
        post("/devices/" + CAMDEN + "/snmp/link?interface=" + enc("ge-0/0/3") + "&up=maybe"),
        400,
        "up");
    assertError(post("/devices/" + CAMDEN + "/snmp/link?up=true"), 400, "interface");
    assertError(post("/devices/" + CAMDEN + "/snmp/loss?percent=101"), 400, "percent");
    assertError(
        post("/devices/" + CAMDEN + "/snmp/flap?interface=" + enc("ge-0/0/3") + "&period_ms=soon"),
        400,
        "period_ms");
    assertError(
        post("/devices/" + CAMDEN + "/snmp/errors?interface=" + enc("ge-0/0/3") + "&per_second=5"),
        400,
        "seconds");
    assertError(post("/devices/rtr-atlantis-01/snmp/reboot"), 404, "device");
  }

  @Test
  void devicesShowTheirSnmpEndpointButNeverASecret() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/devices"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray devices = new JsonArray(r.body());
    assertThat(devices).hasSize(33);
    JsonObject camden =
        devices.stream()
            .map(JsonObject.class::cast)
            .filter(d -> d.getString("id").equals(CAMDEN))
            .findFirst()
            .orElseThrow();
    SnmpFleet.Binding b = sim.snmp(CAMDEN);
    assertThat(camden.getJsonObject("snmp").getString("address"))
        .isEqualTo(b.endpoint().host() + ":" + b.address().getPort());
    assertThat(camden.getJsonObject("snmp").getString("version")).isEqualTo("v3");
    for (String ref : Seeds.secretRefs(Seeds.london())) {
      assertThat(r.body()).doesNotContain(secrets.resolve(ref));
    }
  }

  @Test
  void closingTheSimulatorReleasesEverySnmpSocket() throws Exception {
    List<InetSocketAddress> bound =
        sim.deviceIds().stream().map(id -> sim.snmp(id).address()).toList();
    assertThat(bound).hasSize(33);
    sim.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("wayleave-snmp-fleet") && t.isAlive()));
    for (InetSocketAddress a : bound) {
      try (DatagramSocket again = new DatagramSocket(a)) {
        assertThat(again.getLocalSocketAddress()).isEqualTo(a);
      }
    }
  }

  HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void assertError(HttpResponse<String> r, int status, String parameter) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).startsWith(parameter + ":");
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
