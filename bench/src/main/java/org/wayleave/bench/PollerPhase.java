package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.wayleave.api.v1.Device;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.controller.telemetry.HistoryFile;
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * The telemetry benchmark's measurement of our poller: full polls of the fleet by {@link
 * SnmpPoller} in this JVM with a {@link Telemetry} listening. First JIT warm-up polls with a
 * throwaway poller, then for each {@code --in-flight} setting a fresh poller, its warm-up polls and
 * its measured ones, the median, and what the heap and the rate history hold afterwards. Rate
 * history goes to a file in the working directory, as the controller's goes to its data directory,
 * so the heap figure is the controller's.
 */
final class PollerPhase {
  private final TelemetryOptions o;
  private final List<Device> routers;
  private final DirectorySecretProvider secrets;
  private final TelemetryFleet fleet;
  private final Deadline deadline;
  private final Progress progress;
  private final Path data;

  /**
   * Every setting's figures (as {@code results.poller.by_max_in_flight} has them), and this JVM's
   * CPU in each JIT warm-up poll.
   */
  record Result(List<ObjectNode> settings, ArrayNode jitWarmupCpu) {}

  PollerPhase(
      TelemetryOptions o,
      List<Device> routers,
      DirectorySecretProvider secrets,
      TelemetryFleet fleet,
      Deadline deadline,
      Progress progress,
      Path data) {
    this.o = o;
    this.data = data;
    this.routers = routers;
    this.secrets = secrets;
    this.fleet = fleet;
    this.deadline = deadline;
    this.progress = progress;
  }

  /**
   * The JIT warm-up, then each setting in turn; on {@code --jfr}, recording from the first
   * setting's measured polls to the end of the last setting's.
   */
  Result run() throws Exception {
    Recording recording =
        o.jfr == null
            ? null
            : JfrProfile.recording(
                o.jfr,
                "wayleave-telemetry-benchmark",
                Map.of("jdk.ExecutionSample#period", "10 ms"));
    List<ObjectNode> settings = new ArrayList<>();
    ArrayNode jitWarm = BenchJson.array();
    try {
      if (o.jitWarmup > 0) {
        jitWarmup(jitWarm);
      }
      for (int n : o.inFlight) {
        settings.add(setting(n, recording));
      }
    } finally {
      if (recording != null) {
        recording.stop();
        recording.close();
      }
    }
    return new Result(settings, jitWarm);
  }

  /**
   * Full polls with a throwaway poller before any setting is measured, so that the JIT has compiled
   * the poll path for every setting alike (otherwise the setting tried first pays for it and looks
   * worse than the others).
   */
  private void jitWarmup(ArrayNode cpuOut) throws Exception {
    int maxInFlight = o.inFlight.get(0);
    TelemetryConfig config = o.config(maxInFlight);
    HistoryFile history = history("jit-warmup", config);
    CountingListener listener =
        new CountingListener(new Telemetry(config, Clock.systemUTC(), alias -> 0L, history));
    try (history;
        SnmpPoller poller = new SnmpPoller(config, secrets, listener, Clock.systemUTC())) {
      routers.forEach(poller::upsert);
      polls(
          o.jitWarmup,
          poller,
          listener,
          (f, i) -> {
            progress.say(
                "JIT warm-up poll %d/%d (maxInFlight %d, not measured): %.2f s wall, %.2f s CPU,"
                    + " %d/%d answered",
                i, o.jitWarmup, maxInFlight, f.wallS(), f.cpuS(), f.successes(), routers.size());
            cpuOut.add(Stats.round3(f.cpuS()));
          });
    }
    System.gc();
  }

  /** One {@code --in-flight} setting: its warm-up polls, measured polls, median and holdings. */
  private ObjectNode setting(int maxInFlight, Recording recording) throws Exception {
    TelemetryConfig config = o.config(maxInFlight);
    HistoryFile history = history("in-flight-" + maxInFlight, config);
    Telemetry telemetry = new Telemetry(config, Clock.systemUTC(), alias -> 0L, history);
    CountingListener listener = new CountingListener(telemetry);
    ObjectNode node = BenchJson.object();
    node.put("max_in_flight", maxInFlight);
    try (history;
        SnmpPoller poller = new SnmpPoller(config, secrets, listener, Clock.systemUTC())) {
      routers.forEach(poller::upsert);
      ArrayNode warm = node.putArray("warmup");
      polls(
          o.warmup,
          poller,
          listener,
          (f, i) -> {
            progress.say(
                "maxInFlight %d: warm-up poll %d: %.2f s wall, %.2f s CPU, %d/%d answered, %d"
                    + " requests, %d varbinds",
                maxInFlight,
                i,
                f.wallS(),
                f.cpuS(),
                f.successes(),
                routers.size(),
                f.requests(),
                f.varbinds());
            warm.add(f.toJson());
          });
      if (recording != null && recording.getState() == RecordingState.NEW) {
        recording.start();
      }
      ArrayNode runs = node.putArray("polls");
      List<PollFigures> measured =
          polls(
              o.polls,
              poller,
              listener,
              (f, i) -> {
                progress.say(
                    "maxInFlight %d: poll %d/%d: %.2f s wall, %.2f s CPU (fleet %.2f s), %d/%d"
                        + " answered, %d requests, %d varbinds, %d failures",
                    maxInFlight,
                    i,
                    o.polls,
                    f.wallS(),
                    f.cpuS(),
                    f.fleetCpuS(),
                    f.successes(),
                    routers.size(),
                    f.requests(),
                    f.varbinds(),
                    f.failures());
                runs.add(f.toJson());
              });
      median(node.putObject("median"), measured);
      node.put("failures_first_reason", listener.firstFailure.get());
      holdings(node, telemetry);
      node.put("poller_totals", poller.stats().toString());
    }
    return node;
  }

  /**
   * {@code count} full polls by {@code poller}, each handed to {@code each} with its number (from
   * 1) as soon as it is done; returns them all.
   */
  private List<PollFigures> polls(
      int count, SnmpPoller poller, CountingListener listener, ObjIntConsumer<PollFigures> each)
      throws Exception {
    List<PollFigures> done = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      PollFigures f = PollFigures.measure(poller, listener, fleet, deadline);
      each.accept(f, i);
      done.add(f);
    }
    return done;
  }

  /** Puts into {@code m} the poll with the median CPU, and the medians of wall, fleet and GC. */
  private void median(ObjectNode m, List<PollFigures> measured) {
    PollFigures med = Stats.medianBy(measured, PollFigures::cpuS);
    double medianCpu = med.cpuS();
    m.put("wall_s", Stats.round3(Stats.median(measured, PollFigures::wallS)));
    m.put("cpu_s", Stats.round3(medianCpu));
    m.put("cpu_s_per_million_varbinds", Stats.round3(medianCpu / med.varbinds() * 1e6));
    m.put("cpu_s_per_million_values", Stats.round3(medianCpu / med.values() * 1e6));
    m.put("core_fraction_at_interval", Stats.round3(medianCpu / o.intervalSeconds));
    m.put("requests", med.requests());
    m.put("varbinds", med.varbinds());
    m.put("values", med.values());
    m.put("failures", measured.stream().mapToLong(PollFigures::failures).sum());
    m.put("fleet_cpu_s", Stats.round3(Stats.median(measured, PollFigures::fleetCpuS)));
    m.put("gc_s", Stats.round3(Stats.median(measured, PollFigures::gcS)));
    ObjectNode threadsNode = m.putObject("cpu_by_thread_s");
    med.threadCpu().forEach((k, v) -> threadsNode.put(k, Stats.round3(v)));
    double javaThreads = med.threadCpu().values().stream().mapToDouble(Double::doubleValue).sum();
    m.put("cpu_outside_java_threads_s", Stats.round3(Math.max(0, medianCpu - javaThreads)));
    m.put(
        "basis",
        "the poll with the median CPU (cpu_s and its counts); wall_s, fleet_cpu_s and gc_s are"
            + " medians of their own");
  }

  /** What this JVM holds after the setting's polls: heap after a full GC, the rate history. */
  private void holdings(ObjectNode node, Telemetry telemetry) {
    node.put("heap_after_full_gc_mb", JvmMetrics.heapAfterFullGcMb());
    node.put(
        "heap_holds",
        "poller ("
            + routers.size()
            + " devices) and Telemetry after "
            + (o.warmup + o.polls)
            + " full polls, plus the benchmark's inventory list");
    node.put("history_bytes", telemetry.historyBytes());
    node.put("history_disk_bytes", telemetry.historyDiskBytes());
    long ifaces =
        routers.stream()
            .mapToLong(
                d -> {
                  Telemetry.DeviceView v = telemetry.device(d.getId());
                  return v == null ? 0 : v.interfaces().size();
                })
            .sum();
    long reachable =
        routers.stream()
            .filter(
                d -> {
                  Telemetry.DeviceView v = telemetry.device(d.getId());
                  return v != null && v.reachable();
                })
            .count();
    node.put("devices_reachable", reachable);
    node.put("interfaces_seen", ifaces);
    HistoryLayout layout = HistoryLayout.forFile(o.config(1));
    node.put("history_disk_bytes_per_interface", layout.bytesPerRecord());
    node.put(
        "history_note",
        "history_bytes is the heap rate history takes: the index from interface to its record in"
            + " the history file (the values are memory-mapped, in the page cache, not the heap);"
            + " history_disk_bytes the file, "
            + layout.bytesPerRecord()
            + " bytes an interface at interval_s ("
            + layout.describe()
            + "), written out a segment of "
            + layout.recordsPerSegment()
            + " interfaces at a time, so it is its full size from the first poll");
  }

  /** A fresh history file for one run of polls, in the working directory. */
  private HistoryFile history(String name, TelemetryConfig config) throws IOException {
    Path dir = data.resolve("history").resolve(name);
    Path file = dir.resolve(HistoryFile.FILE_NAME);
    Files.deleteIfExists(file);
    return HistoryFile.open(file, HistoryLayout.forFile(config), Clock.systemUTC());
  }
}
