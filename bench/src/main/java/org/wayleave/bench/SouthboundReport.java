package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The southbound benchmark's JSON document: the machine, the parameters, the results of each
 * transport's run side by side (mutual TLS first, plaintext for comparison), the targets (judged on
 * the mutual TLS run, as deployed) and whether each was met.
 */
final class SouthboundReport {
  static final int TARGET_APPLY_TO_ALL_ACTIVE_S = 20;
  static final int TARGET_REDUNDANT_PUSHES = 0;
  static final int TARGET_CONTROLLER_HEAP_MB = 1024;
  static final int TARGET_RECONNECT_S = 30;
  static final double TARGET_RECONNECT_PEAK_TO_MEAN = 3;
  static final int TARGET_RECONNECT_PUSHES = 0;

  private SouthboundReport() {}

  static ObjectNode build(SouthboundBenchmark o, Path data, List<SouthboundRun.Figures> runs)
      throws IOException {
    ObjectNode root = BenchJson.root("southbound");
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("controller_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java_version", System.getProperty("java.version"));
    machine.put("filesystem", Files.getFileStore(data).type());
    machine.put("open_files_limit", OpenFiles.max());
    ObjectNode params = root.putObject("parameters");
    params.put("devices", o.devices);
    params.put("circuits", o.circuits);
    params.put("poll_interval_s", o.pollIntervalSeconds);
    params.put(
        "controller",
        "in this JVM, SQLite store, SNMP polling on; mtls: mutual TLS on both gRPC ports and HTTPS,"
            + " every agent with its own certificate from the run's CA");
    params.put(
        "simulator",
        "child JVMs (-Xmx"
            + o.simHeap
            + " each) as many as the open-files limit needs: each holds a gRPC connection and an"
            + " SNMP socket per router, 127.0.0.1");
    params.put("apply", "one in-process batch (the northbound Apply caps a call at 10,000 items)");
    ObjectNode results = root.putObject("results");
    for (SouthboundRun.Figures f : runs) {
      results.set(f.transport(), figures(f, o.devices));
    }
    SouthboundRun.Figures tls = find(runs, "mtls");
    SouthboundRun.Figures plain = find(runs, "plaintext");
    if (tls != null && plain != null) {
      ObjectNode cost = results.putObject("tls_cost");
      cost.put(
          "reconnect_controller_cpu_ms_per_agent",
          Stats.round3(
              1000
                  * (tls.reconnect().controllerCpuSeconds()
                      - plain.reconnect().controllerCpuSeconds())
                  / o.devices));
      cost.put(
          "what",
          "controller CPU of the reconnect over mutual TLS minus the same in plaintext, per agent:"
              + " the handshakes' cost");
    }
    ObjectNode targets = root.putObject("targets");
    targets.put("apply_to_all_active_s", TARGET_APPLY_TO_ALL_ACTIVE_S);
    targets.put("redundant_pushes", TARGET_REDUNDANT_PUSHES);
    targets.put("controller_heap_mb", TARGET_CONTROLLER_HEAP_MB);
    targets.put("reconnect_all_in_sync_s", TARGET_RECONNECT_S);
    targets.put("reconnect_peak_to_mean", TARGET_RECONNECT_PEAK_TO_MEAN);
    targets.put("reconnect_pushes", TARGET_RECONNECT_PUSHES);
    targets.put("judged_on", tls != null ? "mtls" : "plaintext (no mtls run)");
    SouthboundRun.Figures j = tls != null ? tls : plain;
    ObjectNode met = root.putObject("met");
    met.put("apply_to_all_active_s", j.toActive().seconds() < TARGET_APPLY_TO_ALL_ACTIVE_S);
    met.put("redundant_pushes", j.redundantPushes() == TARGET_REDUNDANT_PUSHES);
    met.put("controller_heap_mb", j.heapMb() <= TARGET_CONTROLLER_HEAP_MB);
    met.put("reconnect_all_in_sync_s", j.reconnect().seconds() < TARGET_RECONNECT_S);
    met.put("reconnect_peak_to_mean", j.reconnectPeakToMean() < TARGET_RECONNECT_PEAK_TO_MEAN);
    met.put("reconnect_pushes", j.reconnectPushes() == TARGET_RECONNECT_PUSHES);
    return root;
  }

  private static SouthboundRun.Figures find(List<SouthboundRun.Figures> runs, String transport) {
    return runs.stream().filter(f -> f.transport().equals(transport)).findFirst().orElse(null);
  }

  private static ObjectNode figures(SouthboundRun.Figures f, int devices) {
    ObjectNode r = BenchJson.object();
    r.put("simulator_processes", f.simulatorProcesses());
    phase(r.putObject("connect"), f.connect())
        .put("what", "from the simulators' start to every agent connected (certificates issued)");
    r.put("apply_call_s", Stats.round3(f.applyCallSeconds()));
    phase(r.putObject("apply_to_all_active"), f.toActive())
        .put("what", "from the Apply to every circuit ACTIVE: agent applied and SNMP link up");
    ObjectNode ramp = r.putObject("ramp_to_active");
    ramp.putPOJO("columns", SouthboundRun.TIMELINE);
    var rows = ramp.putArray("rows");
    for (long[] row : f.timeline()) {
      var a = rows.addArray();
      for (long v : row) {
        a.add(v);
      }
    }
    r.put("pushes_sent", f.pushes());
    r.put("pushes_minimum", devices);
    r.put("pushes_redundant_seen_by_agents", f.redundantPushes());
    r.put("early_snmp_polls", f.earlyPolls());
    r.put("sub_interfaces_on_routers", f.subInterfaces());
    r.put("controller_heap_after_full_gc_mb", f.heapMb());
    r.put("simulator_rss_mb", f.simulatorRssMb());
    ObjectNode re = phase(r.putObject("reconnect"), f.reconnect());
    re.put("peak_to_mean", Stats.round3(f.reconnectPeakToMean()));
    re.put("pushes", f.reconnectPushes());
    re.put(
        "controller_cpu_ms_per_agent",
        Stats.round3(1000 * f.reconnect().controllerCpuSeconds() / devices));
    re.put(
        "what",
        "controller closed and started again on the same data and ports: to every agent back and"
            + " the device reconciles settled (its start, cache load and handshakes in the CPU)");
    return r;
  }

  private static ObjectNode phase(ObjectNode n, SouthboundRun.Phase p) {
    n.put("s", p.seconds());
    n.put("controller_cpu_s", p.controllerCpuSeconds());
    n.put("simulator_cpu_s", p.simulatorCpuSeconds());
    return n;
  }
}
