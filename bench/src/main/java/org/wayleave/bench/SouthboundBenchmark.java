package org.wayleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The southbound at scale. A controller in this JVM, a simulator of {@code --devices} routers in a
 * child JVM (so this JVM's heap is the controller's alone), then one Apply of {@code --circuits}
 * circuits spread evenly over the routers. Measures the time from the Apply to every circuit
 * Applied (ACTIVE), the pushes the controller sent against the minimum (one per router), the pushes
 * the agents found redundant, and the controller's heap after a full GC.
 */
@Command(
    name = "southbound-benchmark",
    mixinStandardHelpOptions = true,
    description = "Time from Apply to all circuits Applied, pushes vs minimum, controller heap.")
public final class SouthboundBenchmark implements Callable<Integer> {
  @Option(
      names = "--devices",
      defaultValue = "10000",
      description = "Simulated routers (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--circuits",
      defaultValue = "100000",
      description = "Circuits in the one Apply (default: ${DEFAULT-VALUE}).")
  int circuits;

  @Option(
      names = "--out",
      description = "JSON output (default: bench/results/southbound-<date>.json).")
  Path out;

  @Option(
      names = "--dir",
      description = "Data directory (default: a fresh one under bench/target/bench-data).")
  Path dir;

  @Option(
      names = "--timeout-s",
      defaultValue = "600",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--sim-heap",
      defaultValue = "4g",
      description = "Simulator JVM -Xmx (default: ${DEFAULT-VALUE}).")
  String simHeap;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SouthboundBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || devices > Seeds.MAX_SCALE_DEVICES) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--devices: must be within 1-" + Seeds.MAX_SCALE_DEVICES);
    }
    if (circuits < devices || circuits > devices * 3000L) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--circuits: must be within --devices and 3000 x --devices");
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path data =
        dir != null
            ? dir
            : cwd.resolve(
                "bench/target/bench-data/southbound-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path outFile =
        out != null ? out : cwd.resolve("bench/results/southbound-" + LocalDate.now() + ".json");
    Files.createDirectories(data);

    Controller controller =
        Controller.start(
            new ControllerConfig(
                data.resolve("controller"), "127.0.0.1", 0, 0, 0, List.of(), Clock.systemUTC()));
    Process sim = null;
    try {
      progress("inventory: %d routers", devices);
      List<Resource> inventory = Seeds.scale(devices);
      controller.state().apply(Op.upserts(inventory, "r"), "bench", "scale inventory");

      progress("simulator: %d routers in a child JVM", devices);
      List<String> simOut = new CopyOnWriteArrayList<>();
      sim = startSimulator(controller.agentPort(), data, simOut);
      long connectStart = System.nanoTime();
      awaitCondition(
          () -> controller.agents().sessions() == devices,
          Duration.ofSeconds(timeoutSeconds),
          "all agents connected");
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      int simPort = simulatorPort(simOut);
      progress("all %d agents connected in %.1f s", devices, connectSeconds);
      awaitSettled(controller);
      long pushesBefore = controller.pushes().pushes();

      List<Op> circuitOps = new ArrayList<>(circuits);
      for (int i = 0; i < circuits; i++) {
        int d = i % devices + 1;
        int port = 1 + (i / devices) % 3;
        circuitOps.add(
            Op.write(
                Op.Mode.CREATE,
                Kind.CIRCUIT,
                Circuit.newBuilder()
                    .setId(String.format("SCALE-%07d", i))
                    .setSpec(
                        CircuitSpec.newBuilder()
                            .setCouncil(Seeds.scaleCouncilId((d - 1) / 100 + 1))
                            .setSupplier("scale-carrier")
                            .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                            .setAEnd(
                                Termination.newBuilder()
                                    .setDevice(Seeds.scaleDeviceId(d))
                                    .setPort("ge-0/0/" + port))
                            .setCommittedMbps(1))
                    .build(),
                "resources[" + i + "]"));
      }
      progress("apply: %d circuits in one batch", circuits);
      long t0 = System.nanoTime();
      controller.state().apply(circuitOps, "bench", "apply " + circuits + " circuits");
      double applySeconds = (System.nanoTime() - t0) / 1e9;
      ResourceCache cache = controller.state().cache();
      awaitCondition(
          () -> active(cache) == circuits,
          Duration.ofSeconds(timeoutSeconds),
          "all circuits ACTIVE");
      double allAppliedSeconds = (System.nanoTime() - t0) / 1e9;
      progress(
          "all %d circuits ACTIVE %.1f s after the Apply (the Apply itself took %.1f s)",
          circuits, allAppliedSeconds, applySeconds);
      awaitSettled(controller);
      long pushes = controller.pushes().pushes() - pushesBefore;
      ObjectNode simStats =
          (ObjectNode)
              new ObjectMapper()
                  .readTree(
                      HttpClient.newHttpClient()
                          .send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + simPort + "/stats"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body());

      MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
      System.gc();
      System.gc();
      long heapMb = mem.getHeapMemoryUsage().getUsed() / (1024 * 1024);

      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = json.createObjectNode();
      root.put("benchmark", "southbound");
      root.put("date", LocalDate.now().toString());
      ObjectNode machine = root.putObject("machine");
      machine.put("cores", Runtime.getRuntime().availableProcessors());
      machine.put("controller_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
      machine.put("java_version", System.getProperty("java.version"));
      machine.put("filesystem", Files.getFileStore(data).type());
      ObjectNode params = root.putObject("parameters");
      params.put("devices", devices);
      params.put("circuits", circuits);
      params.put(
          "simulator",
          "child JVM, -Xmx" + simHeap + ", one plaintext gRPC connection per agent, 127.0.0.1");
      params.put(
          "apply", "one in-process batch (the northbound Apply caps a call at 10,000 items)");
      ObjectNode results = root.putObject("results");
      results.put("agents_connected_s", round(connectSeconds));
      results.put("apply_call_s", round(applySeconds));
      results.put("apply_to_all_applied_s", round(allAppliedSeconds));
      results.put("pushes_sent", pushes);
      results.put("pushes_minimum", devices);
      results.put("pushes_redundant_seen_by_agents", simStats.path("pushes_redundant").asLong());
      results.put("sub_interfaces_on_routers", simStats.path("sub_interfaces").asLong());
      results.put("controller_heap_after_full_gc_mb", heapMb);
      ObjectNode targets = root.putObject("targets");
      targets.put("apply_to_all_applied_s", 60);
      targets.put("redundant_pushes", 0);
      targets.put("controller_heap_mb", 1024);
      ObjectNode met = root.putObject("met");
      met.put("apply_to_all_applied_s", allAppliedSeconds < 60);
      met.put("redundant_pushes", simStats.path("pushes_redundant").asLong() == 0);
      met.put("controller_heap_mb", heapMb <= 1024);
      Files.createDirectories(outFile.toAbsolutePath().getParent());
      json.writeValue(outFile.toFile(), root);
      System.out.println(json.writeValueAsString(results));
      System.out.println(
          "written to "
              + (outFile.toAbsolutePath().startsWith(cwd)
                  ? cwd.relativize(outFile.toAbsolutePath())
                  : outFile));
      return 0;
    } finally {
      if (sim != null) {
        sim.destroy();
        if (!sim.waitFor(30, TimeUnit.SECONDS)) {
          sim.destroyForcibly();
        }
      }
      controller.close();
    }
  }

  private Process startSimulator(int agentPort, Path data, List<String> simOut) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx" + simHeap,
                "-cp",
                System.getProperty("java.class.path"),
                "org.wayleave.cli.Main",
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
                data.resolve("secrets").toString())
            .redirectError(data.resolve("simulator.err").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("WAYLEAVE_LOG_LEVEL", "WARN");
    Process p = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  simOut.add(line);
                }
              } catch (IOException ignored) {
                // the simulator ended
              }
            },
            "bench-simulator-stdout");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static int simulatorPort(List<String> simOut) throws InterruptedException {
    awaitCondition(
        () -> simOut.stream().anyMatch(l -> l.contains("faults at http://")),
        Duration.ofSeconds(60),
        "simulator started");
    String line =
        simOut.stream().filter(l -> l.contains("faults at http://")).findFirst().orElseThrow();
    String hostPort = line.substring(line.indexOf("http://") + 7, line.indexOf("/devices"));
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  private static long active(ResourceCache cache) {
    long n = 0;
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      if (cache.withStatus(c).getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_ACTIVE) {
        n++;
      }
    }
    return n;
  }

  private static void awaitSettled(Controller c) throws InterruptedException {
    awaitCondition(
        () -> c.deviceEngine().queueDepth() == 0 && c.deviceEngine().runningCount() == 0,
        Duration.ofSeconds(120),
        "reconciles settled");
  }

  /** Polls {@code condition} every 200 ms until it holds or {@code timeout} passes. */
  static void awaitCondition(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static void progress(String fmt, Object... args) {
    System.err.println("bench: " + String.format(fmt, args));
  }
}
