package org.wayleave.cli;

import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A controller running as a child JVM, started exactly as a user would start it ({@code java -cp
 * ... org.wayleave.cli.Main controller --data DIR ...}), on loopback with OS-chosen ports and the
 * london seed.
 *
 * <p>The child's stdout is drained by a daemon thread (so it can never block on a full pipe); its
 * stderr (the log) goes to a file next to the data directory, whose tail is quoted when the child
 * fails to start.
 */
final class ChildController implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile(
          "wayleave controller listening: grpc=127\\.0\\.0\\.1:(\\d+) http=127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger STARTS = new AtomicInteger();

  private final Process process;
  private final Path stderrFile;
  private final List<String> stdout = new ArrayList<>();
  private final int grpcPort;
  private final int httpPort;
  private final ManagedChannel channel;

  private ChildController(Path dataDir) throws IOException {
    Path logDir = dataDir.toAbsolutePath().getParent();
    this.stderrFile = logDir.resolve("controller-" + STARTS.incrementAndGet() + ".stderr.log");
    // The child finds its certificate on its own, in DATA/pki (made once; a restart reuses it).
    TestPki pki = TestPki.in(dataDir.resolve("pki"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "org.wayleave.cli.Main",
            "controller",
            "--data",
            dataDir.toAbsolutePath().toString(),
            "--bind",
            "127.0.0.1",
            "--grpc-port",
            "0",
            "--http-port",
            "0",
            "--agent-port",
            "0",
            "--seed",
            "london");
    this.process =
        new ProcessBuilder(cmd)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(stderrFile.toFile())
            .start();
    Thread drain = new Thread(this::drainStdout, "child-controller-stdout-" + process.pid());
    drain.setDaemon(true);
    drain.start();

    int[] ports;
    try {
      await("controller child (pid " + process.pid() + ") to print its listening line")
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> listening() != null || !process.isAlive());
      ports = listening();
    } catch (ConditionTimeoutException e) {
      ports = null;
    }
    if (ports == null) {
      String why =
          process.isAlive()
              ? "did not print its listening line within " + START_TIMEOUT.toSeconds() + " s"
              : "exited with code " + exitValueOrNull() + " before printing its listening line";
      process.destroyForcibly();
      throw new AssertionError(
          "controller child "
              + why
              + "\ncommand: "
              + String.join(" ", cmd.subList(0, 2))
              + " <classpath> "
              + String.join(" ", cmd.subList(3, cmd.size()))
              + "\nstdout: "
              + stdoutLines()
              + "\nstderr tail ("
              + stderrFile
              + "):\n"
              + stderrTail(60));
    }
    this.grpcPort = ports[0];
    this.httpPort = ports[1];
    this.channel = pki.engineerChannel(grpcPort);
  }

  private Integer exitValueOrNull() {
    try {
      return process.exitValue();
    } catch (IllegalThreadStateException e) {
      return null;
    }
  }

  /**
   * Starts a controller on {@code dataDir} and waits (bounded) until it says it is listening.
   *
   * @throws AssertionError with the child's stderr tail if it does not come up
   */
  static ChildController start(Path dataDir) {
    try {
      return new ChildController(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the controller child JVM", e);
    }
  }

  private void drainStdout() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (stdout) {
          stdout.add(line);
        }
      }
    } catch (IOException e) {
      // The child died or its pipe closed: nothing more to read.
    }
  }

  private int[] listening() {
    synchronized (stdout) {
      for (String line : stdout) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
        }
      }
    }
    return null;
  }

  private List<String> stdoutLines() {
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  /** The last {@code lines} lines the child wrote to stderr (its log). */
  String stderrTail(int lines) {
    try {
      List<String> all = Files.readAllLines(stderrFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + stderrFile + ": " + e + ")";
    }
  }

  /** The whole stderr (log) of the child so far. */
  String stderr() {
    try {
      return Files.readString(stderrFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + stderrFile + ": " + e + ")";
    }
  }

  int grpcPort() {
    return grpcPort;
  }

  int httpPort() {
    return httpPort;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** An mTLS channel to the child's northbound gRPC port, as the engineer. */
  ManagedChannel channel() {
    return channel;
  }

  /**
   * SIGKILL (destroyForcibly is SIGKILL on Linux): no shutdown hook runs. Returns the exit code.
   */
  int kill() {
    process.destroyForcibly();
    return waitForExit("SIGKILL");
  }

  /** SIGTERM: the shutdown hook closes the controller cleanly. Returns the exit code. */
  int stop() {
    process.destroy();
    return waitForExit("SIGTERM");
  }

  private int waitForExit(String signal) {
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        throw new AssertionError(
            "controller child (pid "
                + process.pid()
                + ") did not exit within "
                + STOP_TIMEOUT.toSeconds()
                + " s of "
                + signal
                + "\nstderr tail:\n"
                + stderrTail(60));
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted waiting for the controller child to exit", e);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (channel != null) {
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
