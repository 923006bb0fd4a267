package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wayleave.controller.telemetry.SnmpPoller;

/**
 * One full poll by our poller, as the telemetry benchmark measures it: wall time, this JVM's CPU,
 * the poller's requests, varbinds and failures, the values and interfaces delivered, the fleet's
 * CPU and datagrams, garbage collection, and CPU by thread.
 */
record PollFigures(
    double wallS,
    double cpuS,
    int successes,
    long requests,
    long varbinds,
    long failures,
    long values,
    long interfaces,
    double fleetCpuS,
    long fleetReceived,
    long fleetAnswered,
    long gcCount,
    double gcS,
    Map<String, Double> threadCpu) {

  /**
   * Runs one full poll of {@code poller} and measures it.
   *
   * @throws IllegalStateException if it has not completed by {@code deadline}
   */
  static PollFigures measure(
      SnmpPoller poller, CountingListener listener, TelemetryFleet fleet, Deadline deadline)
      throws Exception {
    SnmpPoller.Stats s0 = poller.stats();
    long[] fs0 = fleet.stats();
    double fleetCpu0 = fleet.cpuSeconds();
    long values0 = listener.values.sum();
    long ifaces0 = listener.interfaces.sum();
    long[] gc0 = JvmMetrics.gc();
    Map<Long, JvmMetrics.ThreadCpu> th0 = JvmMetrics.threadCpu();
    long cpu0 = JvmMetrics.processCpuNanos();
    long t0 = System.nanoTime();
    int ok;
    try {
      ok = poller.pollAll().get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "a full poll did not complete within --timeout-s " + deadline.seconds());
    }
    long wall = System.nanoTime() - t0;
    long cpu1 = JvmMetrics.processCpuNanos();
    Map<Long, JvmMetrics.ThreadCpu> th1 = JvmMetrics.threadCpu();
    long[] gc1 = JvmMetrics.gc();
    double fleetCpu1 = fleet.cpuSeconds();
    long[] fs1 = fleet.stats();
    SnmpPoller.Stats s1 = poller.stats();
    return new PollFigures(
        wall / 1e9,
        (cpu1 - cpu0) / 1e9,
        ok,
        s1.requests() - s0.requests(),
        s1.varbinds() - s0.varbinds(),
        s1.failures() - s0.failures(),
        listener.values.sum() - values0,
        listener.interfaces.sum() - ifaces0,
        fleetCpu1 - fleetCpu0,
        fs1[0] - fs0[0],
        fs1[1] - fs0[1],
        gc1[0] - gc0[0],
        (gc1[1] - gc0[1]) / 1e3,
        JvmMetrics.threadDelta(th0, th1));
  }

  /** The poll as JSON (all but CPU by thread). */
  ObjectNode toJson() {
    ObjectNode n = BenchJson.object();
    n.put("wall_s", Stats.round3(wallS));
    n.put("cpu_s", Stats.round3(cpuS));
    n.put("successes", successes);
    n.put("failures", failures);
    n.put("requests", requests);
    n.put("varbinds", varbinds);
    n.put("values", values);
    n.put("interfaces", interfaces);
    n.put("cpu_s_per_million_varbinds", varbinds == 0 ? null : Stats.round3(cpuS / varbinds * 1e6));
    n.put("fleet_cpu_s", Stats.round3(fleetCpuS));
    n.put("fleet_datagrams_received", fleetReceived);
    n.put("fleet_datagrams_answered", fleetAnswered);
    n.put("gc_collections", gcCount);
    n.put("gc_s", Stats.round3(gcS));
    return n;
  }
}
