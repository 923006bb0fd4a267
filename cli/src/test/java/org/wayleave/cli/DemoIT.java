package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.Report;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.TlsFiles;

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
      process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  "org.wayleave.cli.Main",
                  "demo",
                  "--data",
                  data.toString(),
                  "--grpc-port",
                  "0",
                  "--agent-port",
                  "0",
                  "--http-port",
                  "0",
                  "--sim-port",
                  "0")
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(err.toFile())
              .start();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.add(line);
                  }
                } catch (IOException ignored) {
                  // the process ended
                }
              },
              "demo-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The first word after {@code label} on the line of the where-to-look block that has it. */
    String printed(String label) {
      return out.stream()
          .filter(l -> l.contains(label))
          .findFirst()
          .orElseThrow()
          .replaceAll(".*" + label + "\\s+(\\S+).*", "$1");
    }

    void awaitLine(String text) {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> out.stream().anyMatch(l -> l.contains(text)) || !process.isAlive());
      assertThat(out).as("demo output; stderr tail:%n%s", tail()).anyMatch(l -> l.contains(text));
    }

    String tail() {
      try {
        List<String> lines = Files.readAllLines(err);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return e.toString();
      }
    }

    int terminate() throws InterruptedException {
      process.destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS))
          .as("demo stops within 30 s of SIGTERM")
          .isTrue();
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
    List<String> cmd =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), "org.wayleave.cli.Main"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(cwd, "cli", ".out");
    Path err = Files.createTempFile(cwd, "cli", ".err");
    Process p =
        new ProcessBuilder(cmd)
            .directory(cwd.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS))
        .as("wayleave %s finishes", String.join(" ", args))
        .isTrue();
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
      String server =
          first.out.stream()
              .filter(l -> l.contains("northbound gRPC"))
              .findFirst()
              .orElseThrow()
              .replaceAll(".*northbound gRPC\\s+(\\S+).*", "$1");
      // The engineer's verbs find the demo's certificate in data/pki, with no flags, from the
      // directory holding data/.
      Cli all = cli(dir, "get", "circuits", "-o", "json", "--server", server);
      assertThat(all.code()).as(all.err()).isZero();
      assertThat(count(all.out(), "\"supplier\"")).isEqualTo(34);
      // A supplier's certificate shows its own circuits in the councils the demo's policy gives it,
      // nothing else.
      Cli fern =
          cli(
              dir,
              "get",
              "circuits",
              "-o",
              "json",
              "--server",
              server,
              "--cert",
              "data/pki/supplier-fernhollow-fibre.crt",
              "--key",
              "data/pki/supplier-fernhollow-fibre.key");
      assertThat(fern.code()).as(fern.err()).isZero();
      assertThat(count(fern.out(), "\"supplier\""))
          .isEqualTo(count(fern.out(), "\"supplier\": \"fernhollow-fibre\""));
      assertThat(fern.out()).doesNotContain("\"council\": \"camden\"");
      Cli refused =
          cli(
              dir,
              "delete",
              "circuit",
              "LPSN-CAM-0001",
              "--server",
              server,
              "--cert",
              "data/pki/supplier-fernhollow-fibre.crt",
              "--key",
              "data/pki/supplier-fernhollow-fibre.key");
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

  // ------------------------------------------------------------------ trust boundaries, probed as
  // a supplier and a router would

  static ManagedChannel channel(String server, TlsFiles files) throws Exception {
    String[] hp = server.split(":");
    return NettyChannelBuilder.forAddress(
            hp[0], Integer.parseInt(hp[1]), files.channelCredentials())
        .overrideAuthority("localhost")
        .build();
  }

  /**
   * A call's refusal as the caller reads it: code, message, and the details as the CLI prints them.
   */
  static String refusal(Runnable call) {
    try {
      call.run();
      return "accepted";
    } catch (StatusRuntimeException e) {
      // As the CLI tells it, from the status details, and the message itself.
      ByteArrayOutputStream told = new ByteArrayOutputStream();
      ClientOptions.refused("probe", e, null, new PrintStream(told, true, StandardCharsets.UTF_8));
      return e.getStatus().getCode()
          + " "
          + e.getStatus().getDescription()
          + "\n"
          + told.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aSupplierCannotReachAnotherCouncilsRouterAndAnAgentIsBelievedOnlyAboutWhatItWasSent()
      throws Exception {
    Path data = dir.resolve("data");
    try (Demo demo = new Demo(data, dir.resolve("demo.err"))) {
      demo.awaitLine("All 34 circuits are ACTIVE.");
      String server = demo.printed("northbound gRPC");
      String agents = demo.printed("agents dial");
      String faults = demo.printed("simulator faults").replaceAll("/devices$", "");
      Path pki = data.resolve("pki");
      var engineer =
          channel(server, TlsFiles.in(pki, new Identity(Identity.Role.ENGINEER, "demo")));
      var fern =
          channel(
              server, TlsFiles.in(pki, new Identity(Identity.Role.SUPPLIER, "fernhollow-fibre")));
      try {
        var asEngineer = CircuitServiceGrpc.newBlockingStub(engineer);
        var asFern = CircuitServiceGrpc.newBlockingStub(fern);
        var onCamden = ListCircuitsRequest.newBuilder().setDevice("rtr-camden-01").build();
        List<Circuit> camdenBefore = asEngineer.listCircuits(onCamden).getCircuitsList();

        // 1. A bexley circuit whose far end is Camden's router: answered as for a router that does
        // not exist.
        BiFunction<String, String, Circuit> bexley =
            (device, port) ->
                Circuit.newBuilder()
                    .setId("FERNHOLLOW-FIBRE-9001")
                    .setSpec(
                        CircuitSpec.newBuilder()
                            .setCouncil("bexley")
                            .setSupplier("fernhollow-fibre")
                            .setKind(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
                            .setAEnd(
                                Termination.newBuilder()
                                    .setDevice("rtr-bexley-01")
                                    .setPort("ge-0/0/3"))
                            .setBEnd(Termination.newBuilder().setDevice(device).setPort(port))
                            .setCommittedMbps(10))
                    .build();
        String foreign =
            refusal(() -> asFern.createCircuit(bexley.apply("rtr-camden-01", "ge-0/0/3")));
        String missing =
            refusal(() -> asFern.createCircuit(bexley.apply("rtr-atlantis-01", "ge-0/0/3")));
        assertThat(foreign)
            .startsWith("NOT_FOUND")
            .isEqualTo(missing.replace("rtr-atlantis-01", "rtr-camden-01"));
        // 2. A missing port on Camden's router: the same answer, not "has no port".
        String foreignPort =
            refusal(() -> asFern.createCircuit(bexley.apply("rtr-camden-01", "xe-9/9/9")));
        assertThat(foreignPort).isEqualTo(foreign).doesNotContain("has no port");
        // 3. Moving the a_end of one of its own circuits onto Camden's router: as for a missing
        // router.
        Circuit own = asFern.listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuits(0);
        Function<String, Circuit> moved =
            device -> {
              Circuit.Builder b = own.toBuilder();
              b.getSpecBuilder().getAEndBuilder().setDevice(device);
              return b.build();
            };
        String moveForeign = refusal(() -> asFern.updateCircuit(moved.apply("rtr-camden-01")));
        String moveMissing = refusal(() -> asFern.updateCircuit(moved.apply("rtr-atlantis-01")));
        assertThat(moveForeign)
            .startsWith("NOT_FOUND")
            .isEqualTo(moveMissing.replace("rtr-atlantis-01", "rtr-camden-01"))
            .doesNotContain("is at a site of council");
        assertThat(asEngineer.listCircuits(onCamden).getCircuitsList())
            .as("Camden's router is as it was")
            .isEqualTo(camdenBefore);

        // 4. Bexley's agent stopped; its certificate sends a Report for a generation never pushed.
        String bex = "LPSN-BEX-0001";
        HttpClient http = HttpClient.newHttpClient();
        http.send(
            HttpRequest.newBuilder(URI.create(faults + "/devices/rtr-bexley-01/agent/stop"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
        Circuit circuit = asEngineer.getCircuit(GetRequest.newBuilder().setId(bex).build());
        SubInterface sub = SubInterfaces.of(circuit, circuit.getSpec().getAEnd());
        var agent =
            channel(
                agents,
                new TlsFiles(
                    pki.resolve("agents/agent-rtr-bexley-01.crt"),
                    pki.resolve("agents/agent-rtr-bexley-01.key"),
                    pki.resolve("ca.crt")));
        CompletableFuture<Status> ended = new CompletableFuture<>();
        List<ControllerMessage> received = new CopyOnWriteArrayList<>();
        try {
          var stream =
              AgentServiceGrpc.newStub(agent)
                  .connect(
                      new StreamObserver<>() {
                        @Override
                        public void onNext(ControllerMessage m) {
                          received.add(m);
                        }

                        @Override
                        public void onError(Throwable t) {
                          ended.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                          ended.complete(Status.OK);
                        }
                      });
          stream.onNext(
              AgentMessage.newBuilder()
                  .setHello(
                      Hello.newBuilder()
                          .setDeviceId("rtr-bexley-01")
                          .setAgentVersion("probe")
                          .setActual(
                              DeviceConfig.newBuilder()
                                  .setDeviceId("rtr-bexley-01")
                                  .addSubInterfaces(sub)))
                  .build());
          await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
          stream.onNext(
              AgentMessage.newBuilder()
                  .setReport(
                      Report.newBuilder()
                          .setGeneration(1_000_000_000_000_000L)
                          .setResult(ApplyResult.APPLY_RESULT_REJECTED)
                          .addItemErrors(ItemError.newBuilder().setMessage("probe")))
                  .build());
          Status status = ended.get(10, TimeUnit.SECONDS);
          assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(status.getDescription())
              .contains("report.generation: 1000000000000000 was never pushed on this stream");
        } finally {
          agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // The circuit's evidence is untouched: not failed, not drifted, nothing "repairing".
        Circuit after = asEngineer.getCircuit(GetRequest.newBuilder().setId(bex).build());
        assertThat(after.getStatus().getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_ACTIVE);
        assertThat(after.getStatus().getConditionsList())
            .noneMatch(
                c ->
                    c.getReason().equals("AgentRejected")
                        || c.getReason().equals("Drifted")
                        || c.getMessage().startsWith(";"));
        http.send(
            HttpRequest.newBuilder(URI.create(faults + "/devices/rtr-bexley-01/agent/start"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    asEngineer
                        .getCircuit(GetRequest.newBuilder().setId(bex).build())
                        .getStatus()
                        .getConditionsList()
                        .stream()
                        .anyMatch(
                            c ->
                                c.getType().equals("InSync")
                                    && c.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE));
      } finally {
        engineer.shutdownNow();
        fern.shutdownNow();
      }
      demo.terminate();
    }
  }
}
