package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.HistoryResponse;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.ResourceRef;
import org.wayleave.api.v1.RollbackRequest;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.base.pki.Pki;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;

/**
 * Both gRPC ports over real TLS on loopback: who gets in, what each role may do, and that one
 * supplier learns nothing of another's circuits and councils on any northbound RPC.
 */
class SecurityIT {
  static final String A = "quillon-carrier"; // serves camden among others
  static final String B = "fernhollow-fibre"; // serves bromley among others, not camden
  static final String A_CIRCUIT = "QUILLON-CARRIER-0001";
  static final String B_CIRCUIT = "FERNHOLLOW-FIBRE-0001";
  static final String MISSING_CIRCUIT = "NO-SUCH-CIRCUIT-0001";

  @TempDir static Path dir;
  static SecureController fixture;
  static Pki pki;
  static Controller controller;
  static String bSite;
  static String bPool;

  @BeforeAll
  static void start() throws Exception {
    // Suppliers unlimited here (the every-RPC loop is quick); the noc role at 4 calls a second
    // (bursts of 20),
    // which noc:wall stays well under; mallory is refused outright.
    AccessPolicy policy =
        AccessPolicy.parse(
            """
            refused: [engineer:mallory]
            rateLimits: {supplier: 0, noc: 4}
            maxWatchesPerPrincipal: 2
            """,
            "test policy");
    fixture =
        SecureController.start(
            dir,
            policy,
            List.of(
                id(Role.ENGINEER, "alice"),
                id(Role.NOC, "wall"),
                id(Role.SUPPLIER, A),
                id(Role.SUPPLIER, B),
                id(Role.AGENT, "rtr-camden-01"),
                id(Role.AGENT, "rtr-bromley-01"),
                id(Role.ENGINEER, "mallory"),
                id(Role.NOC, "hammer")));
    pki = fixture.pki();
    controller = fixture.controller();
    controller
        .state()
        .apply(
            List.of(
                Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit(A_CIRCUIT, "camden", A), ""),
                Op.write(Op.Mode.CREATE, Kind.CIRCUIT, circuit(B_CIRCUIT, "bromley", B), "")),
            "test",
            "circuits of two suppliers");
    bSite =
        controller.state().cache().list(Kind.SITE).stream()
            .filter(s -> s.getCouncil().equals("bromley"))
            .findFirst()
            .orElseThrow()
            .getId();
    bPool =
        controller.state().cache().list(Kind.VLAN_POOL).stream()
            .filter(p -> p.getDevice().equals("rtr-bromley-01"))
            .findFirst()
            .orElseThrow()
            .getId();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  /** The revision of the newest audited change. */
  static long lastAudited() {
    return controller.store().audit(Kind.ROOT, 0, 1).get(0).revision();
  }

  /** Audited changes after {@code revision} made by anyone but the controller itself. */
  static List<String> changesByCallers(long revision) {
    return changesBy(p -> !p.startsWith("system:"), revision);
  }

  /**
   * Audited changes after {@code revision} made by {@code principal} (the reconciler audits its
   * own, so not all of them).
   */
  static List<String> changesBy(String principal, long revision) {
    return changesBy(principal::equals, revision);
  }

  static List<String> changesBy(Predicate<String> principal, long revision) {
    return controller.store().audit(Kind.ROOT, 0, 1000).stream()
        .filter(r -> r.revision() > revision && principal.test(r.principal()))
        .map(r -> r.principal() + " " + r.action())
        .toList();
  }

  static Identity id(Role r, String name) {
    return new Identity(r, name);
  }

  static Circuit circuit(String id, String council, String supplier) {
    return Circuit.newBuilder()
        .setId(id)
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil(council)
                .setSupplier(supplier)
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(
                    Termination.newBuilder()
                        .setDevice("rtr-" + council + "-01")
                        .setPort("ge-0/0/1"))
                .setCommittedMbps(10)
                .setAdminState(AdminState.ADMIN_STATE_ENABLED))
        .build();
  }

  static ChannelCredentials as(Identity id) throws IOException {
    return fixture.as(id);
  }

  static ManagedChannel channel(int port, ChannelCredentials creds) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port, creds)
        .overrideAuthority("localhost")
        .build();
  }

  static <T> T close(ManagedChannel ch, T t) throws InterruptedException {
    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    return t;
  }

  // ------------------------------------------------------------------ who gets in

  /**
   * The credentials that must not get in: none, another CA's, expired, refused by policy,
   * plaintext.
   */
  static Map<String, ChannelCredentials> badCredentials() throws Exception {
    Path pkiDir = dir.resolve("pki");
    Map<String, ChannelCredentials> bad = new LinkedHashMap<>();
    bad.put(
        "no client certificate",
        TlsChannelCredentials.newBuilder()
            .trustManager(pkiDir.resolve(Pki.CA_CERT).toFile())
            .build());
    Pki other =
        Pki.load(
            dir.resolve("other-ca").toFile().exists() ? dir.resolve("other-ca") : initOther(),
            Clock.systemUTC());
    other.issue(
        id(Role.ENGINEER, "alice"),
        List.of(),
        List.of(),
        Duration.ofDays(1),
        dir.resolve("other-ca"));
    bad.put(
        "a certificate from another CA",
        TlsChannelCredentials.newBuilder()
            .keyManager(
                dir.resolve("other-ca/engineer-alice.crt").toFile(),
                dir.resolve("other-ca/engineer-alice.key").toFile())
            .trustManager(pkiDir.resolve(Pki.CA_CERT).toFile())
            .build());
    Path expired = dir.resolve("expired");
    Files.createDirectories(expired);
    Instant now = Instant.now();
    pki.issue(
        id(Role.ENGINEER, "alice"),
        List.of(),
        List.of(),
        now.minus(Duration.ofDays(10)),
        now.minus(Duration.ofDays(1)),
        expired);
    bad.put(
        "an expired certificate",
        TlsChannelCredentials.newBuilder()
            .keyManager(
                expired.resolve("engineer-alice.crt").toFile(),
                expired.resolve("engineer-alice.key").toFile())
            .trustManager(pkiDir.resolve(Pki.CA_CERT).toFile())
            .build());
    return bad;
  }

  static Path initOther() throws IOException {
    Pki.init(dir.resolve("other-ca"), "Someone else", Duration.ofDays(30), Clock.systemUTC());
    return dir.resolve("other-ca");
  }

  @Test
  void bothPortsRefuseMissingForeignAndExpiredCertificatesAndPlaintext() throws Exception {
    long revision = lastAudited();
    Map<String, ChannelCredentials> bad = badCredentials();
    bad.put("plaintext", InsecureChannelCredentials.create());
    for (var e : bad.entrySet()) {
      ManagedChannel nb = channel(controller.grpcPort(), e.getValue());
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  InventoryServiceGrpc.newBlockingStub(nb)
                      .withDeadlineAfter(20, TimeUnit.SECONDS)
                      .listCouncils(ListRequest.getDefaultInstance()));
      close(nb, null);
      assertThat(refused).as("northbound with %s", e.getKey()).isNotNull();
      assertThat(refused.getStatus().getCode())
          .as("northbound with %s: %s", e.getKey(), refused.getStatus())
          .isEqualTo(Status.Code.UNAVAILABLE);

      AgentStream s = AgentStream.open(controller.agentPort(), e.getValue());
      s.hello("rtr-camden-01");
      Throwable t = s.error();
      s.close();
      assertThat(t).as("agent port with %s", e.getKey()).isInstanceOf(StatusRuntimeException.class);
      assertThat(Status.fromThrowable(t).getCode())
          .as("agent port with %s: %s", e.getKey(), Status.fromThrowable(t))
          .isEqualTo(Status.Code.UNAVAILABLE);
    }
    assertThat(controller.agents().connected("rtr-camden-01")).isFalse();

    // A certificate from the CA that the policy refuses gets in over TLS but is turned away at
    // once.
    ManagedChannel mallory = channel(controller.grpcPort(), as(id(Role.ENGINEER, "mallory")));
    StatusRuntimeException refused =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                InventoryServiceGrpc.newBlockingStub(mallory)
                    .listCouncils(ListRequest.getDefaultInstance()));
    close(mallory, null);
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getStatus().getDescription()).contains("engineer:mallory", "refused");
    assertThat(changesByCallers(revision)).isEmpty();

    // And the right certificate does get in.
    ManagedChannel alice = channel(controller.grpcPort(), as(id(Role.ENGINEER, "alice")));
    assertThat(
            close(
                alice,
                InventoryServiceGrpc.newBlockingStub(alice)
                    .listCouncils(ListRequest.getDefaultInstance())
                    .getCouncilsCount()))
        .isEqualTo(33);
  }

  /** One agent stream: what the controller sent, and how it ended. */
  static final class AgentStream implements AutoCloseable {
    final ManagedChannel channel;
    final BlockingQueue<Object> in = new LinkedBlockingQueue<>();
    final StreamObserver<AgentMessage> out;

    private AgentStream(ManagedChannel channel) {
      this.channel = channel;
      this.out =
          AgentServiceGrpc.newStub(channel)
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ControllerMessage m) {
                      in.add(m);
                    }

                    @Override
                    public void onError(Throwable t) {
                      in.add(t);
                    }

                    @Override
                    public void onCompleted() {
                      in.add("completed");
                    }
                  });
    }

    static AgentStream open(int port, ChannelCredentials creds) {
      return new AgentStream(channel(port, creds));
    }

    void hello(String device) {
      out.onNext(
          AgentMessage.newBuilder()
              .setHello(Hello.newBuilder().setDeviceId(device).setAgentVersion("test"))
              .build());
    }

    /**
     * The error that ended the stream (messages before it skipped), or null if none within 20 s.
     */
    Throwable error() throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (Object o = in.poll(20, TimeUnit.SECONDS);
          o != null;
          o = in.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        if (o instanceof Throwable t) {
          return t;
        }
      }
      return null;
    }

    /** The first message the controller sent, or null if it ended first. */
    ControllerMessage firstMessage() throws InterruptedException {
      Object o = in.poll(20, TimeUnit.SECONDS);
      return o instanceof ControllerMessage m ? m : null;
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anAgentSpeaksOnlyForTheDeviceItsCertificateNames() throws Exception {
    try (AgentStream impostor =
        AgentStream.open(controller.agentPort(), as(id(Role.AGENT, "rtr-camden-01")))) {
      impostor.hello("rtr-bromley-01");
      Throwable t = impostor.error();
      assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(Status.fromThrowable(t).getDescription())
          .contains("speaks for device 'rtr-camden-01', not 'rtr-bromley-01'");
      // The stream is over: a Report for bromley after the refused Hello goes nowhere.
      assertThat(controller.agents().connected("rtr-bromley-01")).isFalse();
    }
    try (AgentStream engineer =
        AgentStream.open(controller.agentPort(), as(id(Role.ENGINEER, "alice")))) {
      engineer.hello("rtr-bromley-01");
      Throwable t = engineer.error();
      assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(Status.fromThrowable(t).getDescription())
          .contains("engineer:alice is not an agent certificate");
    }
    try (AgentStream own =
        AgentStream.open(controller.agentPort(), as(id(Role.AGENT, "rtr-bromley-01")))) {
      own.hello("rtr-bromley-01");
      assertThat(own.firstMessage())
          .as("the controller answers its own device's Hello")
          .isNotNull();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> controller.agents().connected("rtr-bromley-01"));
      // A Report on this session is about bromley and nothing else: it has no device field to lie
      // with.
      assertThat(Report.getDescriptor().findFieldByName("device_id")).isNull();
    }
  }

  // ------------------------------------------------------------------ roles

  @SuppressWarnings("unchecked")
  static Object call(ManagedChannel ch, MethodDescriptor<?, ?> md, Message request) {
    MethodDescriptor<Message, Message> m = (MethodDescriptor<Message, Message>) md;
    CallOptions opts = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    if (md.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
      List<Message> got = new ArrayList<>();
      Iterator<Message> it =
          ClientCalls.blockingServerStreamingCall(
              ch, m, opts.withDeadlineAfter(3, TimeUnit.SECONDS), request);
      try {
        while (it.hasNext()) {
          got.add(it.next());
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED) {
          throw e;
        }
      }
      return got;
    }
    return ClientCalls.blockingUnaryCall(ch, m, opts, request);
  }

  static Message prototype(MethodDescriptor<?, ?> md) {
    return (Message)
        ((MethodDescriptor.PrototypeMarshaller<?>) md.getRequestMarshaller()).getMessagePrototype();
  }

  @Test
  void theNocReadsButCannotWriteAnything() throws Exception {
    long revision = lastAudited();
    ManagedChannel noc = channel(controller.grpcPort(), as(id(Role.NOC, "wall")));
    Set<String> writes = new TreeSet<>();
    try {
      for (MethodDescriptor<?, ?> md : RawCalls.northboundMethods()) {
        if (Principals.isRead(md.getBareMethodName())) {
          continue;
        }
        writes.add(md.getBareMethodName());
        Message req = prototype(md);
        if (req instanceof ApplyRequest) {
          req =
              ApplyRequest.newBuilder()
                  .addResources(
                      Resource.newBuilder().setCircuit(circuit("LPSN-NOC-0001", "camden", A)))
                  .build();
        } else if (req instanceof Circuit) {
          req = circuit(A_CIRCUIT, "camden", A);
        } else if (req instanceof DeleteRequest) {
          req = DeleteRequest.newBuilder().setId(A_CIRCUIT).build();
        }
        Message r = req;
        StatusRuntimeException e =
            catchThrowableOfType(StatusRuntimeException.class, () -> call(noc, md, r));
        assertThat(e).as("noc calling %s", md.getFullMethodName()).isNotNull();
        assertThat(e.getStatus().getCode())
            .as("noc calling %s: %s", md.getFullMethodName(), e.getStatus())
            .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription())
            .contains("noc:wall may not call " + md.getFullMethodName());
      }
      assertThat(writes)
          .contains(
              "Apply",
              "Plan",
              "Rollback",
              "CreateCircuit",
              "DeleteCircuit",
              "UpdateDevice",
              "CreateCouncil");
      assertThat(changesBy("noc:wall", revision)).isEmpty();
      // Reads work, and see everything.
      var circuits =
          CircuitServiceGrpc.newBlockingStub(noc)
              .listCircuits(ListCircuitsRequest.getDefaultInstance());
      assertThat(circuits.getCircuitsList())
          .extracting(Circuit::getId)
          .contains(A_CIRCUIT, B_CIRCUIT);
    } finally {
      close(noc, null);
    }
  }

  @Test
  void aPrincipalHoldsAtMostItsShareOfWatchStreams() throws Exception {
    ManagedChannel noc = channel(controller.grpcPort(), as(id(Role.NOC, "wall")));
    try {
      List<ClientCall<WatchRequest, WatchEvent>> open = new ArrayList<>();
      BlockingQueue<Status> ended = new LinkedBlockingQueue<>();
      for (int i = 0; i < 3; i++) {
        var c = noc.newCall(CircuitServiceGrpc.getWatchMethod(), CallOptions.DEFAULT);
        ClientCalls.asyncServerStreamingCall(
            c,
            WatchRequest.newBuilder().setFromRevision(controller.store().revision()).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(WatchEvent value) {}

              @Override
              public void onError(Throwable t) {
                ended.add(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.add(Status.OK);
              }
            });
        open.add(c);
        if (i < 2) {
          Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> controller.northboundOpenWatches("noc:wall") == open.size());
        }
      }
      Status third = ended.poll(20, TimeUnit.SECONDS);
      assertThat(third.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(third.getDescription()).contains("noc:wall already has 2 Watch streams open");
      open.get(0).cancel("done", null);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> controller.northboundOpenWatches("noc:wall") == 1);
      open.get(1).cancel("done", null);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> controller.northboundOpenWatches("noc:wall") == 0);
    } finally {
      close(noc, null);
    }
  }

  @Test
  void aPrincipalOverItsRateLimitIsToldToWaitAndOthersAreNot() throws Exception {
    ManagedChannel hammer = channel(controller.grpcPort(), as(id(Role.NOC, "hammer")));
    ManagedChannel wall = channel(controller.grpcPort(), as(id(Role.NOC, "wall")));
    try {
      var stub = InventoryServiceGrpc.newBlockingStub(hammer);
      int ok = 0;
      StatusRuntimeException limited = null;
      long start = System.nanoTime();
      for (int i = 0; i < 200 && limited == null; i++) {
        try {
          stub.getCouncil(GetRequest.newBuilder().setId("camden").build());
          ok++;
        } catch (StatusRuntimeException e) {
          limited = e;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(limited).as("200 calls as fast as they go").isNotNull();
      assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(limited.getStatus().getDescription())
          .contains("noc:hammer is over its rate limit of 4 calls a second; retry in");
      // The burst (5 s' worth) and what refilled meanwhile, no more.
      assertThat(ok)
          .isGreaterThanOrEqualTo(19)
          .isLessThanOrEqualTo(20 + (int) Math.ceil(seconds * 4));
      // Buckets are per principal: the wall's calls still go through.
      assertThat(
              InventoryServiceGrpc.newBlockingStub(wall)
                  .getCouncil(GetRequest.newBuilder().setId("camden").build())
                  .getId())
          .isEqualTo("camden");
    } finally {
      close(hammer, null);
      close(wall, null);
    }
  }

  // ------------------------------------------------------------------ tenancy

  /**
   * For each northbound method, what supplier A sends about B's object and about one that does not
   * exist; both answers must be the same (with the id told apart). {@code target} is the object
   * named.
   */
  record Probe(Function<String, Message> request, String bTarget, String missingTarget) {}

  static Map<String, Probe> probes() {
    Map<String, Probe> p = new LinkedHashMap<>();
    Function<String, Message> get = id -> GetRequest.newBuilder().setId(id).build();
    Function<String, Message> del = id -> DeleteRequest.newBuilder().setId(id).build();
    // Inventory: B's council, its supplier record, a site, router and pool of B's council.
    p.put(
        "CreateCouncil",
        new Probe(
            id -> Council.newBuilder().setId(id).setName("x").build(), "bromley", "atlantis"));
    p.put("GetCouncil", new Probe(get, "bromley", "atlantis"));
    p.put(
        "UpdateCouncil",
        new Probe(
            id -> Council.newBuilder().setId(id).setName("x").build(), "bromley", "atlantis"));
    p.put("DeleteCouncil", new Probe(del, "bromley", "atlantis"));
    p.put(
        "CreateSupplier",
        new Probe(
            id -> Supplier.newBuilder().setId(id).setName("x").build(), B, "no-such-carrier"));
    p.put("GetSupplier", new Probe(get, B, "no-such-carrier"));
    p.put(
        "UpdateSupplier",
        new Probe(
            id -> Supplier.newBuilder().setId(id).setName("x").build(), B, "no-such-carrier"));
    p.put("DeleteSupplier", new Probe(del, B, "no-such-carrier"));
    p.put(
        "CreateSite",
        new Probe(
            id -> Site.newBuilder().setId(id).setCouncil("bromley").build(),
            bSite,
            "no-such-site"));
    p.put("GetSite", new Probe(get, bSite, "no-such-site"));
    p.put(
        "UpdateSite",
        new Probe(
            id -> Site.newBuilder().setId(id).setCouncil("bromley").build(),
            bSite,
            "no-such-site"));
    p.put("DeleteSite", new Probe(del, bSite, "no-such-site"));
    p.put(
        "CreateDevice",
        new Probe(
            id -> Device.newBuilder().setId(id).setSite(bSite).build(),
            "rtr-bromley-01",
            "rtr-atlantis-01"));
    p.put("GetDevice", new Probe(get, "rtr-bromley-01", "rtr-atlantis-01"));
    p.put(
        "UpdateDevice",
        new Probe(
            id -> Device.newBuilder().setId(id).setSite(bSite).build(),
            "rtr-bromley-01",
            "rtr-atlantis-01"));
    p.put("DeleteDevice", new Probe(del, "rtr-bromley-01", "rtr-atlantis-01"));
    p.put(
        "CreateVlanPool",
        new Probe(
            id -> VlanPool.newBuilder().setId(id).setDevice("rtr-bromley-01").build(),
            bPool,
            "no-such-pool"));
    p.put("GetVlanPool", new Probe(get, bPool, "no-such-pool"));
    p.put(
        "UpdateVlanPool",
        new Probe(
            id -> VlanPool.newBuilder().setId(id).setDevice("rtr-bromley-01").build(),
            bPool,
            "no-such-pool"));
    p.put("DeleteVlanPool", new Probe(del, bPool, "no-such-pool"));
    // Circuits: B's circuit by id, and a circuit in B's council.
    p.put(
        "CreateCircuit",
        new Probe(c -> circuit("QUILLON-CARRIER-0002", c, A), "bromley", "atlantis"));
    p.put("GetCircuit", new Probe(get, B_CIRCUIT, MISSING_CIRCUIT));
    p.put("UpdateCircuit", new Probe(id -> circuit(id, "bromley", B), B_CIRCUIT, MISSING_CIRCUIT));
    p.put("DeleteCircuit", new Probe(del, B_CIRCUIT, MISSING_CIRCUIT));
    p.put(
        "Plan",
        new Probe(
            id ->
                ApplyRequest.newBuilder()
                    .addResources(Resource.newBuilder().setCircuit(circuit(id, "bromley", B)))
                    .addDeletes(
                        ResourceRef.newBuilder()
                            .setKind(ResourceKind.RESOURCE_KIND_CIRCUIT)
                            .setId(id))
                    .build(),
            B_CIRCUIT,
            MISSING_CIRCUIT));
    p.put(
        "Apply",
        new Probe(
            id ->
                ApplyRequest.newBuilder()
                    .addResources(Resource.newBuilder().setCircuit(circuit(id, "bromley", B)))
                    .build(),
            B_CIRCUIT,
            MISSING_CIRCUIT));
    p.put(
        "Rollback",
        new Probe(
            id -> RollbackRequest.newBuilder().setToRevision(1).build(),
            B_CIRCUIT,
            MISSING_CIRCUIT));
    p.put(
        "History",
        new Probe(
            id ->
                HistoryRequest.newBuilder()
                    .setRef(
                        ResourceRef.newBuilder()
                            .setKind(ResourceKind.RESOURCE_KIND_CIRCUIT)
                            .setId(id))
                    .build(),
            B_CIRCUIT,
            MISSING_CIRCUIT));
    p.put(
        "ListCircuits",
        new Probe(
            c -> ListCircuitsRequest.newBuilder().setCouncil(c).build(), "bromley", "atlantis"));
    p.put(
        "Watch",
        new Probe(
            c -> WatchRequest.newBuilder().setFromRevision(1).setCouncil(c).build(),
            "bromley",
            "atlantis"));
    for (String kind : List.of("Councils", "Suppliers", "Sites", "Devices", "VlanPools")) {
      // Lists take no id: compared below by what they hold.
      p.put("List" + kind, new Probe(x -> ListRequest.getDefaultInstance(), "", ""));
    }
    p.put(
        "GetLinkState",
        new Probe(
            id ->
                GetLinkStateRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setCircuit(id))
                    .build(),
            B_CIRCUIT,
            MISSING_CIRCUIT));
    p.put(
        "GetRateHistory",
        new Probe(
            c ->
                GetRateHistoryRequest.newBuilder()
                    .setScope(TelemetryScope.newBuilder().setCouncil(c))
                    .build(),
            "bromley",
            "atlantis"));
    return p;
  }

  /** What a call answered, with {@code target} replaced so answers about different ids compare. */
  static String answer(ManagedChannel ch, MethodDescriptor<?, ?> md, Message req, String target) {
    try {
      Object r = call(ch, md, req);
      return ("OK " + r).replace(target, "<ID>");
    } catch (StatusRuntimeException e) {
      return (e.getStatus().getCode() + " " + e.getStatus().getDescription())
          .replace(target, "<ID>");
    }
  }

  @Test
  void aSupplierLearnsNothingOfAnotherSuppliersCircuitsOrCouncilsOnAnyRpc() throws Exception {
    long revision = lastAudited();
    Map<String, Probe> probes = probes();
    ManagedChannel a = channel(controller.grpcPort(), as(id(Role.SUPPLIER, A)));
    Set<String> covered = new TreeSet<>();
    try {
      for (MethodDescriptor<?, ?> md : RawCalls.northboundMethods()) {
        String name = md.getBareMethodName();
        Probe probe = probes.get(name);
        assertThat(probe).as("a tenancy probe for %s", md.getFullMethodName()).isNotNull();
        covered.add(name);
        String aboutB = answer(a, md, probe.request().apply(probe.bTarget()), probe.bTarget());
        String aboutMissing =
            answer(a, md, probe.request().apply(probe.missingTarget()), probe.missingTarget());
        assertThat(aboutB).as("%s about B's object vs a missing one", name).isEqualTo(aboutMissing);
        for (String secret : List.of(B_CIRCUIT, "fernhollow", "bromley")) {
          assertThat(aboutB).as("%s answer names %s", name, secret).doesNotContain(secret);
        }
      }
      assertThat(covered).hasSize(RawCalls.northboundMethods().size());
      assertThat(changesBy("supplier:" + A, revision))
          .as("nothing A sent changed anything")
          .isEmpty();

      // Unfiltered reads show A's own things and none of B's.
      var circuits =
          CircuitServiceGrpc.newBlockingStub(a)
              .listCircuits(ListCircuitsRequest.getDefaultInstance());
      assertThat(circuits.getCircuitsList()).extracting(Circuit::getId).containsExactly(A_CIRCUIT);
      var councils =
          InventoryServiceGrpc.newBlockingStub(a)
              .listCouncils(ListRequest.getDefaultInstance())
              .getCouncilsList();
      assertThat(councils).extracting(Council::getId).contains("camden").doesNotContain("bromley");
      HistoryResponse history =
          CircuitServiceGrpc.newBlockingStub(a).history(HistoryRequest.getDefaultInstance());
      assertThat(history.toString()).contains(A_CIRCUIT).doesNotContain(B_CIRCUIT);
      @SuppressWarnings("unchecked")
      List<WatchEvent> events =
          (List<WatchEvent>)
              call(
                  a,
                  CircuitServiceGrpc.getWatchMethod(),
                  WatchRequest.newBuilder().setFromRevision(1).build());
      assertThat(events.toString())
          .contains(A_CIRCUIT)
          .doesNotContain(B_CIRCUIT)
          .doesNotContain("rtr-bromley-01");

      // A's own writes work, in its own councils, under its own prefix; the audit records who.
      var created =
          CircuitServiceGrpc.newBlockingStub(a)
              .createCircuit(circuit("QUILLON-CARRIER-0003", "islington", A));
      assertThat(created.getMeta().getUpdatedBy()).isEqualTo("supplier:" + A);
      StatusRuntimeException unprefixed =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  CircuitServiceGrpc.newBlockingStub(a)
                      .createCircuit(circuit("LPSN-ISL-0999", "islington", A)));
      assertThat(unprefixed.getStatus().getDescription())
          .contains("id beginning 'QUILLON-CARRIER-'");
    } finally {
      close(a, null);
    }
  }
}
