package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.DesiredStateService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The controller-core benchmark: for each of {@code --transports} (mutual TLS as deployed first,
 * plaintext beside it), starts an in-process controller on the embedded SQLite store, seeded with
 * {@code london}, talks to it over real gRPC on loopback, and writes what it measured as JSON.
 *
 * <p>Measured: sequential CreateCircuit latency from one client, against the floor on the same
 * channel (a GetCircuit round trip plus one store transaction); the same creates once the store
 * holds {@code --store-circuits}; the wall time of one Apply carrying a large batch of new
 * circuits; ListCircuits latency at a full page; and, for comparison on the same filesystem, a raw
 * fsync'd SQLite commit. A diagnostics section splits create and batch apply into their parts (gRPC
 * read round trip, in-process plan, in-process apply, store transaction, store-to-watch hand-off)
 * so a missed target points somewhere.
 *
 * <p>It asserts nothing about timing: targets are reported as met or not, and the exit status is
 * non-zero only when the harness itself failed.
 *
 * <p>This class is the command: it checks the flags ({@link CoreOptions}), prepares the data
 * directory, has {@link CoreSession} run the phases, then writes {@link CoreReport}'s JSON and
 * {@link CoreSummary}'s lines.
 */
@Command(
    name = "core-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Benchmarks the Wayleave controller core (create against its floor, on an empty and on a"
            + " full store, batch apply, list) over gRPC on loopback, mutual TLS and plaintext,"
            + " against an in-process controller on the embedded SQLite store, and writes JSON.")
public final class CoreBenchmark implements Callable<Integer> {
  static final String SEED = "london";
  static final int MAX_PAGE_SIZE = DesiredStateService.MAX_PAGE_SIZE;
  static final int LIST_WARMUP = 5;
  static final int RAW_WARMUP = 20;

  // Targets: reported, never asserted.
  static final double TARGET_CREATE_P50_MS = 5;
  static final double TARGET_CREATE_TO_FLOOR_RATIO_MAX = 2.0;
  static final double TARGET_FULL_STORE_GROWTH_PCT_MAX = 20;
  static final double TARGET_APPLY_BATCH_MS = 250;
  static final double TARGET_LIST_MS = 50;

  // Anchors: what ONOS is reported to take for the like operation.
  static final double ANCHOR_ONOS_INTENT_MS = 15.5;
  static final double ANCHOR_ONOS_5000_INTENTS_MS = 365;

  @Mixin CoreOptions options = new CoreOptions();

  @Spec CommandSpec spec;

  private final PrintStream stdout;
  private final PrintStream stderr;

  public CoreBenchmark() {
    this(System.out, System.err);
  }

  CoreBenchmark(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the benchmark with command-line {@code args}; returns the exit status. */
  public static int run(String... args) {
    return new CommandLine(new CoreBenchmark()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    options.validate(cl);
    Instant started = Instant.now();
    Path cwd = Path.of("").toAbsolutePath();
    Path outFile =
        options.out != null ? options.out.toAbsolutePath() : BenchPaths.defaultOut(cwd, "core");
    boolean defaultDir = options.dir == null;
    Path dataDir =
        defaultDir
            ? BenchPaths.defaultDataDir(cwd, "core", BenchPaths.STAMP_MILLIS)
            : options.dir.toAbsolutePath();
    Workload workload = Workload.of(Seeds.byName(SEED));
    options.checkCapacity(cl, workload);
    prepareEmptyDir(cl, dataDir);
    FileStore fs = Files.getFileStore(dataDir);
    if (isMemoryFs(fs.type())) {
      stderr.println(
          "warning: "
              + dataDir
              + " is on "
              + fs.type()
              + ", not a real disk: fsync costs nothing there and the figures flatter the store");
    }

    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    double loadStart = os.getSystemLoadAverage();
    CpuUse cpu = new CpuUse();
    Progress progress = new Progress(stderr, Locale.ROOT, options.said.quiet);
    progress.say("data in %s (%s on %s); seeding %s", dataDir, fs.type(), fs.name(), SEED);
    List<CoreFigures> figures = new ArrayList<>();
    for (String transport : options.transports) {
      figures.add(CoreSession.run(options, transport, dataDir.resolve(transport), progress));
    }
    double loadEnd = os.getSystemLoadAverage();
    double[] cpuUse = cpu.since();
    Duration took = Duration.between(started, Instant.now());

    // e. the report
    boolean kept = !defaultDir || options.keepData;
    CoreReport.Run run =
        new CoreReport.Run(started, took, cwd, dataDir, kept, fs, loadStart, loadEnd, cpuUse);
    ObjectNode root = CoreReport.build(options, workload, figures, run);
    BenchJson.write(outFile, root);
    new CoreSummary(stdout).print(root, outFile);

    if (!kept) {
      deleteTree(dataDir);
    }
    return 0;
  }

  static boolean isMemoryFs(String type) {
    return type.equals("tmpfs") || type.equals("ramfs") || type.equals("devtmpfs");
  }

  private static void prepareEmptyDir(CommandLine cl, Path d) throws IOException {
    if (Files.exists(d)) {
      if (!Files.isDirectory(d)) {
        throw new CommandLine.ParameterException(cl, "--dir " + d + " is not a directory");
      }
      try (Stream<Path> s = Files.list(d)) {
        if (s.findAny().isPresent()) {
          throw new CommandLine.ParameterException(
              cl, "--dir " + d + " is not empty; the benchmark needs a fresh data directory");
        }
      }
    }
    Files.createDirectories(d);
  }

  /** Deletes {@code root} and everything under it, if it exists. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
