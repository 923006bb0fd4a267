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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A benchmark's simulated routers: {@code wayleave simulator} in a child JVM, so that this JVM's
 * heap is the controller's alone (the southbound benchmark's {@code --scenario scale}, the HA
 * benchmark's {@code london} dialling two controllers). Finds its HTTP port in its output and reads
 * its {@code /stats} there.
 */
final class SimulatorProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final List<String> out;
  private final HttpClient http = HttpClient.newHttpClient();
  private int httpPort;

  private SimulatorProcess(Process process, List<String> out) {
    this.process = process;
    this.out = out;
  }

  /**
   * Starts {@code wayleave simulator} with {@code scenarioArgs} (the scenario, the controllers'
   * agent addresses, {@code --insecure} or the CA, ...), its fault API on a free port, with {@code
   * -Xmx<heap>} and {@code jvmOptions}; its secrets and stderr in {@code data}.
   */
  static SimulatorProcess start(
      String heap, List<String> jvmOptions, List<String> scenarioArgs, Path data)
      throws IOException {
    return start(heap, jvmOptions, scenarioArgs, data.resolve("secrets"), data, "simulator");
  }

  /**
   * As {@link #start(String, List, List, Path)}, with the SNMP secrets in {@code secrets} and its
   * stderr in {@code data/<name>.err}: one of several simulators sharing a controller's secrets.
   */
  static SimulatorProcess start(
      String heap,
      List<String> jvmOptions,
      List<String> scenarioArgs,
      Path secrets,
      Path data,
      String name)
      throws IOException {
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> args = new ArrayList<>();
    args.add("simulator");
    args.addAll(scenarioArgs);
    args.addAll(List.of("--http-port", "0", "--secrets", secrets.toString()));
    Process p =
        ChildJvm.start(
            heap,
            jvmOptions,
            "org.wayleave.cli.Main",
            args,
            ProcessBuilder.Redirect.from(new File("/dev/null")),
            data.resolve(name + ".err"),
            out::add,
            "bench-" + name + "-stdout");
    return new SimulatorProcess(p, out);
  }

  /** Waits up to a minute for the simulator to say where its HTTP server listens. */
  void awaitHttpPort() throws InterruptedException {
    awaitHttpPort(Duration.ofSeconds(60));
  }

  /**
   * Waits up to {@code timeout} for the simulator to say where its HTTP server listens, failing at
   * once if it exits first.
   */
  void awaitHttpPort(Duration timeout) throws InterruptedException {
    Await.until(
        () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "the simulator exited " + process.exitValue() + " before it started: " + out);
          }
          return out.stream().anyMatch(l -> l.contains("faults at http://"));
        },
        timeout,
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
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/stats"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
  }

  /** The simulator's process. */
  Process process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    ChildJvm.stop(process, Duration.ofSeconds(30));
  }
}
