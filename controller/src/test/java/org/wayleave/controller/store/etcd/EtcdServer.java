package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.wayleave.base.net.LoopbackPorts;
import org.wayleave.controller.testing.SystemParts;

/**
 * A real etcd for tests: a child process on free loopback ports (client and peer), with its own
 * temporary data directory. {@link #start()} returns once etcd answers its health check; {@link
 * #close()} kills it and deletes the directory. A JVM shutdown hook does the same if a test run is
 * cut short.
 */
public final class EtcdServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final List<String> command;
  private final Path dir;
  private final String endpoint;
  private final String health;
  private final Thread shutdownHook;
  private volatile Process process;

  private EtcdServer(
      List<String> command, Process process, Path dir, String endpoint, String health) {
    this.command = command;
    this.process = process;
    this.dir = dir;
    this.endpoint = endpoint;
    this.health = health;
    this.shutdownHook = new Thread(this::stop, "etcd-test-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * TLS for etcd's client port.
   *
   * @param cert etcd's server certificate (valid for 127.0.0.1)
   * @param key its key
   * @param ca the CA clients' certificates must chain to: etcd requires one from every client
   */
  public record Tls(Path cert, Path key, Path ca) {}

  /** Starts etcd (skipping the test, or failing it in CI, when etcd is not installed). */
  public static EtcdServer start() throws IOException, InterruptedException {
    return start(null, List.of());
  }

  /**
   * Starts etcd with TLS on its client port ({@code tls}; null: plaintext) and {@code extraFlags}.
   */
  public static EtcdServer start(Tls tls, List<String> extraFlags)
      throws IOException, InterruptedException {
    Path etcd = SystemParts.require("etcd", "etcd-server");
    Path dir = Files.createTempDirectory("wayleave-etcd-");
    int clientPort = freePort();
    int peerPort = freePort();
    int metricsPort = freePort();
    String client = (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    String metrics = "http://127.0.0.1:" + metricsPort;
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            etcd.toString(),
            "--name=test",
            "--data-dir=" + dir.resolve("data"),
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=test=" + peer,
            "--initial-cluster-state=new",
            "--listen-metrics-urls=" + metrics,
            "--log-level=warn"));
    if (tls != null) {
      command.addAll(
          List.of(
              "--cert-file=" + tls.cert(),
              "--key-file=" + tls.key(),
              "--trusted-ca-file=" + tls.ca(),
              "--client-cert-auth"));
    }
    command.addAll(extraFlags);
    Process p;
    try {
      p = launch(command, dir);
    } catch (IOException e) {
      deleteTree(dir);
      throw e;
    }
    EtcdServer server = new EtcdServer(command, p, dir, client, metrics + "/health");
    try {
      server.awaitHealthy();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static Process launch(List<String> command, Path dir) throws IOException {
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
        .start();
  }

  /** Kills etcd and starts it again on the same ports and data: its clients' streams break. */
  public synchronized void restart() throws IOException, InterruptedException {
    stopProcess();
    process = launch(command, dir);
    awaitHealthy();
  }

  public String endpoint() {
    return endpoint;
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(2)).build();
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException(
                      "etcd exited at start (" + process.exitValue() + "): " + log());
                }
                try {
                  HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                  return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
                } catch (IOException e) {
                  return false; // not listening yet
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "etcd did not become healthy within " + START_TIMEOUT + ": " + log(), e);
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("etcd.log"), UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    return LoopbackPorts.free();
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs stop() again, which is harmless.
    }
  }

  private synchronized void stop() {
    stopProcess();
    deleteTree(dir);
  }

  private void stopProcess() {
    Process process = this.process;
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
