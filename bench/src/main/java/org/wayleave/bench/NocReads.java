package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Circuit;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Txn;

/**
 * The NOC's reads, measured on a settled controller: the HTTP API over HTTPS with the NOC's client
 * certificate ({@link NocHttp}), then the dashboard's views in Chromium ({@link NocBrowser}) unless
 * {@code --no-browser}. Every answer is checked against what was loaded before it counts.
 */
final class NocReads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final NocBenchmark o;
  private final Progress progress;
  private final Path data;
  private final Deadline deadline;

  /** The browser's name and version, once it has run. */
  private String browserVersion;

  NocReads(NocBenchmark o, Progress progress, Path data, Deadline deadline) {
    this.o = o;
    this.progress = progress;
    this.data = data;
    this.deadline = deadline;
  }

  NocReport.Run run(
      Controller c,
      HaPki pki,
      String token,
      NocInventory inv,
      Map<String, Integer> perCouncil,
      NocRun.Setup setup,
      TelemetryFleet fleet)
      throws Exception {
    String base = "https://127.0.0.1:" + c.httpPort();
    NocHttp http =
        new NocHttp(
            pki.httpClient(Duration.ofSeconds(10), NocRun.NOC), base, REQUEST_TIMEOUT, deadline);
    long rev0 = c.store().revision();
    CpuUse busy = new CpuUse();
    long cpu0 = JvmMetrics.processCpuNanos();
    long t0 = System.nanoTime();
    Map<String, NocHttp.Figure> figures = httpFigures(c, http, setup);
    double httpSeconds = (System.nanoTime() - t0) / 1e9;
    double httpCpu = (JvmMetrics.processCpuNanos() - cpu0) / 1e9;
    long moved = c.store().revision() - rev0 - o.requests - o.warmup;
    List<NocBrowser.Loads> loads = null;
    String why = "--no-browser";
    if (!o.noBrowser) {
      int withCircuits = (int) perCouncil.values().stream().filter(n -> n > 0).count();
      NocBrowser.Expect expect =
          new NocBrowser.Expect(
              inv.councils(), withCircuits, o.circuits, setup.council(), setup.councilCircuits());
      loads = browse(base, token, expect);
      why = null;
    }
    double[] busyCores = busy.since();
    long heap = JvmMetrics.heapAfterFullGcMb();
    return new NocReport.Run(
        setup,
        figures,
        httpSeconds,
        httpCpu,
        moved,
        loads,
        why,
        browserVersion,
        busyCores,
        heap,
        fleet.cpuSeconds(),
        c.poller().stats().polls());
  }

  /** Each HTTP figure, checked against what was loaded. */
  private Map<String, NocHttp.Figure> httpFigures(Controller c, NocHttp http, NocRun.Setup setup)
      throws Exception {
    Map<String, NocHttp.Figure> out = new LinkedHashMap<>();
    int w = o.warmup;
    int n = o.requests;
    progress.say("HTTP: %d requests of each figure after %d unmeasured", n, w);
    out.put("summary", checkSummary(http.measure("/api/v1/summary", w, n)));
    Circuit touched = c.state().cache().circuitWithStatus(setup.circuit());
    out.put(
        "summary_after_change",
        checkSummary(http.measure("/api/v1/summary", w, n, () -> rewriteStatus(c, touched))));
    String council = URLEncoder.encode(setup.council(), StandardCharsets.UTF_8);
    out.put(
        "council_circuits",
        checkCount(
            http.measure("/api/v1/circuits?council=" + council, w, n),
            "items",
            setup.councilCircuits()));
    out.put(
        "council_links",
        checkCount(
            http.measure("/api/v1/telemetry/links?council=" + council, w, n),
            "links",
            setup.councilCircuits()));
    Instant until = Instant.now();
    String history =
        "/api/v1/telemetry/history?circuit="
            + URLEncoder.encode(setup.circuit(), StandardCharsets.UTF_8)
            + "&since="
            + until.minus(Duration.ofDays(1))
            + "&until="
            + until
            + "&max_points=500";
    out.put("circuit_day_history", checkHistory(http.measure(history, w, n)));
    out.put("metrics", checkMetrics(http.measure("/metrics", w, n)));
    for (Map.Entry<String, NocHttp.Figure> e : out.entrySet()) {
      NocHttp.Figure f = e.getValue();
      progress.say(
          "  %-22s p50 %8.1f ms  p95 %8.1f ms  max %8.1f ms  %,d bytes",
          e.getKey(), f.p50Ms(), f.p95Ms(), f.maxMs(), f.bytes());
    }
    return out;
  }

  /**
   * Writes {@code circuit}'s status again, unchanged, as the status writer would after a poll, and
   * waits until the cache has it: the summary must then be worked out afresh.
   */
  private static void rewriteStatus(Controller c, Circuit circuit) throws InterruptedException {
    long rev =
        c.store()
            .txn(
                Txn.builder(new Audit("system:reconciler", "bench noc: status unchanged"))
                    .put(
                        Kind.CIRCUIT_STATUS_PREFIX + circuit.getId(),
                        circuit.getStatus().toByteArray())
                    .build())
            .revision();
    if (!c.state().cache().awaitRevision(rev, Duration.ofSeconds(10))) {
      throw new IllegalStateException("the cache did not reach revision " + rev);
    }
  }

  private NocHttp.Figure checkSummary(NocHttp.Figure f) throws Exception {
    JsonNode s = JSON.readTree(f.body());
    long total = 0;
    for (JsonNode v : s.path("counts")) {
      total += v.asLong();
    }
    if (total != o.circuits) {
      throw new IllegalStateException(
          "the summary counts " + total + " circuits, not " + o.circuits);
    }
    return f;
  }

  private static NocHttp.Figure checkCount(NocHttp.Figure f, String field, int want)
      throws Exception {
    int got = JSON.readTree(f.body()).path(field).size();
    if (got != want) {
      throw new IllegalStateException(
          f.path() + " answered " + got + " " + field + ", not " + want);
    }
    return f;
  }

  private static NocHttp.Figure checkHistory(NocHttp.Figure f) throws Exception {
    JsonNode series = JSON.readTree(f.body()).path("series");
    int points = series.path(0).path("points").size();
    if (series.size() != 1 || points < 1 || points > 500) {
      throw new IllegalStateException(
          "the day history has " + series.size() + " series, " + points + " points in the first");
    }
    return f;
  }

  private static NocHttp.Figure checkMetrics(NocHttp.Figure f) {
    if (!f.body().contains("wayleave_")) {
      throw new IllegalStateException("/metrics answered no wayleave_ series");
    }
    return f;
  }

  /** The region map and the council view, each loaded in Chromium. */
  private List<NocBrowser.Loads> browse(String base, String token, NocBrowser.Expect expect)
      throws Exception {
    Chromium.Binaries b =
        Chromium.find().orElseThrow(() -> new IllegalStateException(Chromium.missing()));
    Path shots = Files.createDirectories(data.resolve("screenshots"));
    Duration timeout = Duration.ofSeconds(o.browserTimeoutSeconds);
    progress.say(
        "Chromium: %d loads of each view after %d unmeasured", o.browserLoads, o.browserWarmup);
    try (NocBrowser browser = NocBrowser.start(b, data, base + "/", expect, timeout)) {
      browserVersion = browser.version();
      browser.signIn(token);
      NocBrowser.Loads region =
          browser.measure(
              "region map",
              "#/",
              List.of("map_dom", "map"),
              o.browserWarmup,
              o.browserLoads,
              shots.resolve("noc-region-map.png"));
      deadline.remaining();
      NocBrowser.Loads council =
          browser.measure(
              "council",
              "#/council/" + expect.council(),
              List.of("table_dom", "table", "rates_dom", "rates"),
              o.browserWarmup,
              o.browserLoads,
              shots.resolve("noc-council.png"));
      return List.of(region, council);
    }
  }
}
