package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
    ObjectNode results = (ObjectNode) root.get("results");
    for (JsonNode t : root.get("parameters").get("transports")) {
      String transport = t.asText();
      o.println("  [" + transport + "]");
      ObjectNode r = (ObjectNode) results.get(transport);
      results(r, (ObjectNode) r.get("met"));
      if (root.has("diagnostics") && root.get("diagnostics").has(transport)) {
        diagnostics((ObjectNode) root.get("diagnostics").get(transport));
      }
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
    ObjectNode f = (ObjectNode) r.get("floor_ms");
    ObjectNode full = (ObjectNode) r.get("create_full_store_ms");
    ObjectNode a = (ObjectNode) r.get("apply_batch_ms");
    ObjectNode l = (ObjectNode) r.get("list_ms");
    ObjectNode w = (ObjectNode) r.get("raw_sqlite_commit_ms");
    o.printf(
        Locale.ROOT,
        "  create (n=%d, %d stored) p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms   target p50 <= %.0f"
            + " ms: %s%n",
        c.get("count").asLong(),
        c.get("circuits_in_store_before").asLong(),
        c.get("p50").asDouble(),
        c.get("p90").asDouble(),
        c.get("p99").asDouble(),
        c.get("max").asDouble(),
        CoreBenchmark.TARGET_CREATE_P50_MS,
        verdict(met, "create_p50_ms"));
    o.printf(
        Locale.ROOT,
        "  floor p50 %.3f ms (GetCircuit %.3f + store txn %.3f); create/floor p50 %.2f   target <="
            + " %.1f: %s%n",
        f.get("p50").asDouble(),
        f.get("grpc_get_circuit_ms").get("p50").asDouble(),
        f.get("store_txn_ms").get("p50").asDouble(),
        r.get("create_to_floor_p50_ratio").asDouble(),
        CoreBenchmark.TARGET_CREATE_TO_FLOOR_RATIO_MAX,
        verdict(met, "create_to_floor_ratio_max"));
    o.printf(
        Locale.ROOT,
        "  create on %d stored  p50 %.3f  p90 %.3f  p99 %.3f ms; growth %+.1f %%   target <= %.0f"
            + " %%: %s%n",
        full.get("circuits_in_store_before").asLong(),
        full.get("p50").asDouble(),
        full.get("p90").asDouble(),
        full.get("p99").asDouble(),
        r.get("full_store_growth_pct").asDouble(),
        CoreBenchmark.TARGET_FULL_STORE_GROWTH_PCT_MAX,
        verdict(met, "full_store_growth_pct_max"));
    o.printf(
        Locale.ROOT,
        "  raw SQLite commit    p50 %.3f  p99 %.3f ms (n=%d)%n",
        w.get("p50").asDouble(),
        w.get("p99").asDouble(),
        w.get("count").asLong());
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
        "  file append+fdatasync p50 %.3f ms%n",
        d.get("file_append_fdatasync_ms").get("p50").asDouble());
  }

  private static String verdict(ObjectNode met, String key) {
    return met.get(key).asBoolean() ? "met" : "MISSED";
  }
}
