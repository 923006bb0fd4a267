package org.wayleave.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of another process, from {@code /proc/<pid>/stat} and {@code
 * /proc/<pid>/status} (Linux only): user + system time of all its threads, in seconds, converted
 * from clock ticks with {@code getconf CLK_TCK}.
 */
final class ProcCpu {
  private static volatile long ticks;

  private ProcCpu() {}

  /** Clock ticks per second ({@code getconf CLK_TCK}); 100 if getconf cannot say. */
  static long clockTicks() {
    long t = ticks;
    if (t > 0) {
      return t;
    }
    t = 100;
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) {
        t = Long.parseLong(out);
      }
    } catch (IOException e) {
      // keep the Linux default
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ticks = t;
    return t;
  }

  /**
   * User + system CPU seconds the process {@code pid} has used (all its threads, not its children).
   *
   * @throws IllegalStateException if {@code /proc/<pid>/stat} cannot be read (the process ended, or
   *     not Linux)
   */
  static double seconds(long pid) {
    String stat;
    try {
      stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read /proc/" + pid + "/stat (process ended, or not Linux): " + e.getMessage(), e);
    }
    // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state); utime is field 14, stime field 15.
    long utime = Long.parseLong(f[11]);
    long stime = Long.parseLong(f[12]);
    return (double) (utime + stime) / clockTicks();
  }

  /** Resident set size of the process in MiB ({@code VmRSS}), or -1 if unknown. */
  static long rssMb(long pid) {
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.substring(6).trim().split("\\s+");
          return Long.parseLong(f[0]) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }
}
