package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The southbound benchmark at toy size, so it cannot rot; it checks figures exist, never speed. */
class SouthboundBenchmarkSmokeTest {
  @TempDir Path dir;

  @Test
  void runsEndToEndAndWritesEveryFigure() throws Exception {
    Path out = dir.resolve("southbound.json");
    int code =
        new CommandLine(new SouthboundBenchmark())
            .execute(
                "--devices",
                "5",
                "--circuits",
                "20",
                "--out",
                out.toString(),
                "--dir",
                dir.resolve("data").toString(),
                "--sim-heap",
                "256m",
                "--timeout-s",
                "120",
                "--simulator-processes",
                "2",
                "--poll-interval-s",
                "60");
    assertThat(code).isZero();
    JsonNode doc = new ObjectMapper().readTree(out.toFile());
    for (String transport : new String[] {"mtls", "plaintext"}) {
      JsonNode r = doc.path("results").path(transport);
      assertThat(r.path("simulator_processes").asInt()).as(transport).isEqualTo(2);
      assertThat(r.path("connect").path("s").asDouble()).as(transport).isPositive();
      // With polls a minute apart, ACTIVE within the run came from the early polls.
      assertThat(r.path("apply_to_all_active").path("s").asDouble()).as(transport).isPositive();
      assertThat(r.path("early_snmp_polls").asLong()).as(transport).isGreaterThanOrEqualTo(5);
      assertThat(r.path("pushes_sent").asLong()).as(transport).isGreaterThanOrEqualTo(5);
      assertThat(r.path("pushes_minimum").asLong()).isEqualTo(5);
      assertThat(r.path("sub_interfaces_on_routers").asLong()).as(transport).isEqualTo(20);
      assertThat(r.path("controller_heap_after_full_gc_mb").asLong()).isPositive();
      assertThat(r.has("pushes_redundant_seen_by_agents")).isTrue();
      assertThat(r.path("reconnect").path("s").asDouble()).as(transport).isPositive();
      assertThat(r.path("reconnect").path("pushes").asLong()).as(transport).isZero();
      assertThat(r.path("reconnect").has("peak_to_mean")).isTrue();
    }
    assertThat(doc.path("results").path("tls_cost").has("reconnect_controller_cpu_ms_per_agent"))
        .isTrue();
    assertThat(doc.path("met").has("apply_to_all_active_s")).isTrue();
  }
}
