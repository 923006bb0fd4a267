package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.Device;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.testing.SystemParts;

/**
 * Prometheus's own linter on what we produce: the scrape ({@code promtool check metrics}, and at
 * most three series per circuit), the example alert rules ({@code check rules}, and their unit
 * tests with {@code test rules}), the metric reference's queries ({@code test rules}), and the
 * example configuration ({@code check config}). Needs promtool (Debian package {@code prometheus});
 * skipped without it, unless {@code WAYLEAVE_REQUIRE_SYSTEM_TESTS=1}.
 */
class PromtoolIT {
  /** The module runs in {@code controller/}; the examples live at the repository's root. */
  static final Path EXAMPLES = Path.of("..", "examples", "prometheus");

  @TempDir Path dir;

  record Run(int exit, String output) {}

  @Test
  void theScrapePassesCheckMetrics() throws Exception {
    Path promtool = SystemParts.require("promtool", "prometheus");
    String text;
    int circuits;
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        MetricsFixture f = new MetricsFixture(dir.resolve("data"), PollMetricsIT.SECRETS)) {
      // Every kind of series with a value: rates on one circuit, a link down on another, an
      // unreachable router, a reconcile, a commit, a timed-out poll.
      Circuit up = f.circuitOf("camden");
      String device = up.getSpec().getAEnd().getDevice();
      f.poll(device, MetricsFixture.aEndInterface(up), up.getId(), 1, 8_000_000, 1);
      f.poll(device, MetricsFixture.aEndInterface(up), up.getId(), 1, 8_000_000, 1);
      f.status(
          up.getId(), CircuitPhase.CIRCUIT_PHASE_ACTIVE, ConditionStatus.CONDITION_STATUS_TRUE);
      Circuit down = f.circuitOf("hackney");
      f.poll(
          down.getSpec().getAEnd().getDevice(),
          MetricsFixture.aEndInterface(down),
          down.getId(),
          2,
          0,
          0);
      f.status(
          down.getId(), CircuitPhase.CIRCUIT_PHASE_DOWN, ConditionStatus.CONDITION_STATUS_FALSE);
      Device mute =
          PollMetricsIT.pointedAt(
              f.cache.get(Kind.DEVICE, f.circuitOf("islington").getSpec().getAEnd().getDevice()),
              silent.getLocalPort(),
              "community");
      f.poller.upsert(mute);
      assertThat(f.poller.pollNow(mute.getId()).get(30, TimeUnit.SECONDS)).isFalse();
      f.engine.start();
      f.engine.enqueue(device);
      text = f.metrics.scrape();
      circuits = f.cache.count(Kind.CIRCUIT);
    }
    assertThat(text)
        .contains(
            "wayleave_circuit_up{",
            "wayleave_council_circuits{",
            "wayleave_council_in_bytes_per_second{",
            "wayleave_council_errors_per_second{",
            "wayleave_device_reachable{",
            "wayleave_snmp_poll_duration_seconds_bucket{",
            "wayleave_reconcile_duration_seconds_bucket{",
            "jvm_gc_");
    // What a circuit costs Prometheus: at 100,000 circuits every series per circuit is 100,000
    // series and about 9 MB of every scrape (InventoryScaleTest), so at most three, however named.
    Exposition e = Exposition.parse(text);
    assertThat(e.seriesPerCircuit()).hasSize(circuits);
    assertThat(e.seriesPerCircuit())
        .as("series per circuit")
        .allSatisfy(
            (circuit, n) ->
                assertThat(n)
                    .as("series of circuit %s", circuit)
                    .isLessThanOrEqualTo(InventoryScaleTest.MAX_SERIES_PER_CIRCUIT));
    Path file = dir.resolve("metrics.prom");
    Files.writeString(file, text);
    Run r = run(file, promtool.toString(), "check", "metrics");
    assertThat(r.output()).as("promtool check metrics on %s", file).isBlank();
    assertThat(r.exit()).as("promtool check metrics: %s", r.output()).isZero();
  }

  @Test
  void theExampleRulesPassCheckRulesAndTheirUnitTests() throws Exception {
    Path rules = EXAMPLES.resolve("alerts.yml");
    assertThat(rules).exists();
    promtoolSays("check", "rules", rules.toString());
    promtoolSays("test", "rules", EXAMPLES.resolve("alerts_test.yml").toString());
  }

  /**
   * The queries the metric reference gives (availability over 30 days across changes of phase, by
   * circuit, council and supplier; circuits down; a council's traffic) give what it says.
   */
  @Test
  void theReferencesQueriesPassTheirUnitTests() throws Exception {
    promtoolSays("test", "rules", EXAMPLES.resolve("queries_test.yml").toString());
  }

  @Test
  void theExampleConfigPassesCheckConfig() throws Exception {
    promtoolSays("check", "config", EXAMPLES.resolve("prometheus.yml").toString());
  }

  /** Runs promtool with {@code args} and expects it to end well and say SUCCESS. */
  private static void promtoolSays(String... args) throws IOException, InterruptedException {
    Path promtool = SystemParts.require("promtool", "prometheus");
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Run r = run(null, command.toArray(String[]::new));
    String what = "promtool " + String.join(" ", args);
    assertThat(r.exit()).as("%s: %s", what, r.output()).isZero();
    assertThat(r.output()).as(what).contains("SUCCESS").doesNotContain("FAILED");
  }

  /**
   * Runs a command (stdin from {@code input} when not null) and returns its exit code and output.
   */
  static Run run(Path input, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
    if (input != null) {
      pb.redirectInput(input.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command) + " did not finish in 60 s; output: " + out);
    }
    return new Run(p.exitValue(), out);
  }
}
