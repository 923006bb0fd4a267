package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ObjIntConsumer;
import org.wayleave.api.v1.Device;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;

/**
 * The telemetry benchmark's baseline: finds prometheus-snmp-exporter ({@code --exporter}), starts
 * it with a module walking what our poller walks, and drives full passes over the fleet through it
 * (one {@code /snmp} scrape per router over HTTP from this JVM): warm-up passes, then measured ones
 * with the exporter's CPU from {@code /proc}, and their median.
 */
final class ExporterPhase {
  private final TelemetryOptions o;
  private final TelemetryFleet fleet;
  private final Deadline deadline;
  private final Progress progress;

  /** The exporter's figures ({@code results.snmp_exporter}), or null and why there are none. */
  record Outcome(ObjectNode node, String reason) {}

  ExporterPhase(TelemetryOptions o, TelemetryFleet fleet, Deadline deadline, Progress progress) {
    this.o = o;
    this.fleet = fleet;
    this.deadline = deadline;
    this.progress = progress;
  }

  /**
   * Measures the exporter polling {@code routers} with the scale community from {@code secrets},
   * its files in {@code workDir}; or says why not (skipped, not installed, not executable).
   */
  Outcome run(List<Device> routers, DirectorySecretProvider secrets, Path workDir)
      throws Exception {
    Optional<Path> binary =
        o.exporter.equals("none")
            ? Optional.empty()
            : o.exporter.equals("auto") ? SnmpExporter.find() : Optional.of(Path.of(o.exporter));
    String reason = null;
    if (binary.isEmpty()) {
      reason =
          o.exporter.equals("none")
              ? "skipped (--exporter none)"
              : "prometheus-snmp-exporter is not installed (Debian package"
                  + " prometheus-snmp-exporter)";
    } else if (!Files.isExecutable(binary.get())) {
      reason = binary.get() + " is not an executable file";
    }
    if (reason != null) {
      progress.say("snmp_exporter: %s", reason);
      return new Outcome(null, reason);
    }
    return new Outcome(
        measure(binary.get(), routers, secrets.resolve(Seeds.SCALE_COMMUNITY_REF), workDir), null);
  }

  private ObjectNode measure(Path binary, List<Device> routers, String community, Path workDir)
      throws Exception {
    ObjectNode node = BenchJson.object();
    node.put("version", SnmpExporter.version(binary));
    node.put("binary", binary.toString());
    node.put("concurrency", o.exporterConcurrency);
    node.put(
        "module",
        SnmpExporter.MODULE
            + ": v2c, max_repetitions "
            + o.maxRepetitions
            + ", timeout "
            + o.snmpTimeoutMs
            + " ms, retries "
            + o.snmpRetries
            + ", walk the 10 IF-MIB columns our poller walks, get sysUpTime.0");
    List<String> targets =
        routers.stream().map(d -> d.getManagementAddress() + ":" + d.getSnmp().getPort()).toList();
    ExecutorService httpPool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "bench-http");
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(httpPool)
            .build();
    progress.say(
        "snmp_exporter: %s, %d scrapes per pass, %d at once",
        node.path("version").asText(), targets.size(), o.exporterConcurrency);
    try (SnmpExporter e =
        SnmpExporter.start(
            binary,
            workDir,
            community,
            o.maxRepetitions,
            Duration.ofMillis(o.snmpTimeoutMs),
            o.snmpRetries)) {
      passes(node, e, http, targets);
      node.put(
          "varbinds_basis",
          "samples: the samples of the module's 11 metrics in its /snmp responses, one per varbind"
              + " it walked or got within the asked subtrees (the GETBULK overshoot past a column's"
              + " end is not counted); snmp_scrape_pdus_returned is its own count");
      node.put("rss_mb_after", ProcCpu.rssMb(e.process.pid()));
    } finally {
      httpPool.shutdownNow();
    }
    return node;
  }

  /** The warm-up passes, the measured ones and their median, into {@code node}. */
  private void passes(ObjectNode node, SnmpExporter e, HttpClient http, List<String> targets)
      throws Exception {
    Callable<ObjectNode> pass = () -> pass(e, http, targets);
    passes(
        o.exporterWarmup,
        node.putArray("warmup"),
        pass,
        (p, i) ->
            progress.say(
                "snmp_exporter: warm-up pass %d: %.2f s wall, %.2f s CPU, %d/%d scrapes ok",
                i,
                p.path("wall_s").asDouble(),
                p.path("cpu_s").asDouble(),
                p.path("scrapes_ok").asLong(),
                targets.size()));
    List<ObjectNode> measured =
        passes(
            o.polls,
            node.putArray("passes"),
            pass,
            (p, i) ->
                progress.say(
                    "snmp_exporter: pass %d/%d: %.2f s wall, %.2f s CPU (fleet %.2f s), %d/%d"
                        + " scrapes ok, %d samples, %d SNMP requests",
                    i,
                    o.polls,
                    p.path("wall_s").asDouble(),
                    p.path("cpu_s").asDouble(),
                    p.path("fleet_cpu_s").asDouble(),
                    p.path("scrapes_ok").asLong(),
                    targets.size(),
                    p.path("samples").asLong(),
                    p.path("fleet_datagrams_received").asLong()));
    median(node.putObject("median"), measured);
  }

  /**
   * {@code count} passes, each handed to {@code each} with its number (from 1) as soon as it is
   * done, then added to {@code into}; returns them all.
   */
  private static List<ObjectNode> passes(
      int count, ArrayNode into, Callable<ObjectNode> pass, ObjIntConsumer<ObjectNode> each)
      throws Exception {
    List<ObjectNode> done = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      ObjectNode p = pass.call();
      each.accept(p, i);
      into.add(p);
      done.add(p);
    }
    return done;
  }

  /** Puts into {@code m} the pass with the median CPU, and the medians of wall and fleet CPU. */
  private static void median(ObjectNode m, List<ObjectNode> measured) {
    ObjectNode med = Stats.medianBy(measured, p -> p.path("cpu_s").asDouble());
    double cpu = med.path("cpu_s").asDouble();
    long samples = med.path("samples").asLong();
    m.put("wall_s", Stats.round3(Stats.median(measured, p -> p.path("wall_s").asDouble())));
    m.put("cpu_s", Stats.round3(cpu));
    m.put("samples", samples);
    m.put("cpu_s_per_million_varbinds", samples == 0 ? null : Stats.round3(cpu / samples * 1e6));
    m.put("snmp_requests", med.path("fleet_datagrams_received").asLong());
    m.put(
        "scrapes_failed",
        measured.stream().mapToLong(p -> p.path("scrapes_failed").asLong()).sum());
    m.put(
        "fleet_cpu_s", Stats.round3(Stats.median(measured, p -> p.path("fleet_cpu_s").asDouble())));
    m.put(
        "basis",
        "the pass with the median CPU (cpu_s and its counts); wall_s and fleet_cpu_s are medians"
            + " of their own");
  }

  /** One measured pass over every router: the exporter's CPU, the fleet's, and this JVM's. */
  private ObjectNode pass(SnmpExporter e, HttpClient http, List<String> targets) throws Exception {
    long[] fs0 = fleet.stats();
    double fleetCpu0 = fleet.cpuSeconds();
    double cpu0 = e.cpuSeconds();
    long own0 = JvmMetrics.processCpuNanos();
    SnmpExporter.Pass pass =
        e.pass(
            http,
            targets,
            o.exporterConcurrency,
            Math.min(deadline.nanoTime(), System.nanoTime() + deadline.remaining().toNanos()));
    double cpu1 = e.cpuSeconds();
    long own1 = JvmMetrics.processCpuNanos();
    double fleetCpu1 = fleet.cpuSeconds();
    long[] fs1 = fleet.stats();
    ObjectNode n = BenchJson.object();
    n.put("wall_s", Stats.round3(pass.wallSeconds()));
    n.put("cpu_s", Stats.round3(cpu1 - cpu0));
    n.put("scrapes_ok", pass.ok());
    n.put("scrapes_failed", pass.failed());
    n.put("samples", pass.samples());
    n.put("snmp_scrape_pdus_returned", pass.pdusReturned());
    n.put(
        "cpu_s_per_million_varbinds",
        pass.samples() == 0 ? null : Stats.round3((cpu1 - cpu0) / pass.samples() * 1e6));
    n.put("fleet_cpu_s", Stats.round3(fleetCpu1 - fleetCpu0));
    n.put("fleet_datagrams_received", fs1[0] - fs0[0]);
    n.put("fleet_datagrams_answered", fs1[1] - fs0[1]);
    n.put("driver_cpu_s", Stats.round3((own1 - own0) / 1e9));
    if (pass.firstError() != null) {
      n.put("first_error", pass.firstError());
    }
    return n;
  }
}
