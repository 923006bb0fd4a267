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

  /** One CLI run in a child JVM with {@code cwd} as its working directory. */
  record Cli(int code, String out, String err) {}

  static Cli cli(Path cwd, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "org.wayleave.cli.Main"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(cwd, "cli", ".out");
    Path err = Files.createTempFile(cwd, "cli", ".err");
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("wayleave %s finishes", String.join(" ", args)).isTrue();
    return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void demoBringsLondonUpStopsCleanlyAndResumes() throws Exception {
    Path data = dir.resolve("data");
    try (Demo first = new Demo(data, dir.resolve("first.err"))) {
      first.awaitLine("All 34 circuits are ACTIVE.");
      assertThat(first.out).anyMatch(l -> l.contains("simulator faults"));
      String server = first.out.stream().filter(l -> l.contains("northbound gRPC")).findFirst().orElseThrow()
          .replaceAll(".*northbound gRPC\\s+(\\S+).*", "$1");
      // The engineer's verbs find the demo's certificate in data/pki, with no flags, from the directory holding data/.
      Cli all = cli(dir, "get", "circuits", "-o", "json", "--server", server);
      assertThat(all.code()).as(all.err()).isZero();
      assertThat(count(all.out(), "\"supplier\"")).isEqualTo(34);
      // A supplier's certificate shows its own circuits in the councils the demo's policy gives it, nothing else.
      Cli fern = cli(dir, "get", "circuits", "-o", "json", "--server", server,
          "--cert", "data/pki/supplier-fernhollow-fibre.crt", "--key", "data/pki/supplier-fernhollow-fibre.key");
      assertThat(fern.code()).as(fern.err()).isZero();
      assertThat(count(fern.out(), "\"supplier\"")).isEqualTo(count(fern.out(), "\"supplier\": \"fernhollow-fibre\""));
      assertThat(fern.out()).doesNotContain("\"council\": \"camden\"");
      Cli refused = cli(dir, "delete", "circuit", "LPSN-CAM-0001", "--server", server,
          "--cert", "data/pki/supplier-fernhollow-fibre.crt", "--key", "data/pki/supplier-fernhollow-fibre.key");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err()).contains("does not exist");
      // Plaintext is not served.
      assertThat(cli(dir, "get", "circuits", "--insecure", "--server", server).code()).isEqualTo(1);
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
