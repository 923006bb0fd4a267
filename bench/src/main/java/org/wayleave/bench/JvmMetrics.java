package org.wayleave.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What this JVM can tell about itself while a benchmark measures it: its process CPU time, its
 * garbage collections, CPU time by thread, and its heap after a full collection.
 */
final class JvmMetrics {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private JvmMetrics() {}

  /** A live thread's name and the CPU it has used. */
  record ThreadCpu(String name, long nanos) {}

  /** This process's CPU time in nanoseconds, all threads. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException(
        "this JVM cannot tell its own CPU time (no com.sun.management.OperatingSystemMXBean)");
  }

  /** {collections, milliseconds} over all collectors. */
  static long[] gc() {
    long n = 0;
    long ms = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, g.getCollectionCount());
      ms += Math.max(0, g.getCollectionTime());
    }
    return new long[] {n, ms};
  }

  /** Thread id to name and CPU for every live Java thread. */
  static Map<Long, ThreadCpu> threadCpu() {
    Map<Long, ThreadCpu> out = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t != null) {
        long cpu = THREADS.getThreadCpuTime(t.getThreadId());
        if (cpu >= 0) {
          out.put(t.getThreadId(), new ThreadCpu(t.getThreadName(), cpu));
        }
      }
    }
    return out;
  }

  /**
   * CPU seconds per thread name between two {@link #threadCpu()} snapshots, the busiest first
   * (threads under 5 ms left out).
   */
  static Map<String, Double> threadDelta(Map<Long, ThreadCpu> before, Map<Long, ThreadCpu> after) {
    Map<String, Double> byName = new HashMap<>();
    after.forEach(
        (id, a) -> {
          ThreadCpu b = before.get(id);
          long d = a.nanos() - (b == null ? 0 : b.nanos());
          // Pool threads differ only by a number: group them.
          String name = a.name().replaceAll("([-#/_])\\d+$", "$1N");
          byName.merge(name, d / 1e9, Double::sum);
        });
    Map<String, Double> out = new LinkedHashMap<>();
    byName.entrySet().stream()
        .filter(e -> e.getValue() >= 0.005)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** Heap in use, in MiB, after two full collections. */
  static long heapAfterFullGcMb() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }
}
