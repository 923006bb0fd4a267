package org.wayleave.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;

/**
 * One core benchmark run in one transport against a controller of its own: starts an in-process
 * controller on the embedded SQLite store under the data directory, seeded, serving mutual TLS on
 * both gRPC ports and HTTPS with a CA made for the run ({@code mtls}, as deployed) or plaintext,
 * connects to it over gRPC (as an engineer with its own certificate over mutual TLS), and runs the
 * phases in order: creates on the seeded store, the floor on the same channel, raw commits, batch
 * applies, lists, then the store filled to {@code --store-circuits} and the same creates again,
 * then the diagnostics. On {@code --jfr FILE} it records the creates on each store and the batch
 * phases into files of their own. The controller is stopped at the end.
 */
final class CoreSession {
  static final String MTLS = "mtls";
  static final String PLAINTEXT = "plaintext";
  static final String CONTROLLER = "bench-controller";

  private final CoreOptions o;
  private final String transport;
  private final Path dir;
  private final Progress progress;

  private CoreSession(CoreOptions o, String transport, Path dir, Progress progress) {
    this.o = o;
    this.transport = transport;
    this.dir = dir;
    this.progress = progress;
  }

  /** Runs every phase over {@code transport}, keeping its files under {@code dir}. */
  static CoreFigures run(CoreOptions o, String transport, Path dir, Progress progress)
      throws Exception {
    return new CoreSession(o, transport, dir, progress).run();
  }

  private CoreFigures run() throws Exception {
    HaPki pki =
        transport.equals(MTLS)
            ? HaPki.make(dir.resolve("pki"), List.of(CONTROLLER))
            : HaPki.insecure();
    ControllerConfig config =
        config(dir.resolve("controller"))
            .withSecurity(pki.controllerFiles(CONTROLLER), AccessPolicy.defaults());
    Workload workload = Workload.of(Seeds.byName(CoreBenchmark.SEED));
    String council = workload.targets().get(0).council();
    warmJit(pki, council);
    try (Controller controller = Controller.start(config);
        CoreClient client = CoreClient.connect(controller.grpcPort(), council, pki.engineer())) {
      progress.say("[%s] controller up; %s", transport, pki.tls() ? "mutual TLS" : "plaintext");
      // a. sequential creates on the seeded store, then the floor on the same channel
      long emptyBefore = circuits(controller) + o.sizes.warmup;
      Recording jfr = startRecording("empty");
      CreatePhase.Result create = CreatePhase.run(client, workload, o.sizes, "BENCH", progress);
      stop(jfr);
      List<String> ids = create.createdIds();
      byte[] stored =
          controller.state().cache().get(Kind.CIRCUIT, ids.get(ids.size() - 1)).toByteArray();
      FloorPhase.Result floor =
          FloorPhase.run(
              client, ids, stored, dir.resolve("floor"), o.sizes.warmup, o.floor, progress);

      // b. raw fsync'd commits, same filesystem, same JVM, controller idle
      progress.say(
          "raw SQLite commit: %d warmup + %d measured", CoreBenchmark.RAW_WARMUP, o.rawCommits);
      Latency raw = new Latency();
      RawSqliteCommit.Settings rawSettings =
          RawSqliteCommit.run(
              dir.resolve("raw").resolve("raw-commit.db"),
              CoreBenchmark.RAW_WARMUP,
              o.rawCommits,
              raw);

      // c. batch apply; d. list
      jfr = startRecording("batch");
      ApplyPhase.Result apply = ApplyPhase.run(client, workload, o.sizes, progress);
      ListPhase.Result list =
          ListPhase.run(client, controller.state().cache(), workload, o, progress);
      stop(jfr);

      // e. the store filled, and the same creates again (the same devices, ports and suppliers)
      CoreFigures.Fill fill = fill(controller);
      jfr = startRecording("full");
      CreatePhase.Result full =
          CreatePhase.run(
              client, Workload.of(Seeds.byName(CoreBenchmark.SEED)), o.sizes, "FULL", progress);
      stop(jfr);

      var diagnostics =
          o.diag == 0
              ? null
              : CoreDiagnostics.run(
                  controller, client, workload, ids, dir, apply.nanos().size(), o, progress);
      return new CoreFigures(
          transport,
          new CoreFigures.Creates(create, emptyBefore),
          floor,
          raw,
          rawSettings,
          apply,
          list,
          fill,
          new CoreFigures.Creates(full, fill.circuits() + o.sizes.warmup),
          diagnostics);
    }
  }

  /**
   * {@code --jit-warmup} creates, each read back, over {@code pki}'s transport against a throwaway
   * controller of their own: the JIT compiles the path (TLS included) before anything is measured,
   * without putting a circuit into the store that is measured as the seeded one.
   */
  private void warmJit(HaPki pki, String council) throws Exception {
    if (o.jitWarmup == 0) {
      return;
    }
    progress.say("[%s] JIT warm-up: %d creates on a throwaway controller", transport, o.jitWarmup);
    ControllerConfig config =
        config(dir.resolve("jit-warmup"))
            .withSecurity(pki.controllerFiles(CONTROLLER), AccessPolicy.defaults());
    Workload workload = Workload.of(Seeds.byName(CoreBenchmark.SEED));
    try (Controller controller = Controller.start(config);
        CoreClient client = CoreClient.connect(controller.grpcPort(), council, pki.engineer())) {
      List<String> ids = new ArrayList<>(o.jitWarmup);
      for (int i = 1; i <= o.jitWarmup; i++) {
        ids.add(client.circuits().createCircuit(workload.next("JIT", i)).getId());
      }
      FloorPhase.gets(client, ids, ids.size(), 0);
    }
  }

  /**
   * Fills the store up to {@code --store-circuits} circuits: the scale seed's {@code
   * --store-devices} routers in one in-process Apply, then the circuits they lack spread evenly
   * over them in another (as the southbound benchmark builds its 100,000), then waits until the
   * device reconciles those woke have settled.
   */
  private CoreFigures.Fill fill(Controller controller) throws InterruptedException {
    long have = circuits(controller);
    int missing = (int) Math.max(0, o.storeCircuits - have);
    long t0 = System.nanoTime();
    if (missing > 0) {
      progress.say(
          "[%s] fill: %d routers, then %d circuits on them, in-process",
          transport, o.storeDevices, missing);
      controller
          .state()
          .apply(Op.upserts(Seeds.scale(o.storeDevices), "r"), "bench", "scale inventory");
      controller
          .state()
          .apply(
              Workload.scaleCircuits(o.storeDevices, missing, "STORE"),
              "bench",
              "fill with " + missing + " circuits");
      SouthboundRun.awaitSettled(controller);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long now = circuits(controller);
    progress.say("[%s] store holds %d circuits (fill %.1f s)", transport, now, seconds);
    return new CoreFigures.Fill(now, missing > 0 ? o.storeDevices : 0, seconds);
  }

  private static long circuits(Controller controller) {
    return controller.state().cache().count(Kind.CIRCUIT);
  }

  /**
   * The controller under test: the embedded SQLite store in {@code dir}, seeded, every listener on
   * a free port of 127.0.0.1, plaintext, no telemetry.
   */
  static ControllerConfig config(Path dir) {
    return new ControllerConfig(
        dir, "127.0.0.1", 0, 0, List.of(CoreBenchmark.SEED), Clock.systemUTC());
  }

  /**
   * On {@code --jfr FILE}, a recording of {@code phase} into FILE with the transport and the phase
   * in its name ({@code core-mtls-empty.jfr}), started; else null. The 'profile' settings, sampling
   * Java stacks every millisecond rather than every 10 ms (a create is a few ms: coarser sampling
   * sees little of it).
   */
  private Recording startRecording(String phase) throws Exception {
    if (o.jfr == null) {
      return null;
    }
    String name =
        o.jfr
            .getFileName()
            .toString()
            .replaceFirst("(\\.jfr)?$", "-" + transport + "-" + phase + ".jfr");
    Recording recording =
        JfrProfile.recording(
            o.jfr.toAbsolutePath().resolveSibling(name),
            "wayleave-core-benchmark-" + transport + "-" + phase,
            Map.of("jdk.ExecutionSample#period", "1 ms", "jdk.NativeMethodSample#period", "10 ms"));
    recording.start();
    return recording;
  }

  private static void stop(Recording recording) {
    if (recording != null) {
      recording.stop();
      recording.close();
    }
  }
}
