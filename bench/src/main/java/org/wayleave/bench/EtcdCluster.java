package org.wayleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Three (or N) etcd members as child processes of this JVM on free ports of 127.0.0.1, plaintext,
 * each with its own data directory, with the limits a 5,000-circuit Apply needs in one transaction
 * ({@value #MAX_TXN_OPS} operations, {@value #MAX_REQUEST_BYTES} bytes). {@link #start} returns
 * once every member answers {@code /health} (the cluster has a leader); {@link #close} kills them
 * and deletes the directory, as does the JVM ending.
 */
final class EtcdCluster implements AutoCloseable {
  static final int MAX_TXN_OPS = 12_000;
  static final int MAX_REQUEST_BYTES = 16 << 20;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ChildProcesses processes;
  private final List<String> clientUrls;
  private final Path dir;

  private EtcdCluster(ChildProcesses processes, List<String> clientUrls, Path dir) {
    this.processes = processes;
    this.clientUrls = clientUrls;
    this.dir = dir;
  }

  /** The {@code etcd} command on PATH or in an sbin directory, if installed. */
  static Optional<Path> find() {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, "etcd"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** {@code etcd --version}'s first line, such as {@code etcd Version: 3.4.23}. */
  static String version(Path etcd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out.lines().findFirst().orElse("etcd (version unknown)").trim();
  }

  /**
   * Starts {@code members} members with their data under {@code dir} (deleted on close unless
   * {@code keep}) and waits for them.
   */
  static EtcdCluster start(Path etcd, Path dir, int members, boolean keep)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> clients = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    StringJoiner initial = new StringJoiner(",");
    for (int i = 1; i <= members; i++) {
      clients.add("http://127.0.0.1:" + ChildProcesses.freePort());
      peers.add("http://127.0.0.1:" + ChildProcesses.freePort());
      initial.add("etcd-" + i + "=" + peers.get(i - 1));
    }
    ChildProcesses processes = new ChildProcesses(dir, keep);
    EtcdCluster cluster = new EtcdCluster(processes, List.copyOf(clients), dir);
    try {
      String token = "wayleave-bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
      for (int i = 1; i <= members; i++) {
        List<String> cmd =
            List.of(
                etcd.toString(),
                "--name=etcd-" + i,
                "--data-dir=" + dir.resolve("etcd-" + i),
                "--listen-client-urls=" + clients.get(i - 1),
                "--advertise-client-urls=" + clients.get(i - 1),
                "--listen-peer-urls=" + peers.get(i - 1),
                "--initial-advertise-peer-urls=" + peers.get(i - 1),
                "--initial-cluster=" + initial,
                "--initial-cluster-state=new",
                "--initial-cluster-token=" + token,
                "--max-txn-ops=" + MAX_TXN_OPS,
                "--max-request-bytes=" + MAX_REQUEST_BYTES,
                "--log-level=warn");
        processes.add(
            new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd-" + i + ".log").toFile())
                .start());
      }
      cluster.awaitHealthy();
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void awaitHealthy() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    ObjectMapper json = new ObjectMapper();
    for (String url : clientUrls) {
      HttpRequest health =
          HttpRequest.newBuilder(URI.create(url + "/health"))
              .timeout(Duration.ofSeconds(2))
              .build();
      try {
        Await.until(
            () -> {
              try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200
                    && json.readTree(r.body()).path("health").asText().equals("true");
              } catch (IOException e) {
                return false; // not listening yet
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            },
            START_TIMEOUT,
            "etcd at " + url + " to be healthy");
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "; logs in " + dir + ": " + logTail(), e);
      }
    }
  }

  private String logTail() {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= clientUrls.size(); i++) {
      try {
        List<String> lines = Files.readAllLines(dir.resolve("etcd-" + i + ".log"));
        b.append("\n[etcd-").append(i).append("] ");
        b.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
      } catch (IOException e) {
        b.append("\n[etcd-").append(i).append("] (no log)");
      }
    }
    return b.toString();
  }

  /** The members' client addresses as a controller's store URL, {@code etcd://HOST:PORT,...}. */
  String storeUrl() {
    StringJoiner j = new StringJoiner(",", "etcd://", "");
    clientUrls.forEach(u -> j.add(u.substring("http://".length())));
    return j.toString();
  }

  int members() {
    return clientUrls.size();
  }

  /** Kills every member and deletes the data. */
  @Override
  public void close() throws IOException {
    processes.close();
  }
}
