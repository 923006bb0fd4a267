package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.wayleave.agent.Fixtures.DEVICE;
import static org.wayleave.agent.Fixtures.config;
import static org.wayleave.agent.Fixtures.sub;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.time.Backoff;
import org.wayleave.base.time.Ticker;

class AgentClientTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final FakeController controller = new FakeController();
  private final List<AgentClient> clients = new ArrayList<>();
  private String serverName;
  private Server server;
  private ManagedChannel channel;
  private SimRouter router;
  private SimDriver driver;

  @BeforeEach
  void setUp() throws Exception {
    serverName = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(serverName).addService(controller).build().start();
    channel = InProcessChannelBuilder.forName(serverName).build();
    router = new SimRouter(DEVICE, List.of("ge-0/0/0", "ge-0/0/1"));
    driver = new SimDriver(router);
  }

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(AgentClient::stop);
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private AgentClient.Builder builder(Driver d, AppliedGenerationStore store) {
    return AgentClient.builder()
        .deviceId(DEVICE)
        .agentVersion("test-1.0")
        .driver(d)
        .generationStore(store)
        .channel(channel)
        .backoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new Random(1)))
        .heartbeatInterval(Duration.ofHours(1))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private AgentClient start(AgentClient.Builder b) {
    AgentClient c = b.build();
    clients.add(c);
    c.start();
    return c;
  }

  private AgentClient startConnected(AppliedGenerationStore store) {
    AgentClient c = start(builder(driver, store));
    await().atMost(WAIT).until(c::isConnected);
    return c;
  }

  private static Report awaitReport(FakeController.Stream s, int n) {
    await().atMost(WAIT).until(() -> s.reports().size() >= n);
    return s.reports().get(n - 1);
  }

  @Test
  void helloComesFirstAndCarriesAppliedGenerationAndActual() throws Exception {
    SubInterface existing = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    router.put(existing);
    AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    store.save(5);

    AgentClient client = startConnected(store);

    FakeController.Stream s = controller.latest();
    assertThat(s.received.get(0).hasHello()).isTrue();
    assertThat(s.hellos().get(0))
        .isEqualTo(
            Hello.newBuilder()
                .setDeviceId(DEVICE)
                .setAgentVersion("test-1.0")
                .setAppliedGeneration(5)
                .setActual(config(existing))
                .build());
    assertThat(client.connects()).isEqualTo(1);
    assertThat(client.reconnectAttempts()).isZero();
  }

  @Test
  void pushIsAppliedAndReportedWithItsGenerationAndTheActualConfig() {
    AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    AgentClient client = startConnected(store);
    DeviceConfig desired =
        config(sub("ge-0/0/0", 100, "LPSN-CAM-0001"), sub("ge-0/0/1", 200, "LPSN-CAM-0002"));

    controller.latest().push(3, desired);
    Report report = awaitReport(controller.latest(), 1);

    assertThat(report.getGeneration()).isEqualTo(3);
    assertThat(report.getResult()).isEqualTo(ApplyResult.APPLY_RESULT_APPLIED);
    assertThat(report.getItemErrorsList()).isEmpty();
    assertThat(report.getActual()).isEqualTo(desired);
    assertThat(router.config()).isEqualTo(desired);
    assertThat(store.load()).isEqualTo(3);
    assertThat(client.pushesReceived()).isEqualTo(1);
    assertThat(client.reportsSent()).isEqualTo(1);
  }

  @Test
  void keepUnownedVlansFromThePushReachesTheDriver() {
    SubInterface foreign = sub("ge-0/0/1", 999, "HAND-MADE");
    router.addForeign(foreign);
    startConnected(new AppliedGenerationStore.InMemory());
    SubInterface ours = sub("ge-0/0/0", 100, "LPSN-CAM-0001");

    controller.latest().push(1, config(ours), true);
    assertThat(awaitReport(controller.latest(), 1).getActual().getSubInterfacesList())
        .containsExactly(ours, foreign);

    controller.latest().push(2, config(ours), false);
    assertThat(awaitReport(controller.latest(), 2).getActual().getSubInterfacesList())
        .containsExactly(ours);
  }

  @Test
  void aRestartedAgentRemembersTheGenerationItApplied() {
    Path stateFile = dir.resolve("agent/applied-generation");
    AgentClient first = startConnected(new FileAppliedGenerationStore(stateFile));
    FakeController.Stream firstStream = controller.latest();
    SubInterface s = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    firstStream.push(7, config(s));
    awaitReport(firstStream, 1);

    first.stop();
    await().atMost(WAIT).until(firstStream::ended);
    assertThat(first.isConnected()).isFalse();

    // A new process: new client and store objects over the same file and the same router.
    startConnected(new FileAppliedGenerationStore(stateFile));
    Hello hello = controller.latest().hellos().get(0);
    assertThat(controller.latest()).isNotSameAs(firstStream);
    assertThat(hello.getAppliedGeneration()).isEqualTo(7);
    assertThat(hello.getActual()).isEqualTo(config(s));
  }

  @Test
  void aPushFromALowerTermThanFollowedIsRefusedEvenAfterARestart() {
    Path stateFile = dir.resolve("agent/applied-generation");
    AgentClient first = startConnected(new FileAppliedGenerationStore(stateFile));
    FakeController.Stream leader = controller.latest();
    SubInterface s = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    leader.pushInTerm(7, 5, config(s), false);
    awaitReport(leader, 1);

    // A deposed leader (term 3) pushes an empty router: nothing is applied, the session ends.
    leader.pushInTerm(8, 3, config(), false);
    await().atMost(WAIT).until(leader::ended);
    assertThat(first.pushesRefused()).isEqualTo(1);
    assertThat(leader.reports()).as("no report for the refused push").hasSize(1);
    assertThat(router.config()).isEqualTo(config(s));
    // It dials again and says which term it follows.
    await().atMost(WAIT).until(() -> controller.greeted().size() >= 2);
    assertThat(controller.latest().hellos().get(0).getTerm()).isEqualTo(5);

    // A new process remembers the term: the deposed leader is still refused.
    first.stop();
    AgentClient second = startConnected(new FileAppliedGenerationStore(stateFile));
    FakeController.Stream again = controller.latest();
    assertThat(again.hellos().get(0).getTerm()).isEqualTo(5);
    again.pushInTerm(9, 3, config(), false);
    await().atMost(WAIT).until(again::ended);
    assertThat(second.pushesRefused()).isEqualTo(1);
    assertThat(router.config()).isEqualTo(config(s));
    // The leader of a later term is followed.
    FakeController.Stream next = awaitNewStream(again);
    next.pushInTerm(10, 6, config(), false);
    awaitReport(next, 1);
    assertThat(router.config()).isEqualTo(config());
  }

  private FakeController.Stream awaitNewStream(FakeController.Stream old) {
    await()
        .atMost(WAIT)
        .until(() -> controller.latest() != old && !controller.latest().hellos().isEmpty());
    FakeController.Stream s = controller.latest();
    await().atMost(WAIT).until(() -> !s.received.isEmpty());
    return s;
  }

  @Test
  void aPartialApplyReportsItemErrorsAndDoesNotSaveTheGeneration() {
    AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    store.save(2);
    startConnected(store);
    SubInterface good = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    SubInterface bad = sub("ge-0/0/1", 200, "LPSN-CAM-0002");
    router.failItem(bad.getName(), "TCAM full");

    controller.latest().push(3, config(good, bad));
    Report report = awaitReport(controller.latest(), 1);

    assertThat(report.getGeneration()).isEqualTo(3);
    assertThat(report.getResult()).isEqualTo(ApplyResult.APPLY_RESULT_PARTIAL);
    assertThat(report.getItemErrorsList())
        .containsExactly(
            ItemError.newBuilder()
                .setName("ge-0/0/1.200")
                .setAlias("LPSN-CAM-0002")
                .setMessage("TCAM full")
                .build());
    assertThat(report.getActual()).isEqualTo(config(good));
    assertThat(store.load()).isEqualTo(2);
  }

  @Test
  void aDriverFailureRejectsThePushWithTheReason() {
    AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    startConnected(store);
    router.failRouter("no route to host");

    controller.latest().push(4, config(sub("ge-0/0/0", 100, "LPSN-CAM-0001")));
    Report report = awaitReport(controller.latest(), 1);

    assertThat(report.getGeneration()).isEqualTo(4);
    assertThat(report.getResult()).isEqualTo(ApplyResult.APPLY_RESULT_REJECTED);
    assertThat(report.getItemErrorsList())
        .extracting(ItemError::getMessage)
        .containsExactly("no route to host");
    assertThat(report.hasActual()).as("the router could not be read either").isFalse();
    assertThat(store.load()).isZero();
    assertThat(router.mutations()).isZero();
  }

  @Test
  void pushesArrivingDuringAnApplyCoalesceLatestWinsAndNeverOverlap() {
    CountDownLatch applying = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SimRouter slow =
        new SimRouter(
            DEVICE,
            List.of("ge-0/0/0"),
            Ticker.sleepingWith(
                d -> {
                  applying.countDown();
                  assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
                }));
    slow.setApplyDelay(Duration.ofMillis(1));
    ConcurrencyProbe probe = new ConcurrencyProbe(new SimDriver(slow));
    AgentClient client = start(builder(probe, new AppliedGenerationStore.InMemory()));
    await().atMost(WAIT).until(client::isConnected);
    FakeController.Stream s = controller.latest();

    s.push(1, config(sub("ge-0/0/0", 101, "C-1")));
    await().atMost(WAIT).until(() -> applying.getCount() == 0);
    s.push(2, config(sub("ge-0/0/0", 102, "C-2")));
    s.push(3, config(sub("ge-0/0/0", 103, "C-3")));
    DeviceConfig last = config(sub("ge-0/0/0", 104, "C-4"));
    s.push(4, last);
    await().atMost(WAIT).until(() -> client.pushesReceived() == 4);
    release.countDown();

    awaitReport(s, 2);
    assertThat(s.reports()).extracting(Report::getGeneration).containsExactly(1L, 4L);
    assertThat(s.reports().get(1).getActual()).isEqualTo(last);
    assertThat(slow.config()).isEqualTo(last);
    assertThat(client.pushesCoalesced()).isEqualTo(2);
    assertThat(probe.applies.get()).isEqualTo(2);
    assertThat(probe.maxInFlight.get()).isEqualTo(1);
  }

  @Test
  void outOfBandChangesAreReportedAsDriftAndTheLastOneIsNeverLost() throws Exception {
    AgentClient client = startConnected(new AppliedGenerationStore.InMemory());
    FakeController.Stream s = controller.latest();
    SubInterface a = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    s.push(1, config(a));
    awaitReport(s, 1);
    assertThat(s.drifts()).as("an apply is not drift").isEmpty();

    router.deleteBehindTheBack(a.getName());
    await().atMost(WAIT).until(() -> s.drifts().size() == 1);
    assertThat(s.drifts().get(0).getActual()).isEqualTo(config());

    int burst = 20;
    for (int v = 1; v <= burst; v++) {
      router.addForeign(sub("ge-0/0/1", 300 + v, "HAND-" + v));
    }
    await().atMost(WAIT).until(() -> last(s).getActual().getSubInterfacesCount() == burst);
    assertThat(last(s).getActual()).isEqualTo(router.config());
    assertThat(s.drifts().size() - 1).as("a burst is coalesced").isLessThan(burst);
    assertThat(client.driftsSent()).isEqualTo(s.drifts().size());
  }

  private static Drift last(FakeController.Stream s) {
    List<Drift> d = s.drifts();
    return d.isEmpty() ? Drift.getDefaultInstance() : d.get(d.size() - 1);
  }

  @Test
  void heartbeatsFollowTheHelloAtTheInterval() {
    AgentClient client =
        start(
            builder(driver, new AppliedGenerationStore.InMemory())
                .heartbeatInterval(Duration.ofMillis(20)));
    await()
        .atMost(WAIT)
        .until(() -> !controller.streams.isEmpty() && controller.latest().heartbeats().size() >= 3);

    List<AgentMessage> received = controller.latest().received;
    assertThat(received.get(0).hasHello()).isTrue();
    assertThat(controller.latest().heartbeats())
        .allSatisfy(h -> assertThat(h.getTime().getSeconds()).isEqualTo(NOW.getEpochSecond()));
    assertThat(client.heartbeatsSent()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void whenTheControllerEndsTheStreamTheAgentRedialsAndSaysHelloAgain() {
    AgentClient client = startConnected(new AppliedGenerationStore.InMemory());

    controller.latest().close();
    await().atMost(WAIT).until(() -> controller.greeted().size() == 2 && client.isConnected());
    controller.latest().fail(Status.UNAVAILABLE.withDescription("controller restarting"));
    await().atMost(WAIT).until(() -> controller.greeted().size() == 3 && client.isConnected());

    assertThat(controller.streams)
        .allSatisfy(st -> assertThat(st.received.get(0).hasHello()).isTrue());
    assertThat(client.connects()).isEqualTo(3);
    assertThat(client.reconnectAttempts()).isEqualTo(2);
    assertThat(client.backoffAttempt()).as("reset by the controller's first message").isZero();

    // The new session works.
    controller.latest().push(9, config(sub("ge-0/0/0", 100, "LPSN-CAM-0001")));
    assertThat(awaitReport(controller.latest(), 1).getGeneration()).isEqualTo(9);
  }

  @Test
  void redialsUntilTheControllerAppearsAndLogsFailuresWithoutStackTraces() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(AgentClient.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    String later = InProcessServerBuilder.generateName();
    ManagedChannel toNowhere = InProcessChannelBuilder.forName(later).build();
    try {
      AgentClient client =
          start(builder(driver, new AppliedGenerationStore.InMemory()).channel(toNowhere));
      await().atMost(WAIT).until(() -> client.reconnectAttempts() >= 5);
      assertThat(client.isConnected()).isFalse();
      assertThat(client.backoffAttempt()).isGreaterThanOrEqualTo(5);

      FakeController lateController = new FakeController();
      Server lateServer =
          InProcessServerBuilder.forName(later).addService(lateController).build().start();
      try {
        toNowhere.resetConnectBackoff();
        await().atMost(WAIT).until(client::isConnected);
        assertThat(lateController.latest().hellos()).hasSize(1);
        assertThat(client.backoffAttempt()).isZero();
      } finally {
        client.stop();
        lateServer.shutdownNow();
      }

      List<ILoggingEvent> warnings =
          logs.list.stream()
              .filter(
                  e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("redialling"))
              .toList();
      assertThat(warnings).isNotEmpty();
      assertThat(warnings).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
      assertThat(warnings.get(0).getFormattedMessage()).contains(DEVICE).contains("UNAVAILABLE");
    } finally {
      logger.detachAppender(logs);
      toNowhere.shutdownNow();
    }
  }

  @Test
  void anUnreadableRouterDelaysTheHelloInsteadOfGuessing() {
    router.failRouter("console session holds the config lock");
    AgentClient client = start(builder(driver, new AppliedGenerationStore.InMemory()));
    await().atMost(WAIT).until(() -> client.reconnectAttempts() >= 3);
    assertThat(controller.greeted()).isEmpty();
    assertThat(client.isConnected()).isFalse();

    router.clearFailures();
    await().atMost(WAIT).until(client::isConnected);
    assertThat(controller.greeted()).hasSize(1);
  }

  @Test
  void aControllerThatNeverAcknowledgesLeavesTheAgentUnconnected() {
    controller.ackHellos = false;
    AgentClient client = start(builder(driver, new AppliedGenerationStore.InMemory()));
    await().atMost(WAIT).until(() -> controller.greeted().size() == 1);
    assertThat(client.isConnected()).isFalse();
    assertThat(client.connects()).isZero();

    // Any first message from the controller counts as the acknowledgement.
    controller.latest().push(1, config());
    await().atMost(WAIT).until(client::isConnected);
    assertThat(client.connects()).isEqualTo(1);
  }

  @Test
  void stopEndsTheSessionAndStopsRedialing() {
    AgentClient client = startConnected(new AppliedGenerationStore.InMemory());
    FakeController.Stream s = controller.latest();

    client.stop();
    client.stop();

    await().atMost(WAIT).until(s::ended);
    assertThat(client.isConnected()).isFalse();
    long attempts = client.reconnectAttempts();
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> controller.streams.size() == 1 && client.reconnectAttempts() == attempts);
  }

  @Test
  void withSeveralControllersItDialsTheNextWhenOneRefusesAndEndsUpOnTheLeader() throws Exception {
    FakeController follower = new FakeController();
    follower.refuseHellos =
        Status.UNAVAILABLE.withDescription("hello: this controller does not lead now");
    FakeController leader = new FakeController();
    Server f =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(follower)
            .build()
            .start();
    Server l =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(leader)
            .build()
            .start();
    try {
      AgentClient client =
          start(
              builder(driver, new AppliedGenerationStore.InMemory())
                  .targets(
                      List.of("127.0.0.1:" + f.getPort(), "127.0.0.1:" + l.getPort()),
                      InsecureChannelCredentials.create()));
      await().atMost(WAIT).until(client::isConnected);
      assertThat(follower.greeted()).as("the first controller was tried and refused").isNotEmpty();
      assertThat(leader.greeted()).hasSize(1);
      leader.latest().push(1, config(sub("ge-0/0/0", 100, "LPSN-CAM-0001")));
      assertThat(awaitReport(leader.latest(), 1).getResult())
          .isEqualTo(ApplyResult.APPLY_RESULT_APPLIED);

      // Leadership moves: the old leader sends the agent away, the other one now takes it.
      leader.refuseHellos = Status.UNAVAILABLE.withDescription("no longer leads");
      follower.refuseHellos = null;
      int triedBefore = follower.greeted().size();
      leader.latest().close();
      await()
          .atMost(WAIT)
          .until(() -> follower.greeted().size() > triedBefore && client.isConnected());
      assertThat(follower.latest().hellos().get(0).getAppliedGeneration()).isEqualTo(1);
    } finally {
      f.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      l.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void dialsAControllerOverLoopbackTcpAndStopReleasesItsOwnChannel() throws Exception {
    FakeController tcpController = new FakeController();
    Server tcp =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(tcpController)
            .build()
            .start();
    try {
      AgentClient client =
          start(
              builder(driver, new AppliedGenerationStore.InMemory())
                  .target("127.0.0.1:" + tcp.getPort()));
      await().atMost(WAIT).until(client::isConnected);
      tcpController.latest().push(1, config(sub("ge-0/0/0", 100, "LPSN-CAM-0001")));
      assertThat(awaitReport(tcpController.latest(), 1).getResult())
          .isEqualTo(ApplyResult.APPLY_RESULT_APPLIED);

      client.stop();
      await().atMost(WAIT).until(tcpController.latest()::ended);
    } finally {
      tcp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void theBuilderNamesWhatIsMissingAndStartRunsOnce() {
    assertThatThrownBy(() -> AgentClient.builder().driver(driver).channel(channel).build())
        .hasMessage("deviceId: must be set");
    assertThatThrownBy(() -> AgentClient.builder().deviceId(DEVICE).channel(channel).build())
        .hasMessage("driver: must be set");
    assertThatThrownBy(() -> AgentClient.builder().deviceId(DEVICE).driver(driver).build())
        .hasMessageContaining("channel:");
    assertThatThrownBy(() -> AgentClient.builder().heartbeatInterval(Duration.ZERO))
        .hasMessageContaining("heartbeatInterval: must be positive");

    AgentClient client = start(builder(driver, new AppliedGenerationStore.InMemory()));
    assertThatThrownBy(client::start).isInstanceOf(IllegalStateException.class);
  }

  /** Wraps a driver and records how many applies ever ran at once. */
  private static final class ConcurrencyProbe implements Driver {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger applies = new AtomicInteger();
    private final Driver inner;

    ConcurrencyProbe(Driver inner) {
      this.inner = inner;
    }

    @Override
    public DeviceConfig read() throws DriverException {
      return inner.read();
    }

    @Override
    public ApplyOutcome apply(DeviceConfig desired, boolean keepUnowned) throws DriverException {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      applies.incrementAndGet();
      try {
        return inner.apply(desired, keepUnowned);
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    public void onOutOfBandChange(Runnable listener) {
      inner.onOutOfBandChange(listener);
    }
  }
}
