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
                "120");
    assertThat(code).isZero();
    JsonNode r = new ObjectMapper().readTree(out.toFile()).path("results");
    assertThat(r.path("apply_to_all_applied_s").asDouble()).isPositive();
    assertThat(r.path("pushes_sent").asLong()).isGreaterThanOrEqualTo(5);
    assertThat(r.path("pushes_minimum").asLong()).isEqualTo(5);
    assertThat(r.path("sub_interfaces_on_routers").asLong()).isEqualTo(20);
    assertThat(r.path("controller_heap_after_full_gc_mb").asLong()).isPositive();
    assertThat(r.has("pushes_redundant_seen_by_agents")).isTrue();
  }
}
