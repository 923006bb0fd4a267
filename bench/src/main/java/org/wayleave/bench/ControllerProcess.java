package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One controller of the HA topology: {@code wayleave controller --store etcd://...} in a child JVM
 * on fixed ports of 127.0.0.1 chosen once, so that a restart after a kill comes back where the
 * agents and the clients look for it; mutual TLS or plaintext as {@link HaPki} says.
 */
final class ControllerProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(1);

  final String name;
  final int grpcPort;
  final int agentPort;
  final int httpPort;
  private final List<String> command;
  private final String heap;
  private final List<String> jvmOptions;
  private final Path dir;
  private final HttpClient http;
  private final String leaderUrl;
  private volatile Process process;
  private volatile boolean listening;

  /**
   * A controller named {@code name} on the etcd cluster at {@code storeUrl}, its data, secrets and
   * log under {@code dir}; not started.
   */
  ControllerProcess(
      String name,
      String storeUrl,
      Path dir,
      Path secrets,
      HaPki pki,
      HaOptions o,
      List<String> jvmOptions)
      throws IOException {
    this.name = name;
    this.dir = dir;
    this.heap = o.controllerHeap;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.grpcPort = ChildProcesses.freePort();
    this.agentPort = ChildProcesses.freePort();
    this.httpPort = ChildProcesses.freePort();
    List<String> c = new ArrayList<>();
    c.addAll(
        List.of(
            "controller",
            "--store",
            storeUrl,
            "--etcd-max-txn-ops",
            Integer.toString(EtcdCluster.MAX_TXN_OPS),
            "--name",
            name,
            "--bind",
            "127.0.0.1",
            "--grpc-port",
            Integer.toString(grpcPort),
            "--agent-port",
            Integer.toString(agentPort),
            "--http-port",
            Integer.toString(httpPort),
            "--seed",
            CoreBenchmark.SEED,
            "--data",
            dir.resolve("data").toString(),
            "--secrets",
            secrets.toString()));
    c.addAll(pki.controllerFlags(name));
    if (o.noSnmp) {
      c.add("--no-telemetry");
    }
    this.command = List.copyOf(c);
    this.http = pki.httpClient(LEADER_TIMEOUT);
    this.leaderUrl = pki.httpScheme() + "://127.0.0.1:" + httpPort + "/leader";
    Files.createDirectories(dir);
  }

  /** Starts it, into {@code group}; {@link #awaitListening} waits for it to serve. */
  private Path log;

  void start(ChildProcesses group) throws IOException {
    listening = false;
    log = dir.resolve("stderr-" + System.currentTimeMillis() + ".log");
    process =
        group.add(
            ChildJvm.start(
                heap,
                jvmOptions,
                "org.wayleave.cli.Main",
                command,
                ProcessBuilder.Redirect.from(new File("/dev/null")),
                log,
                line -> {
                  if (line.startsWith("wayleave controller listening:")) {
                    listening = true;
                  }
                },
                "bench-" + name + "-stdout"));
  }

  /** Waits until it prints its listening line; fails if it exits first. */
  void awaitListening(Duration timeout) throws InterruptedException {
    Await.until(
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                name
                    + " exited "
                    + process.exitValue()
                    + " at start; the end of its log ("
                    + log
                    + "):\n"
                    + tail(log, 30));
          }
          return listening;
        },
        timeout,
        name + " to listen");
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = java.nio.file.Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Its {@code GET /leader}, or null when it does not answer within a second. */
  JsonNode leader() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(leaderUrl)).timeout(LEADER_TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Whether its {@code /leader} says it leads. */
  boolean leads() {
    JsonNode l = leader();
    return l != null && l.path("leading").asBoolean();
  }
}
