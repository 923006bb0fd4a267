package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.CircuitPhase;

/**
 * The NOC benchmark's JSON document: the machine, the parameters (what was real and what was put in
 * place), the HTTP figures and the dashboard's loads, each beside its target, the anchor, and
 * whether each target was met.
 */
final class NocReport {
  static final double TARGET_VIEW_LOAD_MS = 2000;
  static final double TARGET_METRICS_MS = 1000;
  static final long TARGET_METRICS_BYTES = 10L * 1024 * 1024;

  /** What one run measured. */
  record Run(
      NocRun.Setup setup,
      Map<String, NocHttp.Figure> http,
      double httpSeconds,
      double httpCpuSeconds,
      long otherStoreWritesDuringHttp,
      List<NocBrowser.Loads> browser,
      String browserSkipped,
      String browserVersion,
      double[] busy,
      long heapMb,
      double fleetCpuSeconds,
      long polls) {}

  private NocReport() {}

  static ObjectNode build(
      NocBenchmark o, Run run, Path cwd, Path data, Instant started, double[] busyBefore)
      throws IOException {
    ObjectNode root = BenchJson.root("noc", started, Duration.between(started, Instant.now()));
    machine(root.putObject("machine"), run, cwd, data, busyBefore, o.keepData);
    NocReportParameters.put(root.putObject("parameters"), o, run);
    ObjectNode results = root.putObject("results");
    ObjectNode http = results.putObject("http");
    run.http().forEach((name, f) -> http.set(name, figure(f)));
    http.put(
        "what",
        "each: --warmup unmeasured requests, then --requests measured one at a time, from sending"
            + " to the whole body read; first_ms is the first unmeasured one");
    detail(http, run);
    if (run.browser() != null) {
      ObjectNode b = results.putObject("browser");
      b.set("region_map", loads(run.browser().get(0), cwd));
      b.set("council_view", loads(run.browser().get(1), cwd));
    } else {
      results.putNull("browser");
      results.put("browser_skipped", run.browserSkipped());
    }
    ObjectNode ctl = results.putObject("controller");
    ctl.put("heap_after_full_gc_mb", run.heapMb());
    ctl.put("snmp_polls", run.polls());
    ctl.put("http_phase_s", Stats.round3(run.httpSeconds()));
    ctl.put("http_phase_cpu_s", Stats.round3(run.httpCpuSeconds()));
    ctl.put("store_writes_during_http_not_the_harness", run.otherStoreWritesDuringHttp());
    ctl.put("fleet_cpu_s", Stats.round3(run.fleetCpuSeconds()));
    targets(root, run);
    anchors(root, run);
    met(root, run);
    return root;
  }

  private static void machine(
      ObjectNode m, Run run, Path cwd, Path data, double[] busyBefore, boolean keptData)
      throws IOException {
    BenchJson.putJvm(m);
    m.put("os", BenchJson.os());
    // The data directory stays, but without the controller's data unless --keep-data.
    BenchJson.putFilesystem(m, Files.getFileStore(data), cwd, data, keptData);
    m.put("open_files_limit", OpenFiles.max());
    if (run.browserVersion() != null) {
      m.put("browser", run.browserVersion());
    }
    if (busyBefore != null) {
      m.put("other_processes_cores_before_run", Stats.round2(busyBefore[2]));
    }
    if (run.busy() != null) {
      ObjectNode b = BenchJson.putCpuBusy(m, run.busy(), Stats::round2);
      b.put(
          "note",
          "over the measured reads (HTTP and Chromium); other_processes includes the simulated"
              + " routers' JVM and Chromium, which this run starts");
    }
  }

  private static ObjectNode figure(NocHttp.Figure f) {
    ObjectNode n = BenchJson.object();
    n.put("path", f.path());
    n.put("requests", f.requests());
    n.put("first_ms", f.firstMs());
    n.put("p50_ms", f.p50Ms());
    n.put("p95_ms", f.p95Ms());
    n.put("max_ms", f.maxMs());
    n.put("bytes", f.bytes());
    n.put("content_type", f.contentType());
    return n;
  }

  /** What each answer held: the counts the checks compared. */
  private static void detail(ObjectNode http, Run run) throws IOException {
    NocRun.Setup s = run.setup();
    ObjectNode summary = (ObjectNode) http.path("summary");
    JsonNode body = BenchJson.read(run.http().get("summary").body());
    summary.set("counts", body.path("counts"));
    summary.put("councils", body.path("councils").size());
    summary.put("alarms", body.path("alarms").asLong());
    summary.put("what", "the region map's data: every council's worst phase and counts by phase");
    ((ObjectNode) http.path("summary_after_change"))
        .put(
            "what",
            "the same after a store write (one circuit's status written again, unchanged, and the"
                + " cache caught up before each request): worked out afresh from every circuit");
    ObjectNode cc = (ObjectNode) http.path("council_circuits");
    cc.put("council", s.council());
    cc.put("items", s.councilCircuits());
    cc.put("what", "the council view's list: the council's circuits with status");
    ObjectNode cl = (ObjectNode) http.path("council_links");
    cl.put("links", s.councilCircuits());
    cl.put("what", "the council view's live rates: every circuit's link as last polled");
    ObjectNode h = (ObjectNode) http.path("circuit_day_history");
    JsonNode series = BenchJson.read(run.http().get("circuit_day_history").body()).path("series");
    h.put("circuit", s.circuit());
    h.put("points", series.path(0).path("points").size());
    h.put("what", "the circuit view's day plot: 24 h at max_points=500");
    ((ObjectNode) http.path("metrics"))
        .put("what", "a Prometheus scrape of /metrics (text format 0.0.4)");
  }

  private static ObjectNode loads(NocBrowser.Loads l, Path cwd) {
    ObjectNode n = BenchJson.object();
    n.put("route", l.url());
    n.put("loads", l.runs().size());
    for (int m = 0; m < l.marks().size(); m++) {
      double[] v = new double[l.runs().size()];
      for (int k = 0; k < v.length; k++) {
        v[k] = l.runs().get(k)[m];
      }
      ObjectNode mark = n.putObject(l.marks().get(m) + "_ms");
      mark.put("p50", Stats.round2(Stats.median(v)));
      mark.put("max", Stats.round2(Arrays.stream(v).max().orElse(Double.NaN)));
      ArrayNode runs = mark.putArray("runs");
      Arrays.stream(v).forEach(x -> runs.add(Stats.round2(x)));
    }
    n.set("last_load_navigation", l.last().path("navigation"));
    n.set("last_load_api_calls", l.last().path("api"));
    n.put("screenshot", BenchPaths.recorded(cwd, l.screenshot()));
    return n;
  }

  /** The p50 of mark {@code mark} over a view's loads, ms. */
  static double p50(NocBrowser.Loads l, String mark) {
    int m = l.marks().indexOf(mark);
    return Stats.median(l.runs().stream().mapToDouble(r -> r[m]).toArray());
  }

  private static void targets(ObjectNode root, Run run) {
    ObjectNode t = root.putObject("targets");
    t.put("region_map_load_ms", TARGET_VIEW_LOAD_MS);
    t.put("council_view_load_ms", TARGET_VIEW_LOAD_MS);
    t.put("metrics_scrape_ms", TARGET_METRICS_MS);
    t.put("metrics_bytes", TARGET_METRICS_BYTES);
    for (String f :
        List.of(
            "summary",
            "summary_after_change",
            "council_circuits",
            "council_links",
            "circuit_day_history")) {
      t.putNull(f + "_ms");
    }
    ObjectNode basis = t.putObject("target_basis");
    basis.put(
        "region_map_load_ms",
        "results.browser.region_map.map_ms.p50: navigation start to every council's tile carrying"
            + " its state and the circuit total shown, painted");
    basis.put(
        "council_view_load_ms",
        "results.browser.council_view.rates_ms.p50: navigation start to the table's rows and count"
            + " and their live rates shown, painted");
    basis.put("metrics_scrape_ms", "results.http.metrics.p95_ms");
    basis.put("metrics_bytes", "results.http.metrics.bytes");
    basis.put(
        "http_api",
        "the issue names no target for the API calls alone (null): each is part of a view's 2 s");
  }

  private static void anchors(ObjectNode root, Run run) {
    ObjectNode a = root.putObject("anchors").putObject("netbox_interface_list");
    a.put("anchor_s_per_1000_items_low", 4);
    a.put("anchor_s_per_1000_items_high", 9);
    a.put(
        "what",
        "NetBox's REST API takes 4-9 s to list 1,000 interfaces: the anchor for listing and"
            + " inventory reads");
    a.put(
        "compares",
        "results.http.council_circuits: one council's circuits with their status, scaled to 1,000");
    NocHttp.Figure cc = run.http().get("council_circuits");
    double per = 1000.0 / run.setup().councilCircuits();
    a.put("ours_ms_per_1000_items_p50", Stats.round2(cc.p50Ms() * per));
    a.put("ours_ms_per_1000_items_p95", Stats.round2(cc.p95Ms() * per));
  }

  private static void met(ObjectNode root, Run run) {
    ObjectNode m = root.putObject("met");
    if (run.browser() != null) {
      m.put("region_map_load_ms", p50(run.browser().get(0), "map") < TARGET_VIEW_LOAD_MS);
      m.put("council_view_load_ms", p50(run.browser().get(1), "rates") < TARGET_VIEW_LOAD_MS);
    } else {
      m.putNull("region_map_load_ms");
      m.putNull("council_view_load_ms");
    }
    NocHttp.Figure metrics = run.http().get("metrics");
    m.put("metrics_scrape_ms", metrics.p95Ms() < TARGET_METRICS_MS);
    m.put("metrics_bytes", metrics.bytes() <= TARGET_METRICS_BYTES);
  }

  /** Phases as the JSON writes them. */
  static ObjectNode phases(Map<CircuitPhase, Integer> phases) {
    ObjectNode n = BenchJson.object();
    phases.forEach((p, c) -> n.put(p.name(), c));
    return n;
  }
}
