package org.wayleave.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP API timed from a client as a script or scraper calls it: the JDK's client over HTTPS,
 * presenting the NOC's certificate from the run's CA, one request at a time. Each figure is a few
 * unmeasured requests, then a bounded number measured: from sending to the whole body read.
 */
final class NocHttp {
  /** One endpoint's figure: latencies in ms, the answer's size. */
  record Figure(
      String path,
      int requests,
      double firstMs,
      double p50Ms,
      double p95Ms,
      double maxMs,
      long bytes,
      String contentType,
      String body) {}

  /** Something done before each request, untimed (e.g. a store write the next answer must see). */
  @FunctionalInterface
  interface Before {
    void run() throws Exception;
  }

  private final HttpClient client;
  private final String base;
  private final Duration requestTimeout;
  private final Deadline deadline;

  NocHttp(HttpClient client, String base, Duration requestTimeout, Deadline deadline) {
    this.client = client;
    this.base = base;
    this.requestTimeout = requestTimeout;
    this.deadline = deadline;
  }

  /**
   * {@code warmup} unmeasured requests of {@code path}, then {@code n} measured; {@code before}
   * runs before each. The figure keeps the last answer's body.
   */
  Figure measure(String path, int warmup, int n, Before before) throws Exception {
    Latency lat = new Latency();
    double first = -1;
    HttpResponse<byte[]> last = null;
    for (int k = 0; k < warmup + n; k++) {
      deadline.remaining();
      before.run();
      long t0 = System.nanoTime();
      last = get(path);
      long nanos = System.nanoTime() - t0;
      if (k == 0) {
        first = Latency.nanosToMs(nanos);
      }
      if (k >= warmup) {
        lat.record(nanos);
      }
    }
    return new Figure(
        path,
        n,
        first,
        Latency.ms(lat.percentileMs(50)),
        Latency.ms(lat.percentileMs(95)),
        Latency.ms(lat.maxMs()),
        last.body().length,
        last.headers().firstValue("content-type").orElse(""),
        new String(last.body(), StandardCharsets.UTF_8));
  }

  /** As {@link #measure(String, int, int, Before)}, with nothing before each request. */
  Figure measure(String path, int warmup, int n) throws Exception {
    return measure(path, warmup, n, () -> {});
  }

  /** One GET; a status other than 200 is an error naming the answer. */
  HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("accept", path.startsWith("/api/") ? "application/json" : "text/plain")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      String body = new String(r.body(), StandardCharsets.UTF_8);
      throw new IllegalStateException(
          "GET "
              + path
              + " answered "
              + r.statusCode()
              + ": "
              + body.substring(0, Math.min(300, body.length())));
    }
    return r;
  }
}
