package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The HA benchmark end to end at toy sizes (20 creates and a 50-circuit Apply per store, 2 leader
 * kills), so it cannot rot: checks that the JSON carries every figure, never how fast anything is.
 * It needs etcd: skipped where it is not installed, unless {@code WAYLEAVE_REQUIRE_SYSTEM_TESTS=1}
 * (CI), where that fails.
 */
class HaBenchmarkSmokeTest {
  private static final int KILLS = 2;
  private static final List<String> FAILOVER_FIGURES =
      List.of("new_leader_ms", "first_write_ms", "first_write_as_leader_ms", "first_push_ms");
  private static final List<String> TARGETS =
      List.of(
          "failover_first_write_ms",
          "failover_first_push_ms",
          "acknowledged_missing",
          "pushes_redundant_after_failover",
          "kills_min");

  @TempDir Path tmp;

  @Test
  void runsAtToySizesAndReportsEveryFigure() throws Exception {
    requireEtcd();
    Path out = tmp.resolve("results/ha.json");
    Path data = tmp.resolve("data");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int status =
        new CommandLine(
                new HaBenchmark(
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8)))
            .execute(
                "--out",
                out.toString(),
                "--dir",
                data.toString(),
                "--creates",
                "20",
                "--warmup",
                "5",
                "--batch",
                "50",
                "--batch-runs",
                "2",
                "--batch-warmup",
                "0",
                "--kills",
                Integer.toString(KILLS),
                "--max-creates",
                "3000",
                "--write-interval-ms",
                "100",
                "--no-snmp");

    assertThat(status)
        .as("exit status; stderr:%n%s", stderr.toString(StandardCharsets.UTF_8))
        .isZero();
    JsonNode root = new ObjectMapper().readTree(Files.readString(out));
    assertThat(root.path("benchmark").asText()).isEqualTo("ha");
    JsonNode machine = root.path("machine");
    assertThat(machine.path("cores").asInt()).isPositive();
    assertThat(machine.path("etcd_version").asText()).contains("etcd");
    assertThat(machine.path("filesystem").path("type").asText()).isNotBlank();
    assertThat(machine.has("load_average_1m_start")).isTrue();
    assertThat(root.path("parameters").path("kills").asInt()).isEqualTo(KILLS);
    assertThat(root.path("parameters").path("tls").isBoolean()).isTrue();
    assertThat(data).as("the data directory is deleted afterwards").doesNotExist();

    JsonNode stores = root.path("results").path("stores");
    for (String s : List.of("sqlite", "etcd")) {
      JsonNode create = stores.path(s).path("create_ms");
      for (String p : List.of("p50", "p90", "p99", "max")) {
        assertThat(create.path(p).asDouble()).as("%s create %s", s, p).isPositive();
      }
      assertThat(create.path("count").asInt()).isEqualTo(20);
      JsonNode apply = stores.path(s).path("apply_batch_ms");
      assertThat(apply.path("runs")).hasSize(2);
      assertThat(apply.path("median").asDouble()).isPositive();
      assertThat(apply.path("max").asDouble()).isPositive();
      assertThat(apply.path("batch_size").asInt()).isEqualTo(50);
    }
    assertThat(stores.path("etcd").path("members").asInt()).isEqualTo(3);
    assertThat(stores.path("etcd_to_sqlite").path("create_p50").asDouble()).isPositive();
    assertThat(stores.path("etcd_to_sqlite").path("apply_batch_median").asDouble()).isPositive();

    checkFailover(root.path("results").path("failover"));
    for (String t : TARGETS) {
      assertThat(root.path("targets").has(t)).as("targets.%s", t).isTrue();
      assertThat(root.path("target_basis").has(t)).as("target_basis.%s", t).isTrue();
      assertThat(root.path("met").path(t).isBoolean()).as("met.%s", t).isTrue();
    }
    assertThat(root.path("notes").toString()).contains("onos-config").contains("client-go");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("first_push_ms");
  }

  private static void checkFailover(JsonNode f) {
    assertThat(f.path("kills").asInt()).isEqualTo(KILLS);
    for (String figure : FAILOVER_FIGURES) {
      JsonNode s = f.path(figure);
      assertThat(s.path("measured").asInt()).as("%s measured", figure).isEqualTo(KILLS);
      assertThat(s.path("not_seen").asInt()).as("%s not seen", figure).isZero();
      assertThat(s.path("max").asLong()).isGreaterThanOrEqualTo(s.path("p50").asLong());
    }
    assertThat(f.path("per_kill")).hasSize(KILLS);
    for (JsonNode k : f.path("per_kill")) {
      assertThat(k.path("killed").asText()).isNotEqualTo(k.path("survivor").asText());
      assertThat(k.path("term_after").asLong()).isGreaterThan(k.path("term_before").asLong());
      for (String figure : FAILOVER_FIGURES) {
        assertThat(k.path(figure).isNumber()).as("per_kill %s", figure).isTrue();
      }
      assertThat(k.path("pushes_redundant_added").isNumber()).isTrue();
    }
    assertThat(f.path("creates").path("acknowledged").asInt()).isPositive();
    assertThat(f.path("creates").has("in_doubt")).isTrue();
    assertThat(f.path("acknowledged_missing").asInt()).isZero();
    assertThat(f.path("unexpected_present").asInt()).isZero();
    assertThat(f.path("checked_through")).hasSize(2);
    assertThat(f.path("pushes_redundant_after_failover").isNumber()).isTrue();
  }

  private static void requireEtcd() {
    if (EtcdCluster.find().isPresent()) {
      return;
    }
    String message = "etcd is not installed; install the Debian package 'etcd-server'";
    if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
      Assertions.fail(message + " (WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 makes system tests required)");
    }
    Assumptions.abort(
        message + " (skipped; set WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 to make it fail instead)");
  }
}
