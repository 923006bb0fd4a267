package org.wayleave.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A benchmark's helper process: a JVM started with this JVM's {@code java} and class path, logging
 * at WARN, its stderr into a file and each line of its stdout handed to the caller by a daemon
 * thread; and the way to stop it.
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * Starts {@code mainClass} with {@code args}, {@code -Xmx<heap>} and {@code jvmOptions}.
   *
   * @param stdin where its stdin comes from ({@link ProcessBuilder.Redirect#PIPE} to write to it)
   * @param stderr the file its stderr goes to
   * @param onLine takes each line it writes to stdout, on the thread {@code readerName}
   */
  static Process start(
      String heap,
      List<String> jvmOptions,
      String mainClass,
      List<String> args,
      ProcessBuilder.Redirect stdin,
      Path stderr,
      Consumer<String> onLine,
      String readerName)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectError(stderr.toFile()).redirectInput(stdin);
    pb.environment().put("WAYLEAVE_LOG_LEVEL", "WARN");
    Process p = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  onLine.accept(line);
                }
              } catch (IOException ignored) {
                // the child ended
              }
            },
            readerName);
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** Asks {@code p} to end, and ends it forcibly if it has not within {@code grace}. */
  static void stop(Process p, Duration grace) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
      p.destroyForcibly();
    }
  }
}
