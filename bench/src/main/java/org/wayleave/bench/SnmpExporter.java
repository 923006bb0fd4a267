package org.wayleave.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * prometheus-snmp-exporter as the baseline poller of {@link TelemetryBenchmark}: its configuration
 * (one module walking the same IF-MIB columns as our poller), the process, and full passes over a
 * fleet (one {@code /snmp} scrape per router, bounded concurrency).
 *
 * <p>The configuration is the pre-0.23 format (Debian ships 0.21.0): the community sits inside the
 * module ({@code auth: {community: ...}}).
 */
final class SnmpExporter implements AutoCloseable {
  /** The module name in the generated snmp.yml. */
  static final String MODULE = "wayleave_if";

  /**
   * What the module walks: the ten columns our poller walks once it knows a router has ifXTable
   * ({@code IfMib.WITH_IFX}), as metric name, OID and exporter type.
   */
  static final List<String[]> COLUMNS =
      List.of(
          new String[] {"ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", "gauge"},
          new String[] {"ifOperStatus", "1.3.6.1.2.1.2.2.1.8", "gauge"},
          new String[] {"ifInDiscards", "1.3.6.1.2.1.2.2.1.13", "counter"},
          new String[] {"ifInErrors", "1.3.6.1.2.1.2.2.1.14", "counter"},
          new String[] {"ifOutErrors", "1.3.6.1.2.1.2.2.1.20", "counter"},
          new String[] {"ifName", "1.3.6.1.2.1.31.1.1.1.1", "DisplayString"},
          new String[] {"ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", "counter"},
          new String[] {"ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", "counter"},
          new String[] {"ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15", "gauge"},
          new String[] {"ifAlias", "1.3.6.1.2.1.31.1.1.1.18", "DisplayString"});

  static final String SYS_UP_TIME_NAME = "sysUpTime";
  static final String SYS_UP_TIME_GET = "1.3.6.1.2.1.1.3.0";

  /** Where the Debian package installs it, then names looked up on the PATH. */
  static final List<String> NAMES = List.of("prometheus-snmp-exporter", "snmp_exporter");

  final Process process;
  final int port;
  final Path binary;
  final Path config;

  private SnmpExporter(Process process, int port, Path binary, Path config) {
    this.process = process;
    this.port = port;
    this.binary = binary;
    this.config = config;
  }

  /**
   * The exporter binary: {@code /usr/bin/prometheus-snmp-exporter}, else one of {@link #NAMES} on
   * the PATH.
   */
  static Optional<Path> find() {
    Path debian = Path.of("/usr/bin/prometheus-snmp-exporter");
    if (Files.isExecutable(debian)) {
      return Optional.of(debian);
    }
    for (String name : NAMES) {
      Optional<Path> found = Programs.onPath(name);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** {@code --version}'s first line, e.g. {@code snmp_exporter, version 0.21.0 (...)}. */
  static String version(Path binary) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.lines().findFirst().orElse("").strip();
  }

  /** The module's snmp.yml text. */
  static String configText(String community, int maxRepetitions, Duration timeout, int retries) {
    StringBuilder y = new StringBuilder();
    y.append(
        "# Written by org.wayleave.bench.TelemetryBenchmark: the IF-MIB columns Wayleave's poller"
            + " walks.\n");
    y.append(MODULE).append(":\n");
    y.append("  version: 2\n");
    y.append("  auth:\n");
    y.append("    community: '").append(community.replace("'", "''")).append("'\n");
    y.append("  max_repetitions: ").append(maxRepetitions).append('\n');
    y.append("  timeout: ").append(timeout.toMillis()).append("ms\n");
    y.append("  retries: ").append(retries).append('\n');
    y.append("  walk:\n");
    for (String[] c : COLUMNS) {
      y.append("  - ").append(c[1]).append('\n');
    }
    y.append("  get:\n");
    y.append("  - ").append(SYS_UP_TIME_GET).append('\n');
    y.append("  metrics:\n");
    y.append("  - name: ").append(SYS_UP_TIME_NAME).append('\n');
    y.append("    oid: 1.3.6.1.2.1.1.3\n");
    y.append("    type: gauge\n");
    for (String[] c : COLUMNS) {
      y.append("  - name: ").append(c[0]).append('\n');
      y.append("    oid: ").append(c[1]).append('\n');
      y.append("    type: ").append(c[2]).append('\n');
      y.append("    indexes:\n");
      y.append("    - labelname: ifIndex\n");
      y.append("      type: gauge\n");
    }
    return y.toString();
  }

  /**
   * Writes the config into {@code dir}, checks it with {@code --dry-run}, starts the exporter on a
   * free 127.0.0.1 port and waits until it answers HTTP.
   *
   * @throws IllegalStateException with the exporter's output if the config is refused or it does
   *     not start
   */
  static SnmpExporter start(
      Path binary, Path dir, String community, int maxRepetitions, Duration timeout, int retries)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path config = dir.resolve("snmp.yml");
    Files.writeString(
        config, configText(community, maxRepetitions, timeout, retries), StandardCharsets.UTF_8);
    Process dry =
        new ProcessBuilder(binary.toString(), "--config.file=" + config, "--dry-run")
            .redirectErrorStream(true)
            .start();
    String dryOut = new String(dry.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!dry.waitFor(30, TimeUnit.SECONDS) || dry.exitValue() != 0) {
      throw new IllegalStateException("snmp_exporter --dry-run refused " + config + ":\n" + dryOut);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("snmp_exporter.log");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    SnmpExporter e = new SnmpExporter(p, port, binary, config);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "snmp_exporter exited with status " + p.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return e;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        e.close();
        throw new IllegalStateException(
            "snmp_exporter did not answer on 127.0.0.1:"
                + port
                + " within 30 s: "
                + Files.readString(log));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** The exporter's own CPU seconds so far (user + system, all threads). */
  double cpuSeconds() {
    return ProcCpu.seconds(process.pid());
  }

  /**
   * One full pass: a scrape of every target, at most {@code concurrency} at once.
   *
   * @param targets {@code host:port} of each router
   * @param deadline give up (counting the rest as failed) at this {@link System#nanoTime()}
   */
  Pass pass(HttpClient http, List<String> targets, int concurrency, long deadline)
      throws InterruptedException {
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(targets.size());
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    AtomicLong pdus = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long t0 = System.nanoTime();
    int started = 0;
    for (String target : targets) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !slots.tryAcquire(left, TimeUnit.NANOSECONDS)) {
        break;
      }
      started++;
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + port + "/snmp?module=" + MODULE + "&target=" + target))
              .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
              .build();
      http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (r, err) -> {
                try {
                  if (err != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, target + ": " + err);
                  } else if (r.statusCode() != 200) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(
                        null, target + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
                  } else {
                    long[] counted = count(r.body());
                    if (counted[0] == 0) {
                      failed.incrementAndGet();
                      firstError.compareAndSet(
                          null, target + ": no samples: " + abbreviate(r.body()));
                    } else {
                      ok.incrementAndGet();
                    }
                    samples.addAndGet(counted[0]);
                    pdus.addAndGet(counted[1]);
                  }
                } finally {
                  slots.release();
                  done.countDown();
                }
              });
    }
    for (int i = started; i < targets.size(); i++) {
      done.countDown();
    }
    long left = deadline - System.nanoTime();
    boolean finished = done.await(Math.max(0, left), TimeUnit.NANOSECONDS);
    double wall = (System.nanoTime() - t0) / 1e9;
    long missing = targets.size() - ok.get() - failed.get();
    if (!finished || missing > 0) {
      firstError.compareAndSet(null, missing + " scrapes not done by the deadline");
    }
    return new Pass(
        wall, ok.get(), failed.get() + missing, samples.get(), pdus.get(), firstError.get());
  }

  /**
   * One pass's figures.
   *
   * @param samples samples of the walked and got objects in the responses (one per varbind the
   *     exporter turned into a metric)
   * @param pdusReturned the exporter's own {@code snmp_scrape_pdus_returned}, summed
   * @param firstError the first failure, or null
   */
  record Pass(
      double wallSeconds,
      long ok,
      long failed,
      long samples,
      long pdusReturned,
      String firstError) {}

  /** {samples of the module's metrics, snmp_scrape_pdus_returned} in one response body. */
  static long[] count(String body) {
    long samples = 0;
    long pdus = 0;
    int i = 0;
    int n = body.length();
    while (i < n) {
      int end = body.indexOf('\n', i);
      if (end < 0) {
        end = n;
      }
      if (end > i && body.charAt(i) != '#') {
        int nameEnd = i;
        while (nameEnd < end && body.charAt(nameEnd) != '{' && body.charAt(nameEnd) != ' ') {
          nameEnd++;
        }
        String name = body.substring(i, nameEnd);
        if (name.equals("snmp_scrape_pdus_returned")) {
          int sp = body.lastIndexOf(' ', end - 1);
          try {
            pdus += (long) Double.parseDouble(body.substring(sp + 1, end).strip());
          } catch (NumberFormatException e) {
            // not a number: ignore
          }
        } else if (isModuleMetric(name)) {
          samples++;
        }
      }
      i = end + 1;
    }
    return new long[] {samples, pdus};
  }

  private static boolean isModuleMetric(String name) {
    if (name.equals(SYS_UP_TIME_NAME)) {
      return true;
    }
    for (String[] c : COLUMNS) {
      if (c[0].equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ').strip();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
