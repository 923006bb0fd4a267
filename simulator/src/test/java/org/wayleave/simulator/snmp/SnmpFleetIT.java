package org.wayleave.simulator.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;

/** Simulated routers answering an snmp4j manager in the same JVM over loopback. */
class SnmpFleetIT {
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
  static final OID IF_TABLE = new OID("1.3.6.1.2.1.2.2.1");
  static final OID IF_X_TABLE = new OID("1.3.6.1.2.1.31.1.1.1");

  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  <T extends AutoCloseable> T closeLater(T c) {
    closing.add(0, c);
    return c;
  }

  static SimRouter router(String id) {
    SimRouter r = new SimRouter(id, List.of("ge-0/0/0", "ge-0/0/1", "ge-0/0/2"));
    for (int i = 0; i < 3; i++) {
      String port = "ge-0/0/" + (1 + i % 2);
      r.addForeign(
          SubInterface.newBuilder()
              .setName(port + "." + (100 + i))
              .setPort(port)
              .setCTag(100 + i)
              .setAlias("LPSN-FLT-000" + i)
              .setBandwidthMbps(100)
              .setAdminUp(true)
              .build());
    }
    return r;
  }

  SnmpFleet.Binding serve(String id, SnmpEndpoint endpoint) {
    SnmpFleet fleet = closeLater(SnmpFleet.start(Map.of(router(id), endpoint)));
    return fleet.binding(id);
  }

  static SnmpEndpoint v2c(String community) {
    return SnmpEndpoint.v2c("127.0.0.1", 0, community);
  }

  static SnmpEndpoint v3() {
    return SnmpEndpoint.v3("127.0.0.1", 0, "wayleave", "auth-passphrase-1", "priv-passphrase-1");
  }

  @Test
  void v2cAnswersGetGetNextAndGetBulk() {
    SnmpFleet.Binding b = serve("rtr-v2c-01", v2c("s3cret-community"));
    SnmpTestClient client = closeLater(new SnmpTestClient());
    PDU get = client.get(b, SYS_NAME, new OID("1.3.6.1.2.1.2.2.1.2.4"));
    assertThat(get.getErrorStatus()).isEqualTo(PDU.noError);
    assertThat(get.get(0).getVariable().toString()).isEqualTo("rtr-v2c-01");
    assertThat(get.get(1).getVariable().toString()).isEqualTo("ge-0/0/1.100");
    PDU next = client.next(b, new OID("1.3.6.1.2.1.31.1.1.1.18.5"));
    assertThat(next.get(0).getOid()).isEqualTo(new OID("1.3.6.1.2.1.31.1.1.1.18.6"));
    assertThat(next.get(0).getVariable().toString())
        .isEqualTo("LPSN-FLT-0001"); // ge-0/0/2.101, first seen after the ge-0/0/1 ones
    List<VariableBinding> walk = client.bulkWalk(b, IF_X_TABLE);
    assertThat(walk).hasSize(5 * 6);
    assertThat(walk)
        .extracting(vb -> vb.getOid().toDottedString())
        .isEqualTo(
            b.mib().view().walk(IF_X_TABLE).stream()
                .map(vb -> vb.getOid().toDottedString())
                .toList());
  }

  @Test
  void aWrongCommunityGetsNoAnswerAtAll() {
    SnmpFleet.Binding b = serve("rtr-v2c-02", v2c("right-community"));
    SnmpTestClient client = closeLater(new SnmpTestClient());
    PDU wrong =
        client.send(
            b.address(), v2c("wrong-community"), SnmpTestClient.pdu(v2c("x"), PDU.GET, SYS_NAME));
    assertThat(wrong).isNull();
    assertThat(client.get(b, SYS_NAME)).isNotNull();
  }

  @Test
  void v3AuthPrivWithSha256AndAes128Works() {
    SnmpFleet.Binding b = serve("rtr-v3-01", v3());
    SnmpTestClient client = closeLater(new SnmpTestClient());
    PDU get = client.get(b, SYS_NAME);
    assertThat(get).isNotNull();
    assertThat(get.getType()).isEqualTo(PDU.RESPONSE);
    assertThat(get.get(0).getVariable().toString()).isEqualTo("rtr-v3-01");
    assertThat(client.bulkWalk(b, IF_TABLE)).hasSize(11 * 6);
  }

  @Test
  void anOldRouterWithSha1AndDesWorksToo() {
    SnmpEndpoint old =
        SnmpEndpoint.v3(
            "127.0.0.1",
            0,
            "legacy",
            SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA1,
            "auth-passphrase-2",
            SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_DES,
            "priv-passphrase-2");
    SnmpFleet.Binding b = serve("rtr-v3-02", old);
    SnmpTestClient client = closeLater(new SnmpTestClient());
    assertThat(client.get(b, SYS_NAME).get(0).getVariable().toString()).isEqualTo("rtr-v3-02");
    SnmpEndpoint strong =
        SnmpEndpoint.v3(
            "127.0.0.1",
            0,
            "strong",
            SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA512,
            "auth-passphrase-3",
            SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES256,
            "priv-passphrase-3");
    SnmpFleet.Binding s = serve("rtr-v3-03", strong);
    assertThat(client.get(s, SYS_NAME).get(0).getVariable().toString()).isEqualTo("rtr-v3-03");
  }

  @Test
  void aWrongPassphraseGetsNoData() {
    SnmpFleet.Binding b = serve("rtr-v3-04", v3());
    SnmpTestClient client = closeLater(new SnmpTestClient());
    SnmpEndpoint wrongAuth =
        SnmpEndpoint.v3("127.0.0.1", 0, "wayleave", "not-the-auth-passphrase", "priv-passphrase-1");
    SnmpEndpoint wrongPriv =
        SnmpEndpoint.v3("127.0.0.1", 0, "wayleave", "auth-passphrase-1", "not-the-priv-passphrase");
    SnmpEndpoint wrongUser =
        SnmpEndpoint.v3("127.0.0.1", 0, "intruder", "auth-passphrase-1", "priv-passphrase-1");
    for (SnmpEndpoint wrong : List.of(wrongAuth, wrongPriv, wrongUser)) {
      PDU answer = client.send(b.address(), wrong, SnmpTestClient.pdu(wrong, PDU.GET, SYS_NAME));
      assertThat(answer == null || answer.getType() == PDU.REPORT)
          .as("%s gets no response, at most a report: %s", wrong, answer)
          .isTrue();
    }
    assertThat(client.get(b, SYS_NAME).get(0).getVariable().toString()).isEqualTo("rtr-v3-04");
  }

  @Test
  void v3RequestsBelowAuthPrivAreRefused() {
    SnmpFleet.Binding b = serve("rtr-v3-06", v3());
    SnmpTestClient client = closeLater(new SnmpTestClient());
    PDU answer =
        client.send(
            b.address(),
            b.endpoint(),
            SnmpTestClient.pdu(b.endpoint(), PDU.GET, SYS_NAME),
            SecurityLevel.AUTH_NOPRIV);
    assertThat(answer).isNotNull();
    assertThat(answer.getErrorStatus()).isEqualTo(PDU.authorizationError);
    assertThat(
            answer.get(0).getVariable().isException()
                || answer.get(0).getVariable() instanceof Null)
        .isTrue();
  }

  @Test
  void aRebootedV3RouterBootsItsEngineAgainAndStillAnswers() {
    SnmpFleet.Binding b = serve("rtr-v3-07", v3());
    SnmpTestClient client = closeLater(new SnmpTestClient());
    assertThat(client.get(b, SYS_NAME)).isNotNull();
    b.mib().reboot();
    PDU after = client.get(b, SYS_NAME, new OID("1.3.6.1.2.1.1.3.0"));
    assertThat(after).as("the manager resynchronises with the rebooted engine").isNotNull();
    assertThat(after.getType()).isEqualTo(PDU.RESPONSE);
    assertThat(after.get(1).getVariable().toLong()).isLessThan(100);
    assertThat(b.mib().boots()).isEqualTo(2);
  }

  @Test
  void aSilentRouterAnswersNothingUntilItSpeaksAgain() {
    SnmpFleet.Binding b = serve("rtr-silent-01", v2c("public-ish"));
    SnmpTestClient client = closeLater(new SnmpTestClient());
    b.mib().setSilent(true);
    assertThat(client.get(b, SYS_NAME)).isNull();
    b.mib().setSilent(false);
    assertThat(client.get(b, SYS_NAME)).isNotNull();
  }

  @Test
  void aLossyRouterDropsItsShareOfRequests() {
    SnmpFleet.Binding b = serve("rtr-lossy-01", v2c("public-ish"));
    SnmpTestClient client = closeLater(new SnmpTestClient(0, 200));
    b.mib().setLossPercent(100);
    assertThat(client.get(b, SYS_NAME)).isNull();
    b.mib().setLossPercent(50);
    int answered = 0;
    for (int i = 0; i < 30; i++) {
      answered += client.get(b, SYS_NAME) == null ? 0 : 1;
    }
    assertThat(answered).isBetween(5, 25);
  }

  @Test
  void aGetBulkAnswerFitsTheRequestersMaximumMessageSize() {
    SnmpFleet.Binding b = serve("rtr-v3-05", v3());
    SnmpTestClient small = closeLater(new SnmpTestClient(600, SnmpTestClient.TIMEOUT_MILLIS));
    PDU answer =
        small.send(b.address(), b.endpoint(), SnmpTestClient.bulk(b.endpoint(), 0, 500, IF_TABLE));
    assertThat(answer).as("an answer that fits a 600-byte message").isNotNull();
    assertThat(answer.getErrorStatus()).isEqualTo(PDU.noError);
    assertThat(answer.size()).isPositive().isLessThan(66);
    assertThat(answer.getBERLength()).isLessThan(600);
  }

  @Test
  void hundredsOfRoutersShareOneSelectorThread() throws Exception {
    List<SnmpFleet.Member> members = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String host = "127.77." + (i / 250) + "." + (i % 250 + 1);
      members.add(
          new SnmpFleet.Member(
              RouterMib.of(router(String.format("rtr-many-%03d", i))),
              SnmpEndpoint.v2c(host, 0, "many")));
    }
    SnmpFleet fleet = closeLater(SnmpFleet.serve(members));
    assertThat(fleetThreads()).isEqualTo(1);
    SnmpTestClient client = closeLater(new SnmpTestClient());
    for (SnmpFleet.Binding b : fleet.bindings()) {
      PDU answer = client.get(b, SYS_NAME);
      assertThat(answer).as("%s at %s", b.deviceId(), b.address()).isNotNull();
      assertThat(answer.get(0).getVariable().toString()).isEqualTo(b.deviceId());
    }
    // The count grows just after each answer leaves.
    await().atMost(Duration.ofSeconds(5)).until(() -> fleet.stats().answered() == 500);
    assertThat(fleet.stats().received()).isEqualTo(500);
  }

  @Test
  void closeReleasesEverySocketAndTheThread() throws Exception {
    SnmpFleet fleet = SnmpFleet.start(Map.of(router("rtr-close-01"), v2c("c")));
    InetSocketAddress address = fleet.binding("rtr-close-01").address();
    fleet.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> fleetThreads() == 0);
    try (DatagramSocket again = new DatagramSocket(address)) {
      assertThat(again.getLocalPort()).isEqualTo(address.getPort());
    }
  }

  @Test
  void aBindFailureNamesTheDeviceTheAddressAndThePort() throws Exception {
    try (DatagramSocket taken =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      int port = taken.getLocalPort();
      SimRouter other = router("rtr-bind-02");
      assertThatThrownBy(
              () -> SnmpFleet.start(Map.of(other, SnmpEndpoint.v2c("127.0.0.1", port, "c"))))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rtr-bind-02")
          .hasMessageContaining("127.0.0.1:" + port);
    }
    assertThat(fleetThreads()).isZero();
  }

  static long fleetThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("wayleave-snmp-fleet") && t.isAlive())
        .count();
  }
}
