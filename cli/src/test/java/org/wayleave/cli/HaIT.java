package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.wayleave.api.v1.AuditEntry;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.cli.ControllerCrashIT.Acked;
import org.wayleave.cli.ControllerCrashIT.Target;

/**
 * The compose file's topology as processes (three etcd members, two controllers, simulated London
 * with an agent per router; see {@link ComposeTopology}): the leader is SIGKILLed again and again
 * under continuous writes through whichever controller answers, and every acknowledged write is
 * there afterwards; a new leader takes over and pushes within a bound each time; agents already in
 * sync are not pushed to; a leader paused past its lease is replaced and, resumed, writes nothing
 * in its old term; etcd losing one member changes nothing, losing quorum refuses writes with
 * UNAVAILABLE naming etcd while reads still answer, and quorum back resumes everything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaIT {
  static final int KILLS = 10;
  static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);
  static final int MAX_CREATES_PER_WRITER = 4_000;
  static final List<String> CONTROLLERS = List.of("controller-1", "controller-2");

  Path tmp;
  ComposeTopology topology;
  final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  HttpClient https;
  final ObjectMapper json = new ObjectMapper();
  final Map<String, Acked> acked = new ConcurrentHashMap<>();
  final Set<String> inDoubt = ConcurrentHashMap.newKeySet();

  /** When each acknowledgement came ({@link System#nanoTime()}), for the failover figures. */
  final ConcurrentSkipListSet<Long> ackTimes = new ConcurrentSkipListSet<>();

  final AtomicInteger round = new AtomicInteger();
  final List<Target> targets = ControllerCrashIT.londonTargets();
  final AtomicInteger next = new AtomicInteger();

  @BeforeAll
  void up() throws Exception {
    tmp = Files.createTempDirectory("wayleave-ha-");
    Path repo = Path.of(System.getProperty("user.dir")).getParent();
    assertThat(repo.resolve("docker-compose.yml")).exists();
    topology = new ComposeTopology(repo, tmp, "-Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    topology.up(Set.of("prometheus"));
    Path pki = topology.volume("pki");
    TlsFiles engineer =
        new TlsFiles(
            pki.resolve("engineer-admin.crt"),
            pki.resolve("engineer-admin.key"),
            pki.resolve(Pki.CA_CERT));
    for (String c : CONTROLLERS) {
      channels.put(
          c,
          NettyChannelBuilder.forAddress(
                  topology.flag(c, "--bind"),
                  Integer.parseInt(topology.flag(c, "--grpc-port")),
                  engineer.channelCredentials())
              .build());
    }
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pki.readCertificate(pki.resolve(Pki.CA_CERT)));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
    awaitOneLeader();
    awaitAgentsSettled();
  }

  @AfterAll
  void down() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    if (topology != null) {
      topology.close();
    }
    if (tmp != null) {
      try (var walk = Files.walk(tmp)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("[HaIT] could not delete " + tmp + ": " + e);
      }
    }
  }

  // ------------------------------------------------------------------ what the services say

  JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        https.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = json.readTree(r.body());
    ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("http_status", r.statusCode());
    return body;
  }

  String http(String controller) {
    return "https://"
        + topology.flag(controller, "--bind")
        + ":"
        + topology.flag(controller, "--http-port");
  }

  /** {@code GET /leader} of a running controller, or null if it does not answer. */
  JsonNode leader(String controller) {
    try {
      return get(http(controller) + "/leader");
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  boolean leads(String controller) {
    JsonNode l = leader(controller);
    return l != null && l.path("leading").asBoolean();
  }

  JsonNode simStats() throws IOException, InterruptedException {
    String url =
        "http://"
            + topology.flag("simulator", "--bind")
            + ":"
            + topology.flag("simulator", "--http-port")
            + "/stats";
    return json.readTree(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** The one controller that leads, once exactly one does. */
  String awaitOneLeader() {
    await("exactly one leader")
        .atMost(FAILOVER_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> CONTROLLERS.stream().filter(this::leads).count() == 1);
    return CONTROLLERS.stream().filter(this::leads).findFirst().orElseThrow();
  }

  /** Every router's agent holds a session (with the leader: followers refuse them). */
  void awaitAgentsSettled() {
    await("every agent connected to the leader")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode s = simStats();
              return s.path("connected").asInt() == s.path("routers").asInt();
            });
  }

  // ------------------------------------------------------------------ writers

  /** Creates circuits through {@code first}, moving to the other controller when it fails. */
  Thread writer(String first, AtomicBoolean stop, int number) {
    Thread t =
        new Thread(
            () -> {
              int at = CONTROLLERS.indexOf(first);
              for (int i = 0; i < MAX_CREATES_PER_WRITER && !stop.get(); i++) {
                int n = next.incrementAndGet();
                Target target = targets.get(n % targets.size());
                String id = String.format("HA-%06d", n);
                Circuit c = ControllerCrashIT.circuit(id, target, round.get(), number);
                try {
                  Circuit made =
                      CircuitServiceGrpc.newBlockingStub(channels.get(CONTROLLERS.get(at)))
                          .withDeadlineAfter(5, TimeUnit.SECONDS)
                          .createCircuit(c);
                  ackTimes.add(System.nanoTime());
                  acked.put(
                      id, new Acked(id, target, made.getSpec().getAEnd().getCTag(), round.get()));
                } catch (StatusRuntimeException e) {
                  inDoubt.add(id);
                  at = 1 - at;
                  sleep(100);
                }
                sleep(40);
              }
            },
            "ha-writer-" + number);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long percentile(List<Long> values, double p) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void everyAcknowledgedWriteSurvivesTenLeaderKills() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers =
        List.of(writer("controller-1", stop, 1), writer("controller-2", stop, 2));
    List<Long> leadMs = new ArrayList<>();
    List<Long> writeMs = new ArrayList<>();
    List<Long> pushMs = new ArrayList<>();
    try {
      for (int k = 1; k <= KILLS; k++) {
        round.set(k);
        String leader = awaitOneLeader();
        String survivor = CONTROLLERS.get(1 - CONTROLLERS.indexOf(leader));
        long termBefore = leader(leader).path("term").asLong();
        JsonNode before = simStats();
        await().atMost(Duration.ofSeconds(10)).until(() -> !ackTimes.isEmpty());
        long t0 = System.nanoTime();
        topology.service(leader).kill();
        await("controller " + survivor + " to lead after kill " + k)
            .atMost(FAILOVER_BOUND)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> leads(survivor));
        leadMs.add((System.nanoTime() - t0) / 1_000_000);
        assertThat(leader(survivor).path("term").asLong()).isGreaterThan(termBefore);
        await("an acknowledged write after kill " + k)
            .atMost(FAILOVER_BOUND)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> ackTimes.higher(t0) != null);
        writeMs.add((ackTimes.higher(t0) - t0) / 1_000_000);
        long pushesBefore = before.path("pushes_received").asLong();
        await("a push from the new leader after kill " + k)
            .atMost(FAILOVER_BOUND)
            .pollInterval(Duration.ofMillis(20))
            .until(() -> simStats().path("pushes_received").asLong() > pushesBefore);
        pushMs.add((System.nanoTime() - t0) / 1_000_000);

        topology.service(leader).start();
        awaitAgentsSettled();
        JsonNode after = simStats();
        assertThat(after.path("pushes_redundant").asLong())
            .as("pushes that changed nothing on an agent already in sync, kill %d", k)
            .isEqualTo(before.path("pushes_redundant").asLong());
        System.out.printf(
            "[HaIT] kill %d of %s: %s leads after %d ms, first write acknowledged after %d ms,"
                + " first push after %d ms; %d acknowledged, %d in doubt%n",
            k,
            leader,
            survivor,
            leadMs.get(k - 1),
            writeMs.get(k - 1),
            pushMs.get(k - 1),
            acked.size(),
            inDoubt.size());
      }
    } finally {
      stop.set(true);
      for (Thread w : writers) {
        w.join(30_000);
      }
    }
    System.out.printf(
        "[HaIT] failover over %d kills: new leader p50 %d ms max %d ms; first write p50 %d ms max"
            + " %d ms; first push p50 %d ms max %d ms%n",
        KILLS,
        percentile(leadMs, 0.5),
        percentile(leadMs, 1.0),
        percentile(writeMs, 0.5),
        percentile(writeMs, 1.0),
        percentile(pushMs, 0.5),
        percentile(pushMs, 1.0));
    assertThat(acked).hasSizeGreaterThan(KILLS * 5);
    for (String c : CONTROLLERS) {
      ControllerCrashIT.verify(
          channels.get(c),
          "HA-",
          acked,
          inDoubt,
          "[HaIT] through " + c,
          () -> topology.service(c).tail(40));
    }
  }

  @Test
  @Order(2)
  void aLeaderPausedPastItsLeaseIsReplacedAndWritesNothingInItsOldTerm() throws Exception {
    String paused = awaitOneLeader();
    String other = CONTROLLERS.get(1 - CONTROLLERS.indexOf(paused));
    long oldTerm = leader(paused).path("term").asLong();
    long logFrom = Files.size(topology.service(paused).log);
    topology.service(paused).signal("STOP");
    try {
      await("controller " + other + " to lead while " + paused + " is stopped")
          .atMost(FAILOVER_BOUND)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> leads(other));
      // The agents leave the stopped controller (keepalive) for the new leader.
      awaitAgentsSettled();
      round.set(100);
      AtomicBoolean stop = new AtomicBoolean();
      Thread w = writer(other, stop, 3);
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() > 0);
      long takeover = newestRevision(other);
      topology.service(paused).signal("CONT");
      // Resumed, it finds its lease gone and steps down; it does not lead again meanwhile.
      await("controller " + paused + " to step down once resumed")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> leader(paused) != null && !leads(paused));
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> leads(other) && !leads(paused));
      stop.set(true);
      w.join(30_000);
      List<AuditEntry> since = historyAfter(other, takeover);
      assertThat(since)
          .as("status writes in the paused leader's term %d after the takeover", oldTerm)
          .noneMatch(e -> e.getAction().endsWith(" in term " + oldTerm));
      String log = topology.service(paused).logSince(logFrom);
      long refused = log.lines().filter(l -> l.contains("not written: refused")).count();
      System.out.printf(
          "[HaIT] paused %s (term %d): %s took over; after SIGCONT %d status writes refused, %d"
              + " pushes refused by agents; %d audit entries since, none in term %d%n",
          paused,
          oldTerm,
          other,
          refused,
          simStats().path("pushes_refused").asLong(),
          since.size(),
          oldTerm);
    } finally {
      topology.service(paused).signal("CONT");
    }
  }

  long newestRevision(String controller) {
    return CircuitServiceGrpc.newBlockingStub(channels.get(controller))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .history(HistoryRequest.newBuilder().setLimit(1).build())
        .getEntries(0)
        .getRevision();
  }

  List<AuditEntry> historyAfter(String controller, long revision) {
    List<AuditEntry> out = new ArrayList<>();
    long before = 0;
    while (true) {
      var page =
          CircuitServiceGrpc.newBlockingStub(channels.get(controller))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .history(
                  HistoryRequest.newBuilder().setLimit(1000).setBeforeRevision(before).build());
      for (AuditEntry e : page.getEntriesList()) {
        if (e.getRevision() <= revision) {
          return out;
        }
        out.add(e);
        before = e.getRevision();
      }
      if (page.getEntriesCount() == 0) {
        return out;
      }
    }
  }

  @Test
  @Order(3)
  void etcdLosingAMemberThenQuorumThenGettingItBack() throws Exception {
    round.set(200);
    String leader = awaitOneLeader();
    // One member of three gone: both controllers keep writing.
    topology.service("etcd-3").kill();
    for (String c : CONTROLLERS) {
      createThrough(c, 3);
      awaitReady(c);
    }
    // Quorum gone: writes refused with UNAVAILABLE naming etcd; reads still answer from the cache.
    topology.service("etcd-2").kill();
    String anyAcked = acked.keySet().iterator().next();
    for (String c : CONTROLLERS) {
      StatusRuntimeException refused = null;
      try {
        CircuitServiceGrpc.newBlockingStub(channels.get(c))
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .createCircuit(
                ControllerCrashIT.circuit("HA-NOQUORUM-" + c, targets.get(0), round.get(), 0));
      } catch (StatusRuntimeException e) {
        refused = e;
      }
      assertThat(refused).as("a write through %s without quorum", c).isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(refused.getStatus().getDescription()).contains("etcd");
      // The store is probed in the background every 500 ms: /readyz says so at its next probe.
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                JsonNode ready = get(http(c) + "/readyz");
                assertThat(ready.path("http_status").asInt()).isEqualTo(503);
                assertThat(ready.path("checks").path("store").asText())
                    .startsWith("failing: ")
                    .contains("etcd");
              });
      assertThat(
              CircuitServiceGrpc.newBlockingStub(channels.get(c))
                  .withDeadlineAfter(10, TimeUnit.SECONDS)
                  .getCircuit(org.wayleave.api.v1.GetRequest.newBuilder().setId(anyAcked).build())
                  .getId())
          .isEqualTo(anyAcked);
    }
    inDoubt.add("HA-NOQUORUM-controller-1");
    inDoubt.add("HA-NOQUORUM-controller-2");
    // Quorum back: a leader again, agents back with it, writes through both, nothing lost.
    topology.service("etcd-2").start();
    topology.service("etcd-3").start();
    awaitOneLeader();
    awaitAgentsSettled();
    for (String c : CONTROLLERS) {
      await("writes through " + c + " once quorum is back")
          .atMost(FAILOVER_BOUND)
          .ignoreExceptions()
          .until(
              () -> {
                createThrough(c, 1);
                return true;
              });
      awaitReady(c);
    }
    System.out.printf("[HaIT] etcd faults: %s led before; writes resumed after quorum%n", leader);
    ControllerCrashIT.verify(
        channels.get("controller-1"),
        "HA-",
        acked,
        inDoubt,
        "[HaIT] after etcd faults",
        () -> topology.service("controller-1").tail(40));
  }

  void awaitReady(String controller) throws Exception {
    JsonNode[] last = new JsonNode[1];
    try {
      await("/readyz of " + controller)
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  (last[0] = get(http(controller) + "/readyz")).path("http_status").asInt() == 200);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(controller + " not ready: " + last[0], e);
    }
  }

  void createThrough(String controller, int count) {
    for (int i = 0; i < count; i++) {
      int n = next.incrementAndGet();
      Target target = targets.get(n % targets.size());
      String id = String.format("HA-%06d", n);
      inDoubt.add(id);
      Circuit made =
          CircuitServiceGrpc.newBlockingStub(channels.get(controller))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .createCircuit(ControllerCrashIT.circuit(id, target, round.get(), 0));
      inDoubt.remove(id);
      acked.put(id, new Acked(id, target, made.getSpec().getAEnd().getCTag(), round.get()));
    }
  }
}
