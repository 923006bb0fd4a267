package org.wayleave.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;

/**
 * One core benchmark run in one transport: in-process controllers on the embedded SQLite store
 * under the data directory, seeded, serving mutual TLS on both gRPC ports and HTTPS with a CA made
 * for the run ({@code mtls}, as deployed) or plaintext, each with a gRPC client (an engineer with
 * its own certificate over mutual TLS). After a JIT warm-up on a throwaway controller: the same
 * creates on the seeded store and on a second controller's store filled to {@code
 * --store-circuits}, in turn with the floor on the seeded store's channel ({@link CreateRounds});
 * then, the full one stopped, raw commits, batch applies, lists and the diagnostics on the seeded
 * one. On {@code --jfr FILE} it records the creates and the batch phases into files of their own.
 * The controllers are stopped at the end.
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
    Workload workload = Workload.of(Seeds.byName(CoreBenchmark.SEED));
    String council = workload.targets().get(0).council();
    warmJit(pki, council);
    try (Served empty = Served.start(pki, dir.resolve("controller"), council)) {
      progress.say("[%s] controllers up; %s", transport, pki.tls() ? "mutual TLS" : "plaintext");
      // a. the same creates on the seeded store and on a full one, in turn; the floor between
      long emptyBefore = circuits(empty.controller) + o.sizes.warmup;
      CoreFigures.Fill fill;
      CreateRounds.Result rounds;
      try (Served full = Served.start(pki, dir.resolve("full").resolve("controller"), council)) {
        fill = fill(full.controller);
        empty.awaitQuiet();
        full.awaitQuiet();
        progress.say(
            "[%s] creates: %d warmup + %d measured on each store, in blocks of %d, the floor"
                + " between",
            transport, o.sizes.warmup, o.sizes.creates, CreateRounds.BLOCK);
        Recording jfr = startRecording("creates");
        rounds =
            CreateRounds.run(
                empty.client,
                empty.controller.state().cache(),
                full.client,
                dir.resolve("floor"),
                o);
        stop(jfr);
      }

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

      // c. batch apply; d. list, on the seeded store
      Recording jfr = startRecording("batch");
      ApplyPhase.Result apply = ApplyPhase.run(empty.client, workload, o.sizes, progress);
      ListPhase.Result list =
          ListPhase.run(empty.client, empty.controller.state().cache(), workload, o, progress);
      stop(jfr);

      List<String> ids = rounds.empty().createdIds();
      var diagnostics =
          o.diag == 0
              ? null
              : CoreDiagnostics.run(
                  empty.controller,
                  empty.client,
                  workload,
                  ids,
                  dir,
                  apply.nanos().size(),
                  o,
                  progress);
      return new CoreFigures(
          transport,
          new CoreFigures.Creates(rounds.empty(), emptyBefore),
          rounds.floor(),
          raw,
          rawSettings,
          apply,
          list,
          fill,
          new CoreFigures.Creates(rounds.full(), fill.circuits() + o.sizes.warmup),
          diagnostics);
    }
  }

  /** A controller under test and the benchmark's client of it. */
  private static final class Served implements AutoCloseable {
    final Controller controller;
    final CoreClient client;
    private final AtomicLong heard = new AtomicLong();

    private Served(Controller controller, CoreClient client) {
      this.controller = controller;
      this.client = client;
      // Registered last, so it hears of a revision after every listener of the controller did
      // (what came before it, the seed, it takes as heard).
      controller
          .state()
          .cache()
          .addListener((rev, events) -> heard.accumulateAndGet(rev, Math::max));
      heard.accumulateAndGet(controller.state().cache().revision(), Math::max);
    }

    /** A controller in {@code dir} serving over {@code pki}'s transport, and a client of it. */
    static Served start(HaPki pki, Path dir, String council) throws Exception {
      Controller controller =
          Controller.start(
              config(dir).withSecurity(pki.controllerFiles(CONTROLLER), AccessPolicy.defaults()));
      try {
        return new Served(
            controller, CoreClient.connect(controller.grpcPort(), council, pki.engineer()));
      } catch (Exception | Error e) {
        controller.close();
        throw e;
      }
    }

    /**
     * Waits until the controller has digested every write so far: its cache's listeners have all
     * heard of the store's revision, and the device reconciles they woke have settled. After the
     * fill, the listeners work through 100,000 circuits for a second or more after the Apply has
     * returned (JFR), and creates measured then would time that tail rather than the store.
     */
    void awaitQuiet() throws InterruptedException {
      long rev = controller.state().revision();
      Await.until(() -> heard.get() >= rev, Duration.ofSeconds(120), "cache listeners");
      SouthboundRun.awaitSettled(controller);
    }

    @Override
    public void close() throws Exception {
      try {
        client.close();
      } finally {
        controller.close();
      }
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
      FloorPhase.gets(client, ids, 0, ids.size());
    }
  }

  /**
   * Fills the store up to {@code --store-circuits} circuits, in-process: {@code
   * --store-seed-circuits} of them on the seed's own routers, spread as the measured creates are
   * (so every router they create on already carries its share), in one Apply; then the scale seed's
   * {@code --store-devices} routers in another, and the rest of the circuits spread evenly over
   * those in a third (as the southbound benchmark builds its 100,000).
   */
  private CoreFigures.Fill fill(Controller controller) {
    int missing = (int) Math.max(0, o.storeCircuits - circuits(controller));
    int onSeed = Math.min(missing, o.storeSeedCircuits);
    int onScale = missing - onSeed;
    long t0 = System.nanoTime();
    progress.say(
        "[%s] fill: %d circuits on the seed's routers, %d on %d more routers, in-process",
        transport, onSeed, onScale, onScale > 0 ? o.storeDevices : 0);
    if (onSeed > 0) {
      Workload seed = Workload.of(Seeds.byName(CoreBenchmark.SEED));
      List<Op> ops = new ArrayList<>(onSeed);
      for (int i = 1; i <= onSeed; i++) {
        ops.add(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, seed.next("FILL", i), "resources"));
      }
      controller.state().apply(ops, "bench", "fill the seed's routers");
    }
    if (onScale > 0) {
      controller
          .state()
          .apply(Op.upserts(Seeds.scale(o.storeDevices), "r"), "bench", "scale inventory");
      controller
          .state()
          .apply(
              Workload.scaleCircuits(o.storeDevices, onScale, "STORE"),
              "bench",
              "fill with " + onScale + " circuits");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long now = circuits(controller);
    progress.say("[%s] store holds %d circuits (fill %.1f s)", transport, now, seconds);
    return new CoreFigures.Fill(now, onSeed, onScale > 0 ? o.storeDevices : 0, seconds);
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
   * in its name ({@code core-mtls-creates.jfr}), started; else null. The 'profile' settings,
   * sampling Java stacks every millisecond rather than every 10 ms (a create is a few ms: coarser
   * sampling sees little of it).
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
