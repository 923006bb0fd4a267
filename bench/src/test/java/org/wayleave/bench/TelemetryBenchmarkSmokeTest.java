package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The telemetry benchmark with a toy fleet (20 routers), so it cannot rot: checks that every figure
 * is there and sane, never how fast anything is. The part against prometheus-snmp-exporter is
 * skipped where the exporter is not installed, unless {@code WAYLEAVE_REQUIRE_SYSTEM_TESTS=1} (CI),
 * where that fails.
 */
class TelemetryBenchmarkSmokeTest {
  private static final int ROUTERS = 20;

  /** 5 ports + 5 sub-interfaces, 10 columns each, plus sysUpTime. */
  private static final long VALUES = ROUTERS * (10L * 10 + 1);

  @TempDir Path dir;

  @Test
  void pollerSideWritesEveryFigureAndRecordsAMissingExporter() throws Exception {
    JsonNode root = run("none");
    JsonNode poller = root.path("results").path("poller");
    checkPoller(poller);
    assertThat(root.path("results").path("snmp_exporter").isNull()).isTrue();
    assertThat(root.path("results").path("snmp_exporter_reason").asText())
        .contains("--exporter none");
    assertThat(root.path("met").has("full_poll_wall_s")).isTrue();
    assertThat(root.path("met").has("cpu_s_per_full_poll")).isTrue();
  }

  @Test
  void againstSnmpExporter() throws Exception {
    if (SnmpExporter.find().isEmpty()) {
      String message =
          "prometheus-snmp-exporter is not installed; install the Debian package"
              + " 'prometheus-snmp-exporter' to compare against it";
      if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
        Assertions.fail(message + " (WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 makes system tests required)");
      }
      Assumptions.abort(
          message + " (skipped; set WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 to make it fail instead)");
    }
    JsonNode root = run("auto");
    checkPoller(root.path("results").path("poller"));
    JsonNode ex = root.path("results").path("snmp_exporter");
    assertThat(ex.path("version").asText()).contains("snmp_exporter");
    assertThat(ex.path("passes")).hasSize(2);
    JsonNode m = ex.path("median");
    assertThat(m.path("scrapes_failed").asLong()).isZero();
    assertThat(m.path("samples").asLong()).isEqualTo(VALUES);
    assertThat(m.path("wall_s").asDouble()).isPositive();
    assertThat(m.path("cpu_s").asDouble()).isGreaterThanOrEqualTo(0);
    // One GET and one GETBULK per walked column, per router.
    assertThat(m.path("snmp_requests").asLong()).isEqualTo(ROUTERS * 11L);
    JsonNode cmp = root.path("results").path("comparison");
    for (String f :
        List.of(
            "ratio_exporter_to_ours_per_varbind",
            "ratio_exporter_to_ours_per_value",
            "our_cpu_s_per_full_poll",
            "exporter_cpu_s_per_full_pass")) {
      assertThat(cmp.has(f)).as(f).isTrue();
    }
    assertThat(root.path("met").path("exporter_to_ours_cpu_per_varbind_ratio_min").isBoolean())
        .isTrue();
    assertThat(root.path("summary").path("ratio_exporter_to_ours_per_value").isNumber()).isTrue();
  }

  private JsonNode run(String exporter) throws Exception {
    Path out = dir.resolve("telemetry-" + exporter + ".json");
    int code =
        new CommandLine(new TelemetryBenchmark())
            .execute(
                "--devices",
                Integer.toString(ROUTERS),
                "--in-flight",
                "8,64",
                "--polls",
                "2",
                "--warmup",
                "1",
                "--jit-warmup",
                "1",
                "--exporter",
                exporter,
                "--snmp-port",
                Integer.toString(freeUdpPort()),
                "--fleet-heap",
                "256m",
                "--out",
                out.toString(),
                "--dir",
                dir.resolve("data-" + exporter).toString(),
                "--timeout-s",
                "120");
    assertThat(code).isZero();
    JsonNode root = new ObjectMapper().readTree(out.toFile());
    assertThat(root.path("benchmark").asText()).isEqualTo("telemetry");
    assertThat(root.path("date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(root.path("parameters").path("devices").asInt()).isEqualTo(ROUTERS);
    assertThat(root.path("parameters").path("interfaces_total").asLong()).isEqualTo(ROUTERS * 10L);
    return root;
  }

  private static void checkPoller(JsonNode poller) {
    assertThat(poller.path("by_max_in_flight").has("8")).isTrue();
    assertThat(poller.path("by_max_in_flight").has("64")).isTrue();
    assertThat(poller.path("best_max_in_flight").asInt()).isIn(8, 64);
    assertThat(poller.path("full_poll_wall_s").asDouble()).isPositive();
    assertThat(poller.path("cpu_s_per_full_poll").asDouble()).isPositive();
    assertThat(poller.path("cpu_s_per_million_varbinds").asDouble()).isPositive();
    assertThat(poller.path("core_fraction_at_interval").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(poller.path("failures").asLong()).isZero();
    // Steady state: one GETBULK per router; every column's 10 rows and the one past its end, plus
    // sysUpTime.
    assertThat(poller.path("requests_per_poll").asLong()).isEqualTo(ROUTERS);
    assertThat(poller.path("varbinds_per_poll").asLong()).isEqualTo(ROUTERS * (10L * 11 + 1));
    assertThat(poller.path("values_per_poll").asLong()).isEqualTo(VALUES);
    assertThat(poller.path("heap_after_full_gc_mb").asLong()).isPositive();
    assertThat(poller.path("history_bytes").asLong()).isPositive();
    assertThat(poller.path("history_disk_bytes").asLong())
        .isGreaterThan(poller.path("history_bytes").asLong());
    JsonNode best =
        poller.path("by_max_in_flight").path(poller.path("best_max_in_flight").asText());
    assertThat(best.path("polls")).hasSize(2);
    assertThat(best.path("warmup")).hasSize(1);
    assertThat(best.path("devices_reachable").asLong()).isEqualTo(ROUTERS);
    assertThat(best.path("interfaces_seen").asLong()).isEqualTo(ROUTERS * 10L);
    assertThat(best.path("median").path("fleet_cpu_s").asDouble()).isGreaterThanOrEqualTo(0);
  }

  /** A UDP port free on the first scale router's loopback address. */
  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s =
        new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.16.0.1"), 0))) {
      return s.getLocalPort();
    }
  }
}
