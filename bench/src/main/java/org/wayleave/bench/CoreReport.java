package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The core benchmark's JSON document: the machine it ran on, its parameters, the measured results,
 * the targets with whether each was met, the diagnostics and the notes.
 */
final class CoreReport {
  private final CoreOptions o;
  private final Workload workload;
  private final CoreFigures figures;
  private final Run run;

  /**
   * Where and how the run went, besides its figures.
   *
   * @param dataDirKept whether the data directory stays after the run
   * @param cpuUse {@link CpuUse#since()} over the run, or null
   */
  record Run(
      Instant started,
      Duration took,
      Path cwd,
      Path dataDir,
      boolean dataDirKept,
      FileStore fs,
      double loadStart,
      double loadEnd,
      double[] cpuUse) {}

  private CoreReport(CoreOptions o, Workload workload, CoreFigures figures, Run run) {
    this.o = o;
    this.workload = workload;
    this.figures = figures;
    this.run = run;
  }

  static ObjectNode build(CoreOptions o, Workload workload, CoreFigures figures, Run run) {
    return new CoreReport(o, workload, figures, run).root();
  }

  private ObjectNode root() {
    ObjectNode root = BenchJson.root("core", run.started(), run.took());
    machine(root.putObject("machine"));
    parameters(root.putObject("parameters"));
    results(root);
    if (figures.diagnostics() != null) {
      root.set("diagnostics", figures.diagnostics());
    }
    if (o.jfr != null) {
      root.put("jfr", o.jfr.toAbsolutePath().toString());
    }
    ArrayNode noteArray = BenchJson.putNotes(root, o.said.notes);
    String fsType = run.fs().type();
    if (CoreBenchmark.isMemoryFs(fsType)) {
      noteArray.add(
          "data directory on "
              + fsType
              + ": fsync is free there, so store figures are not representative");
    }
    return root;
  }

  private void machine(ObjectNode machine) {
    BenchJson.putJvm(machine);
    machine.put("os", BenchJson.os());
    BenchJson.putFilesystem(machine, run.fs(), run.cwd(), run.dataDir(), run.dataDirKept());
    // The 1-minute load average lags: at the start it still counts whatever ran just before (such
    // as bench/run's own build). cpu_busy_during_run is the precise figure.
    machine.put("load_average_1m_start", Stats.round2(run.loadStart()));
    machine.put("load_average_1m_end", Stats.round2(run.loadEnd()));
    if (run.cpuUse() != null) {
      BenchJson.putCpuBusy(machine, run.cpuUse(), Stats::round2);
    }
  }

  private void parameters(ObjectNode params) {
    params.put("seed", CoreBenchmark.SEED);
    params.put("councils", workload.councils());
    params.put("circuit_ports", workload.ports());
    params.put("committed_mbps", Workload.COMMITTED_MBPS);
    o.sizes.put(params);
    params.put("list", o.list);
    params.put("list_repeats", o.listRepeats);
    params.put("list_warmup", o.listWarmup());
    params.put("raw_commits", o.rawCommits);
    params.put("raw_warmup", CoreBenchmark.RAW_WARMUP);
    params.put("raw_blob_bytes", RawSqliteCommit.BLOB_BYTES);
    params.put("diag", o.diag);
    params.put(
        "transport", "gRPC, Netty, plaintext, 127.0.0.1, one channel, blocking stub, sequential");
  }

  /** {@code results}, then {@code targets}, {@code target_basis} and {@code met}. */
  private void results(ObjectNode root) {
    Latency create = figures.create().latency();
    Latency raw = figures.raw();
    ListPhase.Result list = figures.list();
    ObjectNode results = root.putObject("results");
    results.set("create_ms", create.full());
    ObjectNode apply = Latency.runs(figures.apply().nanos());
    apply.put("batch_size", o.sizes.batch);
    apply.put("request_bytes", figures.apply().requestBytes());
    apply.put("response_bytes", figures.apply().responseBytes());
    results.set("apply_batch_ms", apply);
    ObjectNode listNode = results.putObject("list_ms");
    listNode.put("p50", Latency.ms(list.latency().percentileMs(50)));
    listNode.put("p99", Latency.ms(list.latency().percentileMs(99)));
    listNode.put("max", Latency.ms(list.latency().maxMs()));
    listNode.put("page_size", o.list);
    listNode.put("repeats", o.listRepeats);
    listNode.put("items_per_page", list.items());
    listNode.put("circuits_in_store", list.circuitsInStore());
    ObjectNode rawNode = results.putObject("raw_sqlite_commit_ms");
    rawNode.put("p50", Latency.ms(raw.percentileMs(50)));
    rawNode.put("p99", Latency.ms(raw.percentileMs(99)));
    rawNode.put("max", Latency.ms(raw.maxMs()));
    rawNode.put("mean", Latency.ms(raw.meanMs()));
    rawNode.put("count", raw.count());
    rawNode.put("journal_mode", figures.rawSettings().journalMode());
    int sync = figures.rawSettings().synchronous();
    rawNode.put("synchronous", sync == 2 ? "FULL" : String.valueOf(sync));
    double ratio = create.percentileMs(50) / raw.percentileMs(50);
    results.put("create_vs_raw_commit_p50_ratio", Stats.round2(ratio));
    targets(root, ratio, apply.get("median").asDouble());
  }

  private void targets(ObjectNode root, double createToRaw, double applyMedianMs) {
    ObjectNode targets = root.putObject("targets");
    targets.put("create_p50_ms", CoreBenchmark.TARGET_CREATE_P50_MS);
    targets.put("create_to_raw_ratio_max", CoreBenchmark.TARGET_CREATE_TO_RAW_RATIO_MAX);
    targets.put("apply_batch_ms", CoreBenchmark.TARGET_APPLY_BATCH_MS);
    targets.put("list_ms", CoreBenchmark.TARGET_LIST_MS);
    ObjectNode basis = root.putObject("target_basis");
    basis.put("create_p50_ms", "results.create_ms.p50 <= target");
    basis.put("create_to_raw_ratio_max", "results.create_vs_raw_commit_p50_ratio <= target");
    basis.put("apply_batch_ms", "results.apply_batch_ms.median <= target");
    basis.put("list_ms", "results.list_ms.p99 <= target");
    ObjectNode met = root.putObject("met");
    met.put(
        "create_p50_ms",
        figures.create().latency().percentileMs(50) <= CoreBenchmark.TARGET_CREATE_P50_MS);
    met.put("create_to_raw_ratio_max", createToRaw <= CoreBenchmark.TARGET_CREATE_TO_RAW_RATIO_MAX);
    met.put("apply_batch_ms", applyMedianMs <= CoreBenchmark.TARGET_APPLY_BATCH_MS);
    met.put("list_ms", figures.list().latency().percentileMs(99) <= CoreBenchmark.TARGET_LIST_MS);
  }
}
