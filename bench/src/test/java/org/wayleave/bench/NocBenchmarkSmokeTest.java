package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The NOC benchmark at toy size (200 circuits on 20 routers, so a few of London's councils hold
 * none), end to end, so it cannot rot: every figure is there and sane, never how fast. Chromium's
 * part runs where Chromium and its driver are installed; elsewhere the HTTP part still runs and the
 * test is then reported skipped, unless {@code WAYLEAVE_REQUIRE_SYSTEM_TESTS=1} (CI), where a
 * missing Chromium fails it.
 */
class NocBenchmarkSmokeTest {
  private static final int DEVICES = 20;
  private static final int CIRCUITS = 200;

  /** Polls this often, so the two polls a rate needs come within seconds. */
  private static final int POLL_S = 5;

  @TempDir Path dir;

  @Test
  void runsEndToEndAndWritesEveryFigure() throws Exception {
    String missing = Chromium.missing();
    if (missing != null && "1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
      Assertions.fail(missing + " (WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 makes system tests required)");
    }
    JsonNode doc = run(missing != null);
    checkParameters(doc.path("parameters"));
    checkHttp(doc.path("results").path("http"), doc.path("parameters"));
    JsonNode met = doc.path("met");
    assertThat(met.path("metrics_scrape_ms").isBoolean()).isTrue();
    assertThat(met.path("metrics_bytes").booleanValue()).isTrue();
    assertThat(doc.path("targets").path("region_map_load_ms").asDouble()).isEqualTo(2000);
    assertThat(
            doc.path("anchors")
                .path("netbox_interface_list")
                .path("ours_ms_per_1000_items_p50")
                .asDouble())
        .isPositive();
    assertThat(doc.path("results").path("controller").path("heap_after_full_gc_mb").asLong())
        .isPositive();
    if (missing != null) {
      assertThat(doc.path("results").path("browser").isNull()).isTrue();
      Assumptions.abort(
          "the HTTP part ran; the browser part is skipped: "
              + missing
              + " (set WAYLEAVE_REQUIRE_SYSTEM_TESTS=1 to make it fail instead)");
    }
    checkBrowser(doc.path("results").path("browser"));
    assertThat(met.path("region_map_load_ms").isBoolean()).isTrue();
    assertThat(met.path("council_view_load_ms").isBoolean()).isTrue();
  }

  private JsonNode run(boolean noBrowser) throws Exception {
    Path out = dir.resolve("noc.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--devices",
                Integer.toString(DEVICES),
                "--circuits",
                Integer.toString(CIRCUITS),
                "--requests",
                "3",
                "--warmup",
                "1",
                "--browser-loads",
                "2",
                "--fleet-heap",
                "256m",
                "--quiet-s",
                "1",
                "--poll-interval-s",
                Integer.toString(POLL_S),
                "--out",
                out.toString(),
                "--dir",
                dir.resolve("data").toString(),
                "--timeout-s",
                "300"));
    if (noBrowser) {
      args.add("--no-browser");
    }
    int code = new CommandLine(new NocBenchmark()).execute(args.toArray(String[]::new));
    assertThat(code).isZero();
    JsonNode doc = new ObjectMapper().readTree(out.toFile());
    assertThat(doc.path("benchmark").asText()).isEqualTo("noc");
    assertThat(doc.path("date").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
    return doc;
  }

  private static void checkParameters(JsonNode p) {
    assertThat(p.path("devices").asInt()).isEqualTo(DEVICES);
    assertThat(p.path("circuits").asInt()).isEqualTo(CIRCUITS);
    assertThat(p.path("councils").asInt()).isEqualTo(33);
    // 20 routers over 33 councils: one router each at most, ten circuits each.
    assertThat(p.path("council_circuits").asInt()).isEqualTo(10);
    assertThat(p.path("real")).isNotEmpty();
    assertThat(p.path("prefilled")).isNotEmpty();
    JsonNode setup = p.path("setup");
    int phases = 0;
    for (JsonNode n : setup.path("phases_written")) {
      phases += n.asInt();
    }
    assertThat(phases).isEqualTo(CIRCUITS);
    assertThat(setup.path("phases_written").path("CIRCUIT_PHASE_ACTIVE").asInt())
        .isGreaterThan(CIRCUITS / 2);
    assertThat(setup.path("history_interfaces").asInt()).isEqualTo(CIRCUITS);
    // Per circuit: 23 hours at 5 minutes (276), then every poll for the last hour (720).
    assertThat(setup.path("history_polls_written").asLong())
        .isEqualTo(CIRCUITS * (276L + 3600 / POLL_S));
  }

  private static void checkHttp(JsonNode http, JsonNode p) {
    for (String f :
        List.of(
            "summary",
            "summary_after_change",
            "council_circuits",
            "council_links",
            "circuit_day_history",
            "metrics")) {
      JsonNode n = http.path(f);
      assertThat(n.path("requests").asInt()).as(f).isEqualTo(3);
      assertThat(n.path("p50_ms").asDouble()).as(f).isPositive();
      assertThat(n.path("p95_ms").asDouble())
          .as(f)
          .isGreaterThanOrEqualTo(n.path("p50_ms").asDouble());
      assertThat(n.path("max_ms").asDouble())
          .as(f)
          .isGreaterThanOrEqualTo(n.path("p95_ms").asDouble());
      assertThat(n.path("bytes").asLong()).as(f).isPositive();
    }
    JsonNode counts = http.path("summary").path("counts");
    int total = 0;
    for (JsonNode n : counts) {
      total += n.asInt();
    }
    assertThat(total).isEqualTo(CIRCUITS);
    assertThat(counts).isEqualTo(p.path("setup").path("phases_written"));
    assertThat(http.path("summary").path("councils").asInt()).isEqualTo(33);
    assertThat(http.path("council_circuits").path("items").asInt()).isEqualTo(10);
    int points = http.path("circuit_day_history").path("points").asInt();
    // A day at the 5-minute tier: 288 points, give or take the ends.
    assertThat(points).isBetween(280, 500);
    assertThat(http.path("metrics").path("content_type").asText()).startsWith("text/plain");
  }

  private static void checkBrowser(JsonNode b) {
    JsonNode map = b.path("region_map");
    assertThat(map.path("loads").asInt()).isEqualTo(2);
    assertThat(map.path("map_ms").path("p50").asDouble()).isPositive();
    assertThat(map.path("map_ms").path("p50").asDouble())
        .isGreaterThanOrEqualTo(map.path("map_dom_ms").path("p50").asDouble());
    assertThat(map.path("map_ms").path("runs")).hasSize(2);
    JsonNode council = b.path("council_view");
    assertThat(council.path("table_ms").path("p50").asDouble()).isPositive();
    // The rates come with or after the rows they fill.
    assertThat(council.path("rates_ms").path("p50").asDouble())
        .isGreaterThanOrEqualTo(council.path("table_ms").path("p50").asDouble());
    assertThat(council.path("route").asText()).startsWith("#/council/");
    for (JsonNode view : List.of(map, council)) {
      assertThat(view.path("last_load_api_calls")).isNotEmpty();
      assertThat(view.path("screenshot").asText()).endsWith(".png");
    }
  }
}
