package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.telemetry.SnmpPoller;

/**
 * Polls an hour apart, yet circuits go ACTIVE as soon as their agent has applied them: a report
 * makes the leader poll that router early, and a router reporting in a loop adds at most one poll a
 * second.
 */
class EarlyPollIT {
  static final Duration HOURLY = Duration.ofHours(1);
  static final String DEVICE = "rtr-camden-01";

  @TempDir static Path dir;
  static SimulatedLondon london;
  static SnmpPoller poller;

  @BeforeAll
  static void start() throws Exception {
    // start() waits (60 s at most) until every example circuit is ACTIVE: with polls an hour apart
    // the schedule alone would leave most routers unpolled for many minutes.
    london = SimulatedLondon.start(dir, HOURLY);
    poller = london.controller.poller();
  }

  @AfterAll
  static void stop() {
    if (london != null) {
      london.close();
    }
  }

  @Test
  void aCircuitJustAppliedGoesActiveLongBeforeTheNextScheduledPoll() {
    assertThat(poller.earlyPolls()).as("early polls bringing London up").isPositive();
    long before = poller.earlyPolls();
    long endedBefore = poller.burstsEndedEarly();
    Resource example =
        Seeds.exampleCircuits("london").stream()
            .filter(
                r ->
                    r.getCircuit().getSpec().getKind() == CircuitKind.CIRCUIT_KIND_PSN_ACCESS
                        && r.getCircuit().getSpec().getCouncil().equals("camden"))
            .findFirst()
            .orElseThrow();
    Resource second =
        example.toBuilder()
            .setCircuit(
                example.getCircuit().toBuilder()
                    .setId("LPSN-CAM-0099")
                    .setSpec(
                        example.getCircuit().getSpec().toBuilder()
                            .setDescription("a second circuit, polled early")))
            .build();
    london
        .controller
        .state()
        .apply(List.of(Op.write(Op.Mode.CREATE, second, "circuit")), "test", "early poll");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> london.phase("LPSN-CAM-0099") == CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    assertThat(poller.earlyPolls()).isGreaterThan(before);
    // The simulated router lists the new sub-interface at once: the burst ends after that poll.
    await().atMost(Duration.ofSeconds(15)).until(() -> poller.burstsEndedEarly() > endedBefore);
  }

  @Test
  void aRouterReportingInALoopAddsAtMostOnePollASecond() throws Exception {
    // This router's own early polls: every report elsewhere starts a burst of them too.
    Thread.sleep(SnmpPoller.EARLY_SPACING.toMillis());
    long before = poller.earlyPolls(DEVICE);
    long start = System.nanoTime();
    for (int i = 0; i < 300; i++) {
      assertThat(poller.pollSoon(DEVICE)).isTrue();
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Thread.sleep(SnmpPoller.EARLY_SPACING.toMillis() + 500); // the burst's next one runs
    long added = poller.earlyPolls(DEVICE) - before;
    // One a second while the changes go on, plus the burst's tail after the last.
    assertThat(added)
        .as("early polls for 300 changes over %.1f s", seconds)
        .isBetween(2L, (long) Math.ceil(seconds) + 3);
    assertThat(poller.pollSoon("rtr-nowhere-01")).as("a router not polled").isFalse();
  }

  @Test
  void aRouterWhosePollsFailIsPolledAgainAsSoonAsItsAgentConnects() throws Exception {
    String dev = "rtr-islington-01";
    var mib = london.sim.snmp(dev).mib();
    var telemetry = london.controller.telemetry();
    long before = poller.earlyPolls(dev);
    mib.setSilent(true);
    try {
      assertThat(poller.pollSoon(dev)).isTrue();
      // The burst fails; then the router waits out its backoff, up to the hourly schedule.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !telemetry.device(dev).reachable());
      assertThat(poller.earlyPolls(dev)).isGreaterThan(before);
      // The burst's tail (8 s) and its last poll's timeouts.
      Thread.sleep(SnmpPoller.EARLY_BURST_SPAN.toMillis() + 3 * SimulatedLondon.TIMEOUT.toMillis());
      assertThat(poller.pollSoon(dev)).as("a failing router keeps its backoff").isFalse();
    } finally {
      mib.setSilent(false);
    }
    // No poll is due for an hour: answering again changes nothing on its own.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(3))
        .until(() -> !telemetry.device(dev).reachable());

    london.sim.stopAgent(dev);
    london.sim.startAgent(dev);

    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> telemetry.device(dev).reachable());
  }
}
