package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The telemetry benchmark's JSON document: the machine, the parameters, our poller's figures per
 * setting and for the best one, the exporter's and the comparison of the two, the targets with
 * whether each was met, a summary and the notes.
 */
final class TelemetryReport {
  static final double TARGET_FULL_POLL_WALL_S = 10;
  static final double TARGET_CORE_FRACTION = 0.5;
  static final double TARGET_EXPORTER_RATIO = 3;

  private final TelemetryOptions o;
  private final Run run;
  private final PollerPhase.Result poller;
  private final ObjectNode exporterNode;

  /**
   * Where and how the run went, besides its figures.
   *
   * @param data the working directory
   * @param busy {@link CpuUse#since()} over the run, or null
   * @param fleetPid the fleet JVM, for its resident memory
   */
  record Run(Instant started, Path cwd, Path data, double[] busy, long fleetPid) {}

  /** The best setting of our poller, and its medians. */
  private record Ours(ObjectNode best, ObjectNode median) {
    double cpu() {
      return median.path("cpu_s").asDouble();
    }

    double wall() {
      return median.path("wall_s").asDouble();
    }

    double perMillionVarbinds() {
      return median.path("cpu_s_per_million_varbinds").asDouble();
    }

    double perMillionValues() {
      return median.path("cpu_s_per_million_values").asDouble();
    }
  }

  private TelemetryReport(
      TelemetryOptions o, Run run, PollerPhase.Result poller, ObjectNode exporterNode) {
    this.o = o;
    this.run = run;
    this.poller = poller;
    this.exporterNode = exporterNode;
  }

  static ObjectNode build(
      TelemetryOptions o, Run run, PollerPhase.Result poller, ExporterPhase.Outcome exporter) {
    return new TelemetryReport(o, run, poller, exporter.node()).root(exporter.reason());
  }

  private ObjectNode root(String exporterReason) {
    ObjectNode root =
        BenchJson.root("telemetry", run.started(), Duration.between(run.started(), Instant.now()));
    machine(root.putObject("machine"));
    parameters(root.putObject("parameters"));
    ObjectNode results = root.putObject("results");
    Ours ours = poller(results.putObject("poller"));
    Double ratioPerValue = null;
    if (exporterNode != null) {
      results.set("snmp_exporter", exporterNode);
      ratioPerValue = comparison(results.putObject("comparison"), ours);
    } else {
      results.putNull("snmp_exporter");
      results.put("snmp_exporter_reason", exporterReason);
    }
    targets(root, ours, ratioPerValue);
    summary(root.putObject("summary"), ours, ratioPerValue);
    notes(root, ours);
    return root;
  }

  private void machine(ObjectNode machine) {
    BenchJson.putJvm(machine);
    machine.put(
        "gc",
        String.join(
            ", ",
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList()));
    machine.put("os", BenchJson.os());
    machine.put("clock_ticks_per_s", ProcCpu.clockTicks());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      machine.put("open_files_limit", unix.getMaxFileDescriptorCount());
    }
    if (run.busy() != null) {
      BenchJson.putCpuBusy(machine, run.busy(), Stats::round3)
          .put(
              "note",
              "other_processes includes the fleet JVM and snmp_exporter, which this run starts");
    }
  }

  private void parameters(ObjectNode params) {
    params.put("devices", o.devices);
    params.put("physical_ports_per_router", TelemetryBenchmark.PHYSICAL_PORTS);
    params.put("sub_interfaces_per_router", o.subInterfaces);
    params.put("interfaces_per_router", o.interfacesPerRouter());
    params.put("interfaces_total", (long) o.devices * o.interfacesPerRouter());
    params.put(
        "snmp",
        "v2c, community from a DirectorySecretProvider; each router at its own 127.16.x.y address,"
            + " UDP port "
            + o.snmpPort);
    params.put(
        "fleet",
        "Scenarios.snmpOnly in a child JVM (-Xmx"
            + o.fleetHeap
            + "), SnmpFleet: one NIO selector thread, one UDP socket per router");
    ArrayNode inf = params.putArray("max_in_flight_tried");
    o.inFlight.forEach(inf::add);
    params.put("snmp_timeout_ms", o.snmpTimeoutMs);
    params.put("snmp_retries", o.snmpRetries);
    params.put("max_repetitions", o.maxRepetitions);
    params.put("interval_s", o.intervalSeconds);
    params.put("jit_warmup_polls", o.jitWarmup);
    params.put("warmup_polls", o.warmup);
    params.put("exporter_warmup_passes", o.exporterWarmup);
    params.put("measured_polls", o.polls);
    params.put("exporter_concurrency", o.exporterConcurrency);
    params.put(
        "our_cpu",
        "this JVM's process CPU (OperatingSystemMXBean.getProcessCpuTime) across"
            + " SnmpPoller.pollAll(): the poller, Telemetry (rates, history) listening, and JVM"
            + " overhead (GC, JIT, the benchmark's futures); the fleet runs in another JVM");
    params.put(
        "exporter_cpu",
        "utime+stime of the exporter process from /proc/<pid>/stat across one pass (HTTP, SNMP,"
            + " exposition)");
    params.put(
        "varbinds",
        "ours: SnmpPoller.stats().varbinds, every varbind in every response (including the one per"
            + " column past its end that ends a walk); values: the values the poll delivered"
            + " (columns present per interface, plus sysUpTime); exporter: samples of the module's"
            + " metrics in its responses");
    params.put("work_dir", BenchPaths.recorded(run.cwd(), run.data()));
  }

  /** {@code results.poller}: every setting, and the best one's figures. */
  private Ours poller(ObjectNode pollerNode) {
    ObjectNode bySetting = pollerNode.putObject("by_max_in_flight");
    ObjectNode best = null;
    for (ObjectNode s : poller.settings()) {
      bySetting.set(s.path("max_in_flight").asText(), s);
      if (best == null || better(s, best)) {
        best = s;
      }
    }
    Ours ours = new Ours(best, (ObjectNode) best.path("median"));
    ObjectNode bm = ours.median();
    pollerNode.put("best_max_in_flight", best.path("max_in_flight").asInt());
    pollerNode.put("best_basis", "fewest failures, then lowest median CPU per full poll");
    pollerNode.put("full_poll_wall_s", ours.wall());
    pollerNode.put("cpu_s_per_full_poll", ours.cpu());
    pollerNode.put("cpu_s_per_million_varbinds", ours.perMillionVarbinds());
    pollerNode.put("cpu_s_per_million_values", ours.perMillionValues());
    pollerNode.put("core_fraction_at_interval", Stats.round3(ours.cpu() / o.intervalSeconds));
    pollerNode.put("requests_per_poll", bm.path("requests").asLong());
    pollerNode.put("varbinds_per_poll", bm.path("varbinds").asLong());
    pollerNode.put("values_per_poll", bm.path("values").asLong());
    pollerNode.put("failures", bm.path("failures").asLong());
    pollerNode.put("heap_after_full_gc_mb", best.path("heap_after_full_gc_mb").asLong());
    pollerNode.put("history_bytes", best.path("history_bytes").asLong());
    pollerNode.put("history_disk_bytes", best.path("history_disk_bytes").asLong());
    pollerNode.put("fleet_cpu_s_per_poll", bm.path("fleet_cpu_s").asDouble());
    pollerNode.set("jit_warmup_cpu_s", poller.jitWarmupCpu());
    return ours;
  }

  /**
   * {@code results.comparison}, ours against the exporter; returns the exporter's CPU per value
   * over ours, or null if either delivered none.
   */
  private Double comparison(ObjectNode cmp, Ours ours) {
    ObjectNode em = (ObjectNode) exporterNode.path("median");
    double exCpu = em.path("cpu_s").asDouble();
    long samples = em.path("samples").asLong();
    Double ratioPerVarbind = null;
    Double ratioPerValue = null;
    if (samples > 0 && ours.perMillionVarbinds() > 0 && ours.perMillionValues() > 0) {
      double exPerM = exCpu / samples * 1e6;
      ratioPerVarbind = Stats.round3(exPerM / ours.perMillionVarbinds());
      ratioPerValue = Stats.round3(exPerM / ours.perMillionValues());
    }
    cmp.put("our_cpu_s_per_full_poll", ours.cpu());
    cmp.put("exporter_cpu_s_per_full_pass", Stats.round3(exCpu));
    cmp.put("our_full_poll_wall_s", ours.wall());
    cmp.put("exporter_full_pass_wall_s", em.path("wall_s").asDouble());
    cmp.put("our_snmp_requests_per_poll", ours.median().path("requests").asLong());
    cmp.put("exporter_snmp_requests_per_pass", em.path("snmp_requests").asLong());
    cmp.put("our_cpu_s_per_million_varbinds", ours.perMillionVarbinds());
    cmp.put("our_cpu_s_per_million_values", ours.perMillionValues());
    cmp.put(
        "exporter_cpu_s_per_million_varbinds",
        samples == 0 ? null : Stats.round3(exCpu / samples * 1e6));
    if (ratioPerVarbind != null) {
      cmp.put("ratio_exporter_to_ours_per_varbind", ratioPerVarbind);
      cmp.put("ratio_exporter_to_ours_per_value", ratioPerValue);
    }
    cmp.put(
        "ratio_basis",
        "per_varbind: ours per SnmpPoller varbind (wire), exporter per sample; per_value: both"
            + " per value delivered (the same data from the same fleet), the like-for-like one,"
            + " used for the target");
    return ratioPerValue;
  }

  private void targets(ObjectNode root, Ours ours, Double ratioPerValue) {
    ObjectNode targets = root.putObject("targets");
    targets.put("full_poll_wall_s", TARGET_FULL_POLL_WALL_S);
    targets.put("cpu_s_per_full_poll", TARGET_CORE_FRACTION * o.intervalSeconds);
    targets.put("core_fraction_at_interval", TARGET_CORE_FRACTION);
    targets.put("exporter_to_ours_cpu_per_varbind_ratio_min", TARGET_EXPORTER_RATIO);
    ObjectNode basis = root.putObject("target_basis");
    basis.put(
        "full_poll_wall_s", "results.poller.full_poll_wall_s (median, best setting) < target");
    basis.put(
        "cpu_s_per_full_poll",
        "results.poller.cpu_s_per_full_poll (median, best setting) <= target (0.5 core at"
            + " interval_s)");
    basis.put(
        "exporter_to_ours_cpu_per_varbind_ratio_min",
        "results.comparison.ratio_exporter_to_ours_per_value >= target");
    ObjectNode met = root.putObject("met");
    met.put("full_poll_wall_s", ours.wall() < TARGET_FULL_POLL_WALL_S);
    met.put("cpu_s_per_full_poll", ours.cpu() <= TARGET_CORE_FRACTION * o.intervalSeconds);
    if (ratioPerValue != null) {
      met.put("exporter_to_ours_cpu_per_varbind_ratio_min", ratioPerValue >= TARGET_EXPORTER_RATIO);
    } else {
      met.putNull("exporter_to_ours_cpu_per_varbind_ratio_min");
    }
    met.put("no_failures", ours.median().path("failures").asLong() == 0);
  }

  private void summary(ObjectNode summary, Ours ours, Double ratioPerValue) {
    summary.put("best_max_in_flight", ours.best().path("max_in_flight").asInt());
    summary.put("full_poll_wall_s", ours.wall());
    summary.put("our_cpu_s_per_full_poll", ours.cpu());
    summary.put("our_cpu_s_per_million_varbinds", ours.perMillionVarbinds());
    summary.put("core_fraction_at_interval", Stats.round3(ours.cpu() / o.intervalSeconds));
    summary.put("heap_after_full_gc_mb", ours.best().path("heap_after_full_gc_mb").asLong());
    summary.put("failures", ours.median().path("failures").asLong());
    if (exporterNode != null) {
      summary.put(
          "exporter_full_pass_wall_s", exporterNode.path("median").path("wall_s").asDouble());
      summary.put(
          "exporter_cpu_s_per_million_varbinds",
          exporterNode.path("median").path("cpu_s_per_million_varbinds").asDouble());
      summary.put("ratio_exporter_to_ours_per_value", ratioPerValue);
    } else {
      summary.putNull("snmp_exporter");
    }
    summary.put("fleet_rss_mb", ProcCpu.rssMb(run.fleetPid()));
  }

  private void notes(ObjectNode root, Ours ours) {
    ArrayNode noteArray = BenchJson.putNotes(root, o.notes);
    noteArray.add(
        "All "
            + Runtime.getRuntime().availableProcessors()
            + " cores are shared by this JVM, the fleet JVM (one thread answering every router)"
            + " and, in its passes, snmp_exporter and this JVM's HTTP driver: wall times are"
            + " bounded by the simulated fleet too, which real routers answering in parallel would"
            + " not be.");
    if (exporterNode != null) {
      noteArray.add(
          "Requests: snmp_exporter 0.21 walks each configured subtree with a GETBULK of its own"
              + " (one per column plus the GET of sysUpTime.0: "
              + exporterNode.path("median").path("snmp_requests").asLong()
              + " a pass here, each answered with max_repetitions varbinds, most past the column's"
              + " end and thrown away), where ours asks every column in one GETBULK trimmed to the"
              + " learned row count ("
              + ours.median().path("requests").asLong()
              + " a poll). Much of the difference in CPU, on both sides of the wire (fleet_cpu_s), "
              + "comes from that.");
      noteArray.add(
          "The exporter's passes are driven from this JVM over HTTP (driver_cpu_s, not counted for"
              + " either poller); with the exporter, the driver and the fleet all busy, its passes"
              + " are CPU-bound on this machine, so its wall time says little about it on a bigger"
              + " one.");
    }
    noteArray.add(
        "snmp_exporter only turns varbinds into Prometheus samples; rates and history are computed"
            + " later by Prometheus, whose CPU is not counted. Ours includes Telemetry (rates,"
            + " history, link judgement) in its CPU.");
  }

  /** Whether setting {@code a} beats {@code b}: fewer failures, then less median CPU. */
  private static boolean better(ObjectNode a, ObjectNode b) {
    long fa = a.path("median").path("failures").asLong();
    long fb = b.path("median").path("failures").asLong();
    if (fa != fb) {
      return fa < fb;
    }
    return a.path("median").path("cpu_s").asDouble() < b.path("median").path("cpu_s").asDouble();
  }
}
