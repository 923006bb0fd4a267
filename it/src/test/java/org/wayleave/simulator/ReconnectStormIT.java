package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.seed.Seeds;
import org.wayleave.base.time.Backoff;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Op;

/**
 * A thousand agents lose their controller for five seconds. Capped exponential backoff with full
 * jitter must spread their return: the busiest second of reconnects stays under three times the
 * mean rate, and every agent comes back.
 */
class ReconnectStormIT {
  static final int AGENTS = 1000;

  @TempDir Path dir;

  /** One sample of the controller's count of opened sessions. */
  record Sample(long nanos, long opened) {}

  @Test
  void reconnectsAfterAnOutageAreSpreadAndComplete() throws Exception {
    Controller controller =
        Controller.start(
            new ControllerConfig(dir, "127.0.0.1", 0, 0, 0, List.of(), Clock.systemUTC()));
    int agentPort = controller.agentPort();
    List<Resource> inventory = Seeds.scale(AGENTS);
    controller.state().apply(Op.upserts(inventory, "r"), "test", "scale inventory");
    Simulator sim =
        Simulator.start(
            "127.0.0.1:" + agentPort,
            Scenarios.devices("scale", AGENTS),
            Duration.ofSeconds(10),
            new Backoff(Backoff.DEFAULT_BASE, Backoff.DEFAULT_CAP));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    Controller restarted = null;
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> controller.agents().sessions() == AGENTS);

      controller.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> sim.connectedAgents() == 0);
      // The outage: the controller stays away for five seconds.
      var back =
          sampler.schedule(
              () ->
                  Controller.start(
                      new ControllerConfig(
                          dir, "127.0.0.1", 0, 0, agentPort, List.of(), Clock.systemUTC())),
              5,
              TimeUnit.SECONDS);
      restarted = back.get(60, TimeUnit.SECONDS);
      long startNanos = System.nanoTime();
      Controller c = restarted;
      List<Sample> samples = new CopyOnWriteArrayList<>();
      sampler.scheduleAtFixedRate(
          () -> samples.add(new Sample(System.nanoTime(), c.agents().sessionsOpened())),
          0,
          50,
          TimeUnit.MILLISECONDS);
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> c.agents().sessions() == AGENTS);
      samples.add(new Sample(System.nanoTime(), c.agents().sessionsOpened()));
      assertThat(sim.connectedAgents()).isEqualTo(AGENTS);

      // Reconnects per second, from the restart to the last one.
      long last =
          samples.stream()
              .filter(s -> s.opened() >= AGENTS)
              .mapToLong(Sample::nanos)
              .min()
              .orElseThrow();
      int seconds = (int) Math.max(1, Math.ceil((last - startNanos) / 1e9));
      long[] perSecond = new long[seconds];
      long previous = 0;
      for (Sample s : samples) {
        int bucket =
            (int) Math.min(seconds - 1, Math.max(0, (s.nanos() - startNanos) / 1_000_000_000L));
        perSecond[bucket] += s.opened() - previous;
        previous = s.opened();
      }
      double mean = (double) AGENTS / seconds;
      long peak = Arrays.stream(perSecond).max().orElseThrow();
      double ratio = peak / mean;
      System.out.printf(
          "reconnect storm: %d agents back in %d s; per second %s; peak %d, mean %.1f, peak/mean"
              + " %.2f%n",
          AGENTS, seconds, Arrays.toString(perSecond), peak, mean, ratio);
      assertThat(seconds)
          .as("the reconnects are spread over more than one second")
          .isGreaterThan(1);
      assertThat(ratio)
          .as("peak-to-mean reconnect rate (per second %s)", Arrays.toString(perSecond))
          .isLessThan(3.0);
    } finally {
      sampler.shutdownNow();
      sim.close();
      if (restarted != null) {
        restarted.close();
      }
    }
  }
}
