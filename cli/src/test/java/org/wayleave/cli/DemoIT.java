package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wayleave demo} as a user runs it: a child JVM brings every example circuit of the
 * simulated London PSN to ACTIVE, stops cleanly on SIGTERM, and a second run on the same data
 * directory resumes without re-seeding anything.
 */
class DemoIT {
  @TempDir Path dir;

  /** A running demo and what it printed. */
  private static final class Demo implements AutoCloseable {
    final Process process;
    final List<String> out = new CopyOnWriteArrayList<>();
    final Path err;

    Demo(Path data, Path err) throws Exception {
      this.err = err;
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.wayleave.cli.Main", "demo",
          "--data", data.toString(), "--grpc-port", "0", "--agent-port", "0", "--http-port", "0", "--sim-port", "0")
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectError(err.toFile())
          .start();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            out.add(line);
          }
        } catch (java.io.IOException ignored) {
          // the process ended
        }
      }, "demo-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    void awaitLine(String text) {
      await().atMost(Duration.ofSeconds(120)).until(() -> out.stream().anyMatch(l -> l.contains(text)) || !process.isAlive());
      assertThat(out).as("demo output; stderr tail:%n%s", tail()).anyMatch(l -> l.contains(text));
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(err);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (java.io.IOException e) {
        return e.toString();
      }
    }

    int terminate() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("demo stops within 30 s of SIGTERM").isTrue();
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void demoBringsLondonUpStopsCleanlyAndResumes() throws Exception {
    Path data = dir.resolve("data");
    try (Demo first = new Demo(data, dir.resolve("first.err"))) {
      first.awaitLine("All 34 circuits are ACTIVE.");
      assertThat(first.out).anyMatch(l -> l.contains("simulator faults"));
      assertThat(first.terminate()).isEqualTo(143);
      assertThat(Files.readString(first.err)).contains("controller stopped");
    }
    try (Demo second = new Demo(data, dir.resolve("second.err"))) {
      second.awaitLine("All 34 circuits are ACTIVE.");
      assertThat(Files.readString(second.err)).contains("seed london: 170 objects, 0 changed");
      second.terminate();
    }
  }
}
