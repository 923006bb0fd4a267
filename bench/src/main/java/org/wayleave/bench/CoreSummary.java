package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The core benchmark's console summary: a few lines read back from its JSON document, each figure
 * with its target and whether it was met, then the diagnostics' breakdown and where the JSON went.
 */
final class CoreSummary {
  private final PrintStream o;

  CoreSummary(PrintStream out) {
    this.o = out;
  }

  void print(ObjectNode root, Path outFile) {
    ObjectNode m = (ObjectNode) root.get("machine");
    o.printf(
        Locale.ROOT,
        "Wayleave core benchmark, %s: %d cores, %d MB heap, Java %s, data on %s%n",
        root.get("date").asText(),
        m.get("cores").asInt(),
        m.get("max_heap_mb").asLong(),
        m.get("java_version").asText(),
        m.get("filesystem").get("type").asText());
    results((ObjectNode) root.get("results"), (ObjectNode) root.get("met"));
    if (root.has("diagnostics")) {
      diagnostics((ObjectNode) root.get("diagnostics"));
    }
    if (m.has("cpu_busy_during_run")) {
      o.printf(
          Locale.ROOT,
          "  CPU busy during the run: %.2f cores by the benchmark, %.2f cores by other processes%n",
          m.get("cpu_busy_during_run").get("benchmark_jvm_cores").asDouble(),
          m.get("cpu_busy_during_run").get("other_processes_cores").asDouble());
    }
    o.println("  written to " + outFile);
  }

  private void results(ObjectNode r, ObjectNode met) {
    ObjectNode c = (ObjectNode) r.get("create_ms");
    ObjectNode a = (ObjectNode) r.get("apply_batch_ms");
    ObjectNode l = (ObjectNode) r.get("list_ms");
    ObjectNode w = (ObjectNode) r.get("raw_sqlite_commit_ms");
    o.printf(
        Locale.ROOT,
        "  create (n=%d)        p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f ms   target p50"
            + " <= %.0f ms: %s%n",
        c.get("count").asLong(),
        c.get("p50").asDouble(),
        c.get("p90").asDouble(),
        c.get("p99").asDouble(),
        c.get("max").asDouble(),
        c.get("mean").asDouble(),
        CoreBenchmark.TARGET_CREATE_P50_MS,
        verdict(met, "create_p50_ms"));
    o.printf(
        Locale.ROOT,
        "  raw SQLite commit    p50 %.3f  p99 %.3f ms (n=%d); create/raw p50 ratio %.2f   target <="
            + " %.1f: %s%n",
        w.get("p50").asDouble(),
        w.get("p99").asDouble(),
        w.get("count").asLong(),
        r.get("create_vs_raw_commit_p50_ratio").asDouble(),
        CoreBenchmark.TARGET_CREATE_TO_RAW_RATIO_MAX,
        verdict(met, "create_to_raw_ratio_max"));
    o.printf(
        Locale.ROOT,
        "  apply x%d circuits   runs %s ms, median %.1f ms   target <= %.0f ms: %s%n",
        a.get("batch_size").asInt(),
        a.get("runs").toString(),
        a.get("median").asDouble(),
        CoreBenchmark.TARGET_APPLY_BATCH_MS,
        verdict(met, "apply_batch_ms"));
    o.printf(
        Locale.ROOT,
        "  list page %d         p50 %.3f  p99 %.3f ms (n=%d, %d circuits stored)   target p99 <="
            + " %.0f ms: %s%n",
        l.get("page_size").asInt(),
        l.get("p50").asDouble(),
        l.get("p99").asDouble(),
        l.get("repeats").asInt(),
        l.get("circuits_in_store").asLong(),
        CoreBenchmark.TARGET_LIST_MS,
        verdict(met, "list_ms"));
  }

  private void diagnostics(ObjectNode d) {
    o.printf(
        Locale.ROOT,
        "  breakdown (p50 ms): gRPC get %.3f | plan one %.3f | in-process create %.3f | store txn"
            + " %.3f | txn->watch %.3f%n",
        d.get("grpc_get_circuit_ms").get("p50").asDouble(),
        d.get("inprocess_plan_single_ms").get("p50").asDouble(),
        d.get("inprocess_create_ms").get("p50").asDouble(),
        d.get("store_txn_single_ms").get("p50").asDouble(),
        d.get("store_txn_single_to_watch_ms").get("p50").asDouble());
    o.printf(
        Locale.ROOT,
        "  breakdown batch (median ms): plan %.1f | store txn->watch %.1f%n",
        d.get("inprocess_plan_batch_ms").get("median").asDouble(),
        d.get("store_txn_batch_ms").get("median").asDouble());
    o.printf(
        Locale.ROOT,
        "  create on the full store (%d circuits) p50 %.3f p99 %.3f ms; file append+fdatasync p50"
            + " %.3f ms%n",
        d.get("grpc_create_full_store_ms").get("circuits_in_store_before").asLong(),
        d.get("grpc_create_full_store_ms").get("p50").asDouble(),
        d.get("grpc_create_full_store_ms").get("p99").asDouble(),
        d.get("file_append_fdatasync_ms").get("p50").asDouble());
  }

  private static String verdict(ObjectNode met, String key) {
    return met.get(key).asBoolean() ? "met" : "MISSED";
  }
}
