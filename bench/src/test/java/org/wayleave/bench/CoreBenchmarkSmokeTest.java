package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps the benchmark harness from rotting: runs it end to end at toy sizes and checks that the
 * JSON carries every figure. It asserts nothing about timing; the targets are for real runs.
 */
class CoreBenchmarkSmokeTest {
  private static final List<String> TARGETS =
      List.of(
          "create_p50_ms",
          "create_to_floor_ratio_max",
          "full_store_growth_pct_max",
          "apply_batch_ms",
          "list_ms");
  private static final List<String> TRANSPORTS = List.of("mtls", "plaintext");

  @Test
  void runsAtToySizesAndReportsEveryFigure(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("results/core.json");
    Path data = tmp.resolve("data");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int status =
        new CommandLine(
                new CoreBenchmark(
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8)))
            .execute(
                "--out", out.toString(),
                "--dir", data.toString(),
                "--creates", "20",
                "--warmup", "5",
                "--batch", "50",
                "--batch-runs", "1",
                "--list", "20",
                "--list-repeats", "3",
                "--raw-commits", "20",
                "--jit-warmup", "10",
                "--store-circuits", "400",
                "--store-seed-circuits", "100",
                "--store-devices", "20",
                "--diag", "5");

    assertThat(status)
        .as("exit status; stderr:%n%s", stderr.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(out).exists();
    JsonNode root = new ObjectMapper().readTree(Files.readString(out));

    assertThat(root.path("benchmark").asText()).isEqualTo("core");
    assertThat(root.path("date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");

    JsonNode machine = root.path("machine");
    assertThat(machine.path("cores").asInt()).isPositive();
    assertThat(machine.path("max_heap_mb").asLong()).isPositive();
    assertThat(machine.path("java_version").asText()).isNotBlank();
    assertThat(machine.path("os").asText()).isNotBlank();
    assertThat(machine.path("filesystem").path("type").asText()).isNotBlank();

    JsonNode params = root.path("parameters");
    assertThat(params.path("creates").asInt()).isEqualTo(20);
    assertThat(params.path("warmup").asInt()).isEqualTo(5);
    assertThat(params.path("batch").asInt()).isEqualTo(50);
    assertThat(params.path("batch_runs").asInt()).isEqualTo(1);
    assertThat(params.path("list").asInt()).isEqualTo(20);
    assertThat(params.path("list_repeats").asInt()).isEqualTo(3);
    assertThat(params.path("raw_commits").asInt()).isEqualTo(20);

    assertThat(params.path("transports")).hasSize(2);

    for (String t : TRANSPORTS) {
      checkTransport(root.path("results").path(t), t);
      checkDiagnostics(root.path("diagnostics").path(t));
    }
    assertThat(root.path("results").path("tls_cost").path("create_p50_ms").isNumber()).isTrue();
    assertThat(root.path("judged_on").asText()).isEqualTo("mtls");
    for (String t : TARGETS) {
      assertThat(root.path("targets").path(t).isNumber()).as("targets.%s", t).isTrue();
      assertThat(root.path("met").path(t).isBoolean()).as("met.%s", t).isTrue();
    }
    assertThat(root.path("anchors").path("create_p50_ms").asDouble()).isEqualTo(15.5);
    assertThat(root.path("anchors").path("apply_batch_ms").asDouble()).isEqualTo(365);

    assertThat(stdout.toString(StandardCharsets.UTF_8))
        .contains(
            "[mtls]", "[plaintext]", "floor", "apply", "list", "raw SQLite commit", out.toString());
    assertThat(data).as("a --dir is kept").isDirectory();
  }

  @Test
  void refusesANonEmptyDataDirectory(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("something"), "x");
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(sink, true, StandardCharsets.UTF_8);
    CommandLine cl = new CommandLine(new CoreBenchmark(ps, ps)).setErr(new PrintWriter(ps, true));
    int status =
        cl.execute(
            "--dir",
            tmp.toString(),
            "--out",
            tmp.resolve("x.json").toString(),
            "--creates",
            "1",
            "--warmup",
            "0");
    assertThat(status).isNotZero();
    assertThat(sink.toString(StandardCharsets.UTF_8)).contains("not empty");
    assertThat(tmp.resolve("x.json")).doesNotExist();
  }

  /** One transport's results: every figure present, the counts as asked, the fill done. */
  private static void checkTransport(JsonNode r, String t) {
    for (String phase : List.of("create_ms", "create_full_store_ms")) {
      JsonNode create = r.path(phase);
      for (String f : List.of("p50", "p90", "p99", "max", "mean")) {
        assertPositive(create, f);
      }
      assertThat(create.path("count").asLong()).as("%s %s", t, phase).isEqualTo(20);
      assertThat(create.path("p50").asDouble()).isLessThanOrEqualTo(create.path("p99").asDouble());
      assertThat(create.path("p99").asDouble()).isLessThanOrEqualTo(create.path("max").asDouble());
    }
    assertThat(r.path("create_full_store_ms").path("circuits_in_store_before").asLong())
        .as("%s: the creates on the full store ran on at least --store-circuits", t)
        .isGreaterThanOrEqualTo(400);
    assertThat(r.path("create_full_store_ms").path("fill_on_seed_routers").asInt()).isEqualTo(100);
    assertThat(r.path("create_full_store_ms").path("fill_devices").asInt()).isEqualTo(20);
    JsonNode floor = r.path("floor_ms");
    assertPositive(floor, "p50");
    assertThat(floor.path("grpc_get_circuit_ms").path("count").asLong()).isEqualTo(20);
    assertThat(floor.path("store_txn_ms").path("count").asLong()).isEqualTo(20);
    assertPositive(r, "create_to_floor_p50_ratio");
    assertThat(r.path("full_store_growth_pct").isNumber()).isTrue();

    JsonNode apply = r.path("apply_batch_ms");
    assertThat(apply.path("runs")).hasSize(1);
    apply.path("runs").forEach(x -> assertThat(x.asDouble()).isPositive());
    assertPositive(apply, "median");
    assertThat(apply.path("batch_size").asInt()).isEqualTo(50);

    JsonNode list = r.path("list_ms");
    assertPositive(list, "p50");
    assertPositive(list, "p99");
    assertThat(list.path("page_size").asInt()).isEqualTo(20);
    assertThat(list.path("repeats").asInt()).isEqualTo(3);
    assertThat(list.path("items_per_page").asInt()).isEqualTo(20);
    assertThat(list.path("circuits_in_store").asLong()).isGreaterThanOrEqualTo(20);

    JsonNode raw = r.path("raw_sqlite_commit_ms");
    assertPositive(raw, "p50");
    assertPositive(raw, "p99");
    assertThat(raw.path("count").asLong()).isEqualTo(20);
    assertThat(raw.path("journal_mode").asText()).isEqualToIgnoringCase("wal");
    assertThat(raw.path("synchronous").asText()).isEqualTo("FULL");
    for (String target : TARGETS) {
      assertThat(r.path("met").path(target).isBoolean()).as("%s met.%s", t, target).isTrue();
    }
  }

  private static void checkDiagnostics(JsonNode diag) {
    for (String f :
        List.of(
            "grpc_get_circuit_ms",
            "inprocess_plan_single_ms",
            "inprocess_create_ms",
            "file_append_fdatasync_ms",
            "store_txn_single_ms",
            "store_txn_single_to_watch_ms")) {
      assertPositive(diag.path(f), "p50");
      assertThat(diag.path(f).path("count").asLong()).as("diagnostics.%s.count", f).isEqualTo(5);
    }
    for (String f : List.of("inprocess_plan_batch_ms", "store_txn_batch_ms")) {
      assertPositive(diag.path(f), "median");
      assertThat(diag.path(f).path("runs")).hasSize(1);
    }
  }

  private static void assertPositive(JsonNode node, String field) {
    assertThat(node.path(field).isNumber()).as("%s is a number in %s", field, node).isTrue();
    assertThat(node.path(field).asDouble()).as("%s in %s", field, node).isPositive();
  }
}
