package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.controller.http.HttpServer;

/**
 * {@code GET /metrics} mounted on the controller's Vert.x router exactly as the controller does it,
 * scraped over loopback.
 */
class MetricsEndpointIT {
  @TempDir Path dir;

  @Test
  void theRouteServesTheScrapeWithItsContentType() throws Exception {
    try (MetricsFixture f = new MetricsFixture(dir)) {
      ControllerMetrics metrics = f.metrics;
      HttpServer http =
          HttpServer.start(
              "127.0.0.1",
              0,
              Map.of(),
              (vertx, router) ->
                  router
                      .get("/metrics")
                      .blockingHandler(
                          ctx ->
                              ctx.response()
                                  .putHeader("Content-Type", metrics.contentType())
                                  .end(metrics.scrape())));
      try {
        Circuit c = f.circuitOf("camden");
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.port() + "/metrics"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
            .hasValue("text/plain; version=0.0.4; charset=utf-8");
        Exposition e = Exposition.parse(r.body());
        assertThat(e.one("wayleave_circuit_up", "circuit", c.getId()).labels())
            .containsEntry("council", c.getSpec().getCouncil());
        assertThat(e.find("jvm_memory_used_bytes")).isNotEmpty();
      } finally {
        http.close();
      }
    }
  }
}
