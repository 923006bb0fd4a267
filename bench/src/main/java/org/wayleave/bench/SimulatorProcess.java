package org.wayleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The southbound benchmark's simulated routers: {@code wayleave simulator --scenario scale} in a
 * child JVM, so that this JVM's heap is the controller's alone; its agents connect to the
 * controller in plaintext. Finds its HTTP port in its output and reads its {@code /stats} there.
 */
final class SimulatorProcess implements AutoCloseable {
  private final Process process;
  private final List<String> out;
  private int httpPort;

  private SimulatorProcess(Process process, List<String> out) {
    this.process = process;
    this.out = out;
  }

  /**
   * Starts {@code devices} simulated routers ({@code -Xmx<heap>}) whose agents connect to {@code
   * 127.0.0.1:agentPort}, with their secrets and stderr in {@code data}.
   */
  static SimulatorProcess start(String heap, int devices, int agentPort, Path data)
      throws IOException {
    List<String> out = new CopyOnWriteArrayList<>();
    Process p =
        ChildJvm.start(
            heap,
            "org.wayleave.cli.Main",
            List.of(
                "simulator",
                "--scenario",
                "scale",
                "--devices",
                Integer.toString(devices),
                // The in-process controller serves plaintext: this measures the protocol and the
                // reconcile loop, not TLS.
                "--controller",
                "127.0.0.1:" + agentPort,
                "--http-port",
                "0",
                "--insecure",
                "--secrets",
                data.resolve("secrets").toString()),
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            data.resolve("simulator.err"),
            out::add,
            "bench-simulator-stdout");
    return new SimulatorProcess(p, out);
  }

  /** Waits up to a minute for the simulator to say where its HTTP server listens. */
  void awaitHttpPort() throws InterruptedException {
    Await.until(
        () -> out.stream().anyMatch(l -> l.contains("faults at http://")),
        Duration.ofSeconds(60),
        "simulator started");
    String line =
        out.stream().filter(l -> l.contains("faults at http://")).findFirst().orElseThrow();
    String hostPort = line.substring(line.indexOf("http://") + 7, line.indexOf("/devices"));
    httpPort = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /**
   * The simulator's {@code /stats}, such as {@code pushes_redundant} and {@code sub_interfaces}.
   */
  ObjectNode stats() throws IOException, InterruptedException {
    return (ObjectNode)
        new ObjectMapper()
            .readTree(
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + httpPort + "/stats"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
  }

  @Override
  public void close() throws InterruptedException {
    ChildJvm.stop(process, Duration.ofSeconds(30));
  }
}
