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

  // ------------------------------------------------------------------ trust boundaries, probed as a supplier and a router would

  static io.grpc.ManagedChannel channel(String server, org.wayleave.controller.security.TlsFiles files) throws Exception {
    String[] hp = server.split(":");
    return io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1]), files.channelCredentials())
        .overrideAuthority("localhost").build();
  }

  /** A call's refusal as the caller reads it: code, message, and the details as the CLI prints them. */
  static String refusal(Runnable call) {
    try {
      call.run();
      return "accepted";
    } catch (io.grpc.StatusRuntimeException e) {
      // As the CLI tells it, from the status details, and the message itself.
      java.io.ByteArrayOutputStream told = new java.io.ByteArrayOutputStream();
      ClientOptions.refused("probe", e, null, new java.io.PrintStream(told, true, StandardCharsets.UTF_8));
      return e.getStatus().getCode() + " " + e.getStatus().getDescription() + "\n" + told.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aSupplierCannotReachAnotherCouncilsRouterAndAnAgentIsBelievedOnlyAboutWhatItWasSent() throws Exception {
    Path data = dir.resolve("data");
    try (Demo demo = new Demo(data, dir.resolve("demo.err"))) {
      demo.awaitLine("All 34 circuits are ACTIVE.");
      String server = demo.out.stream().filter(l -> l.contains("northbound gRPC")).findFirst().orElseThrow()
          .replaceAll(".*northbound gRPC\\s+(\\S+).*", "$1");
      String agents = demo.out.stream().filter(l -> l.contains("agents dial")).findFirst().orElseThrow()
          .replaceAll(".*agents dial\\s+(\\S+).*", "$1");
      String faults = demo.out.stream().filter(l -> l.contains("simulator faults")).findFirst().orElseThrow()
          .replaceAll(".*simulator faults\\s+(\\S+)/devices.*", "$1");
      Path pki = data.resolve("pki");
      var engineer = channel(server, org.wayleave.controller.security.TlsFiles.in(pki,
          new org.wayleave.controller.security.Identity(org.wayleave.controller.security.Identity.Role.ENGINEER, "demo")));
      var fern = channel(server, org.wayleave.controller.security.TlsFiles.in(pki,
          new org.wayleave.controller.security.Identity(org.wayleave.controller.security.Identity.Role.SUPPLIER, "fernhollow-fibre")));
      try {
        var asEngineer = org.wayleave.api.v1.CircuitServiceGrpc.newBlockingStub(engineer);
        var asFern = org.wayleave.api.v1.CircuitServiceGrpc.newBlockingStub(fern);
        var onCamden = org.wayleave.api.v1.ListCircuitsRequest.newBuilder().setDevice("rtr-camden-01").build();
        List<org.wayleave.api.v1.Circuit> camdenBefore = asEngineer.listCircuits(onCamden).getCircuitsList();

        // 1. A bexley circuit whose far end is Camden's router: answered as for a router that does not exist.
        java.util.function.BiFunction<String, String, org.wayleave.api.v1.Circuit> bexley = (device, port) ->
            org.wayleave.api.v1.Circuit.newBuilder().setId("FERNHOLLOW-FIBRE-9001").setSpec(org.wayleave.api.v1.CircuitSpec.newBuilder()
                .setCouncil("bexley").setSupplier("fernhollow-fibre").setKind(org.wayleave.api.v1.CircuitKind.CIRCUIT_KIND_SHARED_SERVICE)
                .setAEnd(org.wayleave.api.v1.Termination.newBuilder().setDevice("rtr-bexley-01").setPort("ge-0/0/3"))
                .setBEnd(org.wayleave.api.v1.Termination.newBuilder().setDevice(device).setPort(port)).setCommittedMbps(10)).build();
        String foreign = refusal(() -> asFern.createCircuit(bexley.apply("rtr-camden-01", "ge-0/0/3")));
        String missing = refusal(() -> asFern.createCircuit(bexley.apply("rtr-atlantis-01", "ge-0/0/3")));
        assertThat(foreign).startsWith("NOT_FOUND").isEqualTo(missing.replace("rtr-atlantis-01", "rtr-camden-01"));
        // 2. A missing port on Camden's router: the same answer, not "has no port".
        String foreignPort = refusal(() -> asFern.createCircuit(bexley.apply("rtr-camden-01", "xe-9/9/9")));
        assertThat(foreignPort).isEqualTo(foreign).doesNotContain("has no port");
        // 3. Moving the a_end of one of its own circuits onto Camden's router: as for a missing router.
        org.wayleave.api.v1.Circuit own = asFern.listCircuits(org.wayleave.api.v1.ListCircuitsRequest.getDefaultInstance())
            .getCircuits(0);
        java.util.function.Function<String, org.wayleave.api.v1.Circuit> moved = device -> {
          org.wayleave.api.v1.Circuit.Builder b = own.toBuilder();
          b.getSpecBuilder().getAEndBuilder().setDevice(device);
          return b.build();
        };
        String moveForeign = refusal(() -> asFern.updateCircuit(moved.apply("rtr-camden-01")));
        String moveMissing = refusal(() -> asFern.updateCircuit(moved.apply("rtr-atlantis-01")));
        assertThat(moveForeign).startsWith("NOT_FOUND").isEqualTo(moveMissing.replace("rtr-atlantis-01", "rtr-camden-01"))
            .doesNotContain("is at a site of council");
        assertThat(asEngineer.listCircuits(onCamden).getCircuitsList()).as("Camden's router is as it was").isEqualTo(camdenBefore);

        // 4. Bexley's agent stopped; its certificate sends a Report for a generation never pushed.
        String bex = "LPSN-BEX-0001";
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(faults + "/devices/rtr-bexley-01/agent/stop"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        org.wayleave.api.v1.Circuit circuit = asEngineer.getCircuit(org.wayleave.api.v1.GetRequest.newBuilder().setId(bex).build());
        org.wayleave.api.v1.SubInterface sub = org.wayleave.controller.core.DeviceConfigs.subInterface(circuit, circuit.getSpec().getAEnd());
        var agent = channel(agents, new org.wayleave.controller.security.TlsFiles(pki.resolve("agents/agent-rtr-bexley-01.crt"),
            pki.resolve("agents/agent-rtr-bexley-01.key"), pki.resolve("ca.crt")));
        java.util.concurrent.CompletableFuture<io.grpc.Status> ended = new java.util.concurrent.CompletableFuture<>();
        List<org.wayleave.api.v1.ControllerMessage> received = new CopyOnWriteArrayList<>();
        try {
          var stream = org.wayleave.api.v1.AgentServiceGrpc.newStub(agent).connect(new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(org.wayleave.api.v1.ControllerMessage m) {
              received.add(m);
            }

            @Override
            public void onError(Throwable t) {
              ended.complete(io.grpc.Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
              ended.complete(io.grpc.Status.OK);
            }
          });
          stream.onNext(org.wayleave.api.v1.AgentMessage.newBuilder().setHello(org.wayleave.api.v1.Hello.newBuilder()
              .setDeviceId("rtr-bexley-01").setAgentVersion("probe")
              .setActual(org.wayleave.api.v1.DeviceConfig.newBuilder().setDeviceId("rtr-bexley-01").addSubInterfaces(sub))).build());
          await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
          stream.onNext(org.wayleave.api.v1.AgentMessage.newBuilder().setReport(org.wayleave.api.v1.Report.newBuilder()
              .setGeneration(1_000_000_000_000_000L).setResult(org.wayleave.api.v1.ApplyResult.APPLY_RESULT_REJECTED)
              .addItemErrors(org.wayleave.api.v1.ItemError.newBuilder().setMessage("probe"))).build());
          io.grpc.Status status = ended.get(10, TimeUnit.SECONDS);
          assertThat(status.getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
          assertThat(status.getDescription()).contains("report.generation: 1000000000000000 was never pushed on this stream");
        } finally {
          agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // The circuit's evidence is untouched: not failed, not drifted, nothing "repairing".
        org.wayleave.api.v1.Circuit after = asEngineer.getCircuit(org.wayleave.api.v1.GetRequest.newBuilder().setId(bex).build());
        assertThat(after.getStatus().getPhase()).isEqualTo(org.wayleave.api.v1.CircuitPhase.CIRCUIT_PHASE_ACTIVE);
        assertThat(after.getStatus().getConditionsList()).noneMatch(c -> c.getReason().equals("AgentRejected")
            || c.getReason().equals("Drifted") || c.getMessage().startsWith(";"));
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(faults + "/devices/rtr-bexley-01/agent/start"))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> asEngineer.getCircuit(org.wayleave.api.v1.GetRequest.newBuilder().setId(bex)
            .build()).getStatus().getConditionsList().stream().anyMatch(c -> c.getType().equals("InSync")
                && c.getStatus() == org.wayleave.api.v1.ConditionStatus.CONDITION_STATUS_TRUE));
      } finally {
        engineer.shutdownNow();
        fern.shutdownNow();
      }
      demo.terminate();
    }
  }
}
