package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The southbound benchmark's JSON document: the machine, the parameters, the results (connection,
 * Apply and time to all Applied, pushes against the minimum, the controller's heap) and the targets
 * with whether each was met.
 */
final class SouthboundReport {
  static final int TARGET_APPLY_TO_ALL_APPLIED_S = 60;
  static final int TARGET_REDUNDANT_PUSHES = 0;
  static final int TARGET_CONTROLLER_HEAP_MB = 1024;

  private SouthboundReport() {}

  /**
   * What the southbound benchmark measured.
   *
   * @param simStats the simulator's {@code /stats} at the end
   */
  record Figures(
      double connectSeconds,
      double applySeconds,
      double allAppliedSeconds,
      long pushes,
      ObjectNode simStats,
      long heapMb) {}

  /**
   * The document for a run of {@code devices} routers and {@code circuits} circuits, the simulator
   * at {@code simHeap}, with data in {@code data}.
   */
  static ObjectNode build(int devices, int circuits, String simHeap, Path data, Figures f)
      throws IOException {
    ObjectNode root = BenchJson.root("southbound");
    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("controller_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java_version", System.getProperty("java.version"));
    machine.put("filesystem", Files.getFileStore(data).type());
    ObjectNode params = root.putObject("parameters");
    params.put("devices", devices);
    params.put("circuits", circuits);
    params.put(
        "simulator",
        "child JVM, -Xmx" + simHeap + ", one plaintext gRPC connection per agent, 127.0.0.1");
    params.put("apply", "one in-process batch (the northbound Apply caps a call at 10,000 items)");
    long redundant = f.simStats().path("pushes_redundant").asLong();
    ObjectNode results = root.putObject("results");
    results.put("agents_connected_s", Stats.round3(f.connectSeconds()));
    results.put("apply_call_s", Stats.round3(f.applySeconds()));
    results.put("apply_to_all_applied_s", Stats.round3(f.allAppliedSeconds()));
    results.put("pushes_sent", f.pushes());
    results.put("pushes_minimum", devices);
    results.put("pushes_redundant_seen_by_agents", redundant);
    results.put("sub_interfaces_on_routers", f.simStats().path("sub_interfaces").asLong());
    results.put("controller_heap_after_full_gc_mb", f.heapMb());
    ObjectNode targets = root.putObject("targets");
    targets.put("apply_to_all_applied_s", TARGET_APPLY_TO_ALL_APPLIED_S);
    targets.put("redundant_pushes", TARGET_REDUNDANT_PUSHES);
    targets.put("controller_heap_mb", TARGET_CONTROLLER_HEAP_MB);
    ObjectNode met = root.putObject("met");
    met.put("apply_to_all_applied_s", f.allAppliedSeconds() < TARGET_APPLY_TO_ALL_APPLIED_S);
    met.put("redundant_pushes", redundant == TARGET_REDUNDANT_PUSHES);
    met.put("controller_heap_mb", f.heapMb() <= TARGET_CONTROLLER_HEAP_MB);
    return root;
  }
}
