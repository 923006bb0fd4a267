package org.wayleave.bench;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The telemetry benchmark's simulated routers: the child JVM running {@link TelemetryFleetMain},
 * started and waited for until it says it is ready, asked for its datagram counts over its stdin,
 * measured for CPU from {@code /proc}, and stopped by closing its stdin.
 */
final class TelemetryFleet implements AutoCloseable {
  private final Process process;
  private final String readyLine;
  private final BlockingQueue<String> lines;
  private final Writer in;

  private TelemetryFleet(Process process, String readyLine, BlockingQueue<String> lines) {
    this.process = process;
    this.readyLine = readyLine;
    this.lines = lines;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Starts the fleet JVM ({@code -Xmx<heap>}, stderr into {@code data/fleet.err}) and waits up to
   * {@code timeout} for it to be ready.
   *
   * @throws IllegalStateException if it fails, exits or is not ready in time
   */
  static TelemetryFleet start(
      int devices,
      int subInterfaces,
      Path secretsDir,
      int port,
      String heap,
      Path data,
      Duration timeout)
      throws Exception {
    Path err = data.resolve("fleet.err");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Process p =
        ChildJvm.start(
            heap,
            List.of(),
            TelemetryFleetMain.class.getName(),
            List.of(
                Integer.toString(devices),
                Integer.toString(subInterfaces),
                secretsDir.toString(),
                Integer.toString(port)),
            ProcessBuilder.Redirect.PIPE,
            err,
            lines::add,
            "bench-fleet-stdout");
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith("ready ")) {
        return new TelemetryFleet(p, line.substring(6), lines);
      }
      if (line != null && line.startsWith("failed ")) {
        p.waitFor(10, TimeUnit.SECONDS);
        p.destroyForcibly();
        throw new IllegalStateException("the fleet JVM could not start: " + line.substring(7));
      }
      if (!p.isAlive() && lines.isEmpty()) {
        throw new IllegalStateException(
            "the fleet JVM exited with status "
                + p.exitValue()
                + " before it was ready: "
                + tail(err));
      }
      if (System.nanoTime() > end) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "the fleet JVM was not ready within " + timeout.toSeconds() + " s: " + tail(err));
      }
    }
  }

  /** What the fleet said when ready: {@code <routers> <first-host>:<port>}. */
  String readyLine() {
    return readyLine;
  }

  long pid() {
    return process.pid();
  }

  double cpuSeconds() {
    return ProcCpu.seconds(process.pid());
  }

  /** {received, answered, dropped, refused} datagrams since the fleet started. */
  long[] stats() throws IOException, InterruptedException {
    in.write("stats\n");
    in.flush();
    String line = lines.poll(30, TimeUnit.SECONDS);
    if (line == null || !line.startsWith("stats ")) {
      throw new IllegalStateException("the fleet JVM did not report its stats (got " + line + ")");
    }
    String[] f = line.substring(6).trim().split(" ");
    long[] out = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = Long.parseLong(f[i]);
    }
    return out;
  }

  private static String tail(Path err) {
    try {
      List<String> all = Files.readAllLines(err);
      return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException e) {
      return "(no " + err + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.close(); // the fleet stops when its stdin closes
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      ChildJvm.stop(process, Duration.ofSeconds(10));
    }
  }
}
