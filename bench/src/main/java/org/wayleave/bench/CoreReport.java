package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The core benchmark's JSON document: the machine it ran on, its parameters, the measured results
 * of each transport side by side, the targets with whether each was met, the anchors, the
 * diagnostics and the notes.
 */
final class CoreReport {
  private final CoreOptions o;
  private final Workload workload;
  private final List<CoreFigures> figures;
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

  private CoreReport(CoreOptions o, Workload workload, List<CoreFigures> figures, Run run) {
    this.o = o;
    this.workload = workload;
    this.figures = figures;
    this.run = run;
  }

  static ObjectNode build(CoreOptions o, Workload workload, List<CoreFigures> figures, Run run) {
    return new CoreReport(o, workload, figures, run).root();
  }

  private ObjectNode root() {
    ObjectNode root = BenchJson.root("core", run.started(), run.took());
    machine(root.putObject("machine"));
    parameters(root.putObject("parameters"));
    results(root);
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
    params.put("store_circuits", o.storeCircuits);
    params.put("store_seed_circuits", o.storeSeedCircuits);
    params.put("store_devices", o.storeDevices);
    o.transports.forEach(params.putArray("transports")::add);
    params.put(
        "transport",
        "gRPC, Netty, 127.0.0.1, one channel, blocking stub, sequential; mtls: mutual TLS on both"
            + " gRPC ports and HTTPS (a CA made for the run), the client an engineer with its own"
            + " certificate; plaintext: the same without TLS, for comparison");
  }

  /**
   * {@code results} of each transport, then {@code targets}, {@code target_basis}, {@code anchors}
   * and {@code met} (judged on the mutual TLS run, as deployed; each transport's own verdicts are
   * in its results).
   */
  private void results(ObjectNode root) {
    ObjectNode results = root.putObject("results");
    ObjectNode diagnostics = BenchJson.object();
    for (CoreFigures f : figures) {
      ObjectNode r = results.putObject(f.transport());
      transportResults(r, f);
      met(r.putObject("met"), f);
      if (f.diagnostics() != null) {
        diagnostics.set(f.transport(), f.diagnostics());
      }
    }
    CoreFigures tls = find(CoreSession.MTLS);
    CoreFigures plain = find(CoreSession.PLAINTEXT);
    if (tls != null && plain != null) {
      ObjectNode cost = results.putObject("tls_cost");
      cost.put("create_p50_ms", Latency.ms(p50(tls.create()) - p50(plain.create())));
      cost.put("floor_p50_ms", Latency.ms(tls.floor().p50Ms() - plain.floor().p50Ms()));
      cost.put("what", "mutual TLS minus plaintext: what TLS and authentication add to each call");
    }
    targets(root);
    CoreFigures judged = tls != null ? tls : figures.get(0);
    root.put("judged_on", judged.transport());
    met(root.putObject("met"), judged);
    if (!diagnostics.isEmpty()) {
      root.set("diagnostics", diagnostics);
    }
  }

  private CoreFigures find(String transport) {
    return figures.stream().filter(f -> f.transport().equals(transport)).findFirst().orElse(null);
  }

  private void transportResults(ObjectNode r, CoreFigures f) {
    ObjectNode create = f.create().latency().full();
    create.put("circuits_in_store_before", f.create().circuitsBefore());
    r.set("create_ms", create);
    ObjectNode floor = r.putObject("floor_ms");
    floor.put("p50", Latency.ms(f.floor().p50Ms()));
    floor.set("grpc_get_circuit_ms", f.floor().get().full());
    floor.set("store_txn_ms", f.floor().txn().full());
    floor.put(
        "what",
        "p50 of a GetCircuit round trip on the creates' channel (no write) plus p50 of one store"
            + " transaction (a compare and a put of a stored circuit's size, fsync'd, on a fresh"
            + " store of its own on the same filesystem), measured in blocks between the creates'");
    r.put("create_to_floor_p50_ratio", Stats.round2(f.floorRatio()));
    ObjectNode full = f.full().latency().full();
    full.put("circuits_in_store_before", f.full().circuitsBefore());
    full.put("fill_on_seed_routers", f.fill().onSeedRouters());
    full.put("fill_devices", f.fill().devices());
    full.put("fill_s", Stats.round2(f.fill().seconds()));
    full.put(
        "what",
        "the same creates (same ids, routers, ports and suppliers, after their own warm-up) on a"
            + " second controller whose store was filled to circuits_in_store_before, in blocks"
            + " of "
            + CreateRounds.BLOCK
            + " taking turns with the seeded store's");
    r.set("create_full_store_ms", full);
    r.put("full_store_growth_pct", Stats.round2(f.growthPct()));
    ObjectNode apply = Latency.runs(f.apply().nanos());
    apply.put("batch_size", o.sizes.batch);
    apply.put("request_bytes", f.apply().requestBytes());
    apply.put("response_bytes", f.apply().responseBytes());
    r.set("apply_batch_ms", apply);
    ListPhase.Result list = f.list();
    ObjectNode listNode = r.putObject("list_ms");
    listNode.put("p50", Latency.ms(list.latency().percentileMs(50)));
    listNode.put("p99", Latency.ms(list.latency().percentileMs(99)));
    listNode.put("max", Latency.ms(list.latency().maxMs()));
    listNode.put("page_size", o.list);
    listNode.put("repeats", o.listRepeats);
    listNode.put("items_per_page", list.items());
    listNode.put("circuits_in_store", list.circuitsInStore());
    Latency raw = f.raw();
    ObjectNode rawNode = r.putObject("raw_sqlite_commit_ms");
    rawNode.put("p50", Latency.ms(raw.percentileMs(50)));
    rawNode.put("p99", Latency.ms(raw.percentileMs(99)));
    rawNode.put("max", Latency.ms(raw.maxMs()));
    rawNode.put("mean", Latency.ms(raw.meanMs()));
    rawNode.put("count", raw.count());
    rawNode.put("journal_mode", f.rawSettings().journalMode());
    int sync = f.rawSettings().synchronous();
    rawNode.put("synchronous", sync == 2 ? "FULL" : String.valueOf(sync));
    r.put("create_vs_raw_commit_p50_ratio", Stats.round2(p50(f.create()) / raw.percentileMs(50)));
  }

  private static double p50(CoreFigures.Creates c) {
    return c.latency().percentileMs(50);
  }

  private void targets(ObjectNode root) {
    ObjectNode targets = root.putObject("targets");
    targets.put("create_p50_ms", CoreBenchmark.TARGET_CREATE_P50_MS);
    targets.put("create_to_floor_ratio_max", CoreBenchmark.TARGET_CREATE_TO_FLOOR_RATIO_MAX);
    targets.put("full_store_growth_pct_max", CoreBenchmark.TARGET_FULL_STORE_GROWTH_PCT_MAX);
    targets.put("apply_batch_ms", CoreBenchmark.TARGET_APPLY_BATCH_MS);
    targets.put("list_ms", CoreBenchmark.TARGET_LIST_MS);
    ObjectNode basis = root.putObject("target_basis");
    basis.put("create_p50_ms", "results.<transport>.create_ms.p50 <= target");
    basis.put(
        "create_to_floor_ratio_max", "results.<transport>.create_to_floor_p50_ratio <= target");
    basis.put(
        "full_store_growth_pct_max",
        "results.<transport>.full_store_growth_pct <= target (create_full_store_ms.p50 against"
            + " create_ms.p50)");
    basis.put("apply_batch_ms", "results.<transport>.apply_batch_ms.median <= target");
    basis.put("list_ms", "results.<transport>.list_ms.p99 <= target");
    ObjectNode anchors = root.putObject("anchors");
    anchors.put("create_p50_ms", CoreBenchmark.ANCHOR_ONOS_INTENT_MS);
    anchors.put("apply_batch_ms", CoreBenchmark.ANCHOR_ONOS_5000_INTENTS_MS);
    anchors.put(
        "what",
        "ONOS: 15.5 ms per intent submitted one at a time, 365 ms per batch of 5,000 intents (to"
            + " installed only); for comparison, not targets");
  }

  private static void met(ObjectNode met, CoreFigures f) {
    met.put("create_p50_ms", p50(f.create()) <= CoreBenchmark.TARGET_CREATE_P50_MS);
    met.put(
        "create_to_floor_ratio_max",
        f.floorRatio() <= CoreBenchmark.TARGET_CREATE_TO_FLOOR_RATIO_MAX);
    met.put(
        "full_store_growth_pct_max",
        f.growthPct() <= CoreBenchmark.TARGET_FULL_STORE_GROWTH_PCT_MAX);
    met.put(
        "apply_batch_ms",
        Stats.median(f.apply().nanos()) / 1e6 <= CoreBenchmark.TARGET_APPLY_BATCH_MS);
    met.put("list_ms", f.list().latency().percentileMs(99) <= CoreBenchmark.TARGET_LIST_MS);
  }
}
