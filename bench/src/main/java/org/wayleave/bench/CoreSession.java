package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;

/**
 * One core benchmark run against its controller: starts an in-process controller on the embedded
 * SQLite store in the data directory, seeded, connects to it over gRPC, and runs the phases in
 * order (creates, raw commits, batch applies, lists, then the diagnostics), recording JFR over the
 * measured ones on {@code --jfr}. The controller is stopped at the end.
 */
final class CoreSession {
  private CoreSession() {}

  static CoreFigures run(CoreOptions o, Workload workload, Path dataDir, Progress progress)
      throws Exception {
    try (Controller controller = Controller.start(config(dataDir.resolve("controller")));
        CoreClient client =
            CoreClient.connect(controller.grpcPort(), workload.targets().get(0).council());
        Recording recording = o.jfr == null ? null : startRecording(o.jfr)) {
      // a. sequential creates
      CreatePhase.Result create = CreatePhase.run(client, workload, o.sizes, progress);

      // d. raw fsync'd commits, same filesystem, same JVM, controller idle
      progress.say(
          "raw SQLite commit: %d warmup + %d measured", CoreBenchmark.RAW_WARMUP, o.rawCommits);
      Latency raw = new Latency();
      RawSqliteCommit.Settings rawSettings =
          RawSqliteCommit.run(
              dataDir.resolve("raw").resolve("raw-commit.db"),
              CoreBenchmark.RAW_WARMUP,
              o.rawCommits,
              raw);

      // b. batch apply; c. list
      ApplyPhase.Result apply = ApplyPhase.run(client, workload, o.sizes, progress);
      ListPhase.Result list =
          ListPhase.run(client, controller.state().cache(), workload, o, progress);
      if (recording != null) {
        recording.stop();
      }

      ObjectNode diagnostics = null;
      if (o.diag > 0) {
        diagnostics =
            CoreDiagnostics.run(
                controller,
                client,
                workload,
                create.createdIds(),
                dataDir,
                apply.nanos().size(),
                o,
                progress);
      }
      return new CoreFigures(create, raw, rawSettings, apply, list, diagnostics);
    }
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
   * The 'profile' settings, sampling Java stacks every millisecond rather than every 10 ms (a
   * create is a few ms: coarser sampling sees little of it); started.
   */
  private static Recording startRecording(Path jfr) throws Exception {
    Recording recording =
        JfrProfile.recording(
            jfr,
            "wayleave-core-benchmark",
            Map.of("jdk.ExecutionSample#period", "1 ms", "jdk.NativeMethodSample#period", "10 ms"));
    recording.start();
    return recording;
  }
}
