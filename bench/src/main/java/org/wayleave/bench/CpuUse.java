package org.wayleave.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How busy the machine was while the benchmark ran, and how much of that was the benchmark: from
 * {@code /proc/stat} (all CPUs) and this JVM's own CPU time. On a quiet machine the CPU the
 * benchmark did not use itself is near zero; other builds running alongside show up here. Linux
 * only; elsewhere the figures are absent.
 */
final class CpuUse {
  private final long wallStart = System.nanoTime();
  private final long[] statStart = procStat();
  private final long ownStart = ownCpuNanos();
  private final long childrenStart = reapedChildrenCpuNanos();

  /** Busy and total jiffies of all CPUs, or null where {@code /proc/stat} is not readable. */
  private static long[] procStat() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
      String[] f = lines.get(0).trim().split("\\s+");
      if (!f[0].equals("cpu") || f.length < 5) {
        return null;
      }
      long total = 0;
      // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ownCpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * CPU time of this JVM's child processes that have ended and been waited for ({@code cutime +
   * cstime} of {@code /proc/self/stat}), or -1 where unknown.
   */
  private static long reapedChildrenCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields count from after the command name in parentheses; f[0] is field 3 (state).
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks * 1_000_000_000L / ProcCpu.clockTicks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Average CPUs busy over the run: {all, this JVM, everything else}; null if unknown. */
  double[] since() {
    return since(false);
  }

  /**
   * As {@link #since()}, counting as the benchmark's own the CPU of its child processes that have
   * ended (and been waited for) since: call it once they all have.
   */
  double[] sinceWithEndedChildren() {
    return since(true);
  }

  private double[] since(boolean children) {
    long[] end = procStat();
    long own = ownCpuNanos();
    if (children) {
      long c = reapedChildrenCpuNanos();
      if (c < 0 || childrenStart < 0) {
        return null;
      }
      own += c - childrenStart;
    }
    double wallS = (System.nanoTime() - wallStart) / 1e9;
    if (statStart == null || end == null || own < 0 || ownStart < 0 || wallS <= 0) {
      return null;
    }
    long busy = end[0] - statStart[0];
    long total = end[1] - statStart[1];
    int cpus = Runtime.getRuntime().availableProcessors();
    if (total <= 0) {
      return null;
    }
    // Jiffies to seconds without knowing USER_HZ: total jiffies cover wall * cpus seconds.
    double allBusyCpus = (double) busy / total * cpus;
    double ownCpus = (own - ownStart) / 1e9 / wallS;
    return new double[] {allBusyCpus, ownCpus, Math.max(0, allBusyCpus - ownCpus)};
  }
}
