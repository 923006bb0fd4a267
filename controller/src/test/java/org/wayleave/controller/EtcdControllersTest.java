package org.wayleave.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.etcd.EtcdServer;
import org.wayleave.controller.store.etcd.EtcdSettings;

/**
 * Several controllers on one etcd: one leads at a time and another takes over when it goes; writes
 * through any of them keep every rule, even when two race for the same VLAN on the same port; a
 * deposed leader's status writes are refused by etcd itself; a cluster that does not answer is
 * refused at start, naming etcd; TLS with a client certificate works and is required.
 */
class EtcdControllersTest {
  /** etcd's default of 128 operations per transaction is below London's 170 seed objects. */
  static final int MAX_TXN_OPS = 1024;

  static EtcdServer etcd;
  static int namespaces;

  @TempDir Path dir;
  final List<Controller> controllers = new ArrayList<>();
  String namespace;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start(null, List.of("--max-txn-ops=" + MAX_TXN_OPS));
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void stopControllers() {
    controllers.forEach(Controller::close);
  }

  EtcdSettings settings() {
    if (namespace == null) {
      namespace = "/test-" + (++namespaces) + "/";
    }
    return EtcdSettings.parse(etcd.endpoint().replace("http://", "etcd://") + namespace)
        .withMaxTxnOps(MAX_TXN_OPS);
  }

  Controller start(String name, List<String> seeds) throws Exception {
    ControllerConfig config =
        new ControllerConfig(dir.resolve(name), "127.0.0.1", 0, 0, 0, seeds, Clock.systemUTC())
            .withStore(settings(), name);
    Controller c = Controller.start(config);
    controllers.add(c);
    return c;
  }

  List<Controller> leaders() {
    return controllers.stream().filter(c -> c.leadership().leading()).toList();
  }

  static Circuit circuit(String id, int vlan) {
    return Circuit.newBuilder()
        .setId(id)
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil("camden")
                .setSupplier("quillon-carrier")
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(
                    Termination.newBuilder()
                        .setDevice("rtr-camden-01")
                        .setPort("ge-0/0/3")
                        .setCTag(vlan))
                .setCommittedMbps(10))
        .build();
  }

  static void create(Controller c, Circuit circuit) {
    c.state().apply(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit, "")), "test", "create");
  }

  @Test
  void oneControllerLeadsAndAnotherTakesOverWhenItStops() throws Exception {
    Controller a = start("ctl-a", List.of("london"));
    Controller b = start("ctl-b", List.of("london"));
    await().atMost(Duration.ofSeconds(20)).until(() -> leaders().size() == 1);
    Controller leader = leaders().get(0);
    Controller follower = leader == a ? b : a;
    long term = leader.leadership().term();
    // Both loaded the seed; the follower's load planned every object UNCHANGED or lost the race.
    assertThat(follower.state().cache().list(Kind.DEVICE))
        .hasSameSizeAs(leader.state().cache().list(Kind.DEVICE));
    // A write through the follower is served and seen by the leader's cache.
    create(follower, circuit("LPSN-CAM-7001", 3001));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> leader.state().cache().get(Kind.CIRCUIT, "LPSN-CAM-7001") != null);

    leader.close();
    controllers.remove(leader);
    await().atMost(Duration.ofSeconds(20)).until(() -> follower.leadership().leading());
    assertThat(follower.leadership().term()).isGreaterThan(term);
    // The new leader's status writer runs: the circuit leaves the implicit PENDING it was
    // created in (no agent is connected, so it is judged on that).
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                follower.state().cache().circuitWithStatus("LPSN-CAM-7001").getStatus().getPhase()
                    != CircuitPhase.CIRCUIT_PHASE_UNSPECIFIED);
  }

  @Test
  void twoControllersRacingForOneVlanOnOnePortNeverBothWin() throws Exception {
    Controller a = start("ctl-a", List.of("london"));
    Controller b = start("ctl-b", List.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> b.state().cache().get(Kind.DEVICE, "rtr-camden-01") != null);
    int rounds = 25;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < rounds; i++) {
        int vlan = 3100 + i;
        String round = Integer.toString(i);
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<Boolean> viaA =
            CompletableFuture.supplyAsync(
                () -> race(together, a, circuit("LPSN-CAM-A" + round, vlan)), pool);
        CompletableFuture<Boolean> viaB =
            CompletableFuture.supplyAsync(
                () -> race(together, b, circuit("LPSN-CAM-B" + round, vlan)), pool);
        assertThat(viaA.get(30, TimeUnit.SECONDS) ^ viaB.get(30, TimeUnit.SECONDS))
            .as("exactly one of the two creates of VLAN %d on rtr-camden-01 ge-0/0/3 wins", vlan)
            .isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    // What etcd holds, read afresh: every VLAN on that port exactly once.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.state().cache().revision() == a.store().revision());
    List<Integer> vlans =
        a.store().list(Kind.CIRCUIT.prefix()).kvs().stream()
            .map(kv -> Kind.CIRCUIT.parse(kv.key(), kv.value()))
            .filter(c -> c.getSpec().getAEnd().getPort().equals("ge-0/0/3"))
            .filter(c -> c.getSpec().getAEnd().getDevice().equals("rtr-camden-01"))
            .map(c -> c.getSpec().getAEnd().getCTag())
            .filter(v -> v >= 3100 && v < 3100 + rounds)
            .toList();
    assertThat(vlans).hasSize(rounds).doesNotHaveDuplicates();
  }

  static boolean race(CyclicBarrier together, Controller c, Circuit circuit) {
    try {
      together.await(10, TimeUnit.SECONDS);
      create(c, circuit);
      return true;
    } catch (ApiException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
      assertThat(refused.getMessage()).contains("" + circuit.getSpec().getAEnd().getCTag());
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aDeposedLeadersStatusWriteIsRefusedByEtcd() throws Exception {
    Controller a = start("ctl-a", List.of("london"));
    await().atMost(Duration.ofSeconds(20)).until(() -> a.leadership().leading());
    create(a, circuit("LPSN-CAM-7002", 3002));
    Fence claim = a.leadership().fence();
    assertThat(claim).isNotNull();
    Circuit c = a.state().cache().get(Kind.CIRCUIT, "LPSN-CAM-7002");
    ObservedStateService observed = new ObservedStateService(a.store(), () -> claim);
    CircuitStatus failed =
        CircuitStatus.newBuilder().setPhase(CircuitPhase.CIRCUIT_PHASE_FAILED).build();
    // While the claim holds in etcd, the fenced write goes through.
    assertThat(
            observed.writeStatuses(
                "rtr-camden-01", List.of(new ObservedStateService.StatusWrite(c, failed))))
        .isTrue();

    // Another party removes the leader key (as etcd does when the lease expires unseen).
    long before = a.store().revision();
    try (Client raw = Client.builder().endpoints(etcd.endpoint()).build()) {
      ByteSequence election =
          ByteSequence.from(namespace + "election/" + Controller.ELECTION, StandardCharsets.UTF_8);
      raw.getKVClient()
          .delete(election, io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
    }
    // The process still believes it leads (its lease is alive); etcd refuses the write.
    assertThat(claim.holds()).isTrue();
    assertThatThrownBy(
            () ->
                observed.writeStatuses(
                    "rtr-camden-01",
                    List.of(
                        new ObservedStateService.StatusWrite(
                            c,
                            CircuitStatus.newBuilder()
                                .setPhase(CircuitPhase.CIRCUIT_PHASE_ACTIVE)
                                .build()))))
        .isInstanceOf(NotLeaderException.class)
        .hasMessageContaining("term " + claim.term());
    List<AuditRecord> after =
        a.store().audit(Kind.ROOT, 0, 100).stream().filter(r -> r.revision() > before).toList();
    assertThat(after)
        .extracting(AuditRecord::principal)
        .doesNotContain(ObservedStateService.RECONCILER);
    // And the controller notices: it stops leading, then wins again in a later term.
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leadership().term() > claim.term());
  }

  @Test
  void aClusterThatDoesNotAnswerIsRefusedAtStartNamingEtcd() throws Exception {
    int closed;
    try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ControllerConfig config =
        ControllerConfig.forTest(dir.resolve("x"))
            .withStore(EtcdSettings.parse("etcd://127.0.0.1:" + closed), "ctl-x");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Controller.start(config))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("etcd at [http://127.0.0.1:" + closed + "] does not answer");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void tlsToEtcdWithAClientCertificate(@TempDir Path pkiDir) throws Exception {
    Pki pki = Pki.init(pkiDir, "Wayleave test", Duration.ofDays(1), Clock.systemUTC());
    var server =
        pki.issue(
            new Identity(Identity.Role.CONTROLLER, "etcd"),
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(1),
            pkiDir);
    var client =
        pki.issue(
            new Identity(Identity.Role.CONTROLLER, "ctl-tls"),
            List.of(),
            List.of(),
            Duration.ofDays(1),
            pkiDir);
    Path ca = pkiDir.resolve(Pki.CA_CERT);
    try (EtcdServer secure =
        EtcdServer.start(new EtcdServer.Tls(server.certificate(), server.key(), ca), List.of())) {
      EtcdSettings plain =
          EtcdSettings.parse(secure.endpoint().replace("https://", "etcd://")).withMaxTxnOps(128);
      ControllerConfig config =
          ControllerConfig.forTest(dir.resolve("tls"))
              .withStore(plain.withTls(ca, client.certificate(), client.key()), "ctl-tls");
      Controller c = Controller.start(config);
      controllers.add(c);
      await().atMost(Duration.ofSeconds(20)).until(() -> c.leadership().leading());
      long rev =
          c.store()
              .txn(
                  org.wayleave.controller.store.Txn.builder(
                          new org.wayleave.controller.store.Audit("test", "over TLS"))
                      .put("/test/tls", new byte[] {1})
                      .build())
              .revision();
      assertThat(c.store().get("/test/tls"))
          .get()
          .extracting(kv -> kv.modRevision())
          .isEqualTo(rev);

      // Without a client certificate etcd refuses the connection.
      ControllerConfig anonymous =
          ControllerConfig.forTest(dir.resolve("anon"))
              .withStore(plain.withTls(ca, null, null), "ctl-anon");
      assertThatThrownBy(() -> Controller.start(anonymous))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("does not answer");
    }
  }
}
