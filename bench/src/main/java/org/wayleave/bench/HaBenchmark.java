package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.wayleave.base.seed.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The high-availability benchmark, in two parts in one run.
 *
 * <p>First the stores side by side ({@link StoreComparison}): sequential CreateCircuit latency and
 * the wall time of a 5,000-circuit Apply, over gRPC on loopback, against an in-process controller
 * on the embedded SQLite store and then on a 3-member etcd cluster this benchmark starts.
 *
 * <p>Then failover ({@link FailoverRun}): three etcd members, two controllers and the simulated
 * London PSN as child processes, writes through both controllers, and the leader SIGKILLed {@code
 * --kills} times: how long until the survivor leads, accepts a write and pushes, whether agents in
 * sync were pushed to, and whether every acknowledged write is there at the end.
 *
 * <p>It asserts nothing about timing: targets are reported as met or not, and the exit status is
 * non-zero only when the harness itself failed. Every process it starts is killed and every
 * directory it made deleted, on failure too.
 */
@Command(
    name = "ha-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Benchmarks Wayleave on etcd: create and batch Apply on SQLite and on etcd side by side,"
            + " then leader failover under writes (3 etcd members, 2 controllers, simulated"
            + " London, all on loopback), and writes JSON.")
public final class HaBenchmark implements Callable<Integer> {
  @Mixin HaOptions options = new HaOptions();

  @Spec CommandSpec spec;

  private final PrintStream stdout;
  private final PrintStream stderr;

  public HaBenchmark() {
    this(System.out, System.err);
  }

  HaBenchmark(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new HaBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    options.validate(cl, Workload.of(Seeds.byName(CoreBenchmark.SEED)));
    Path etcd =
        EtcdCluster.find()
            .orElseThrow(
                () ->
                    new CommandLine.ParameterException(
                        cl, "etcd is not installed (Debian: apt-get install etcd-server)"));
    Instant started = Instant.now();
    Path cwd = Path.of("").toAbsolutePath();
    Path outFile =
        options.out != null ? options.out.toAbsolutePath() : BenchPaths.defaultOut(cwd, "ha");
    Path dataDir =
        options.dir != null
            ? options.dir.toAbsolutePath()
            : BenchPaths.defaultDataDir(cwd, "ha", BenchPaths.STAMP_MILLIS);
    requireEmpty(cl, dataDir);
    Files.createDirectories(dataDir);
    FileStore fs = Files.getFileStore(dataDir);
    Progress progress = new Progress(stderr, Locale.ROOT, options.said.quiet);
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    double loadStart = os.getSystemLoadAverage();
    CpuUse before = new CpuUse();
    TimeUnit.SECONDS.sleep(2);
    double[] cpuBefore = before.since();
    if (cpuBefore != null) {
      progress.say("other processes used %.2f cores just before the run", cpuBefore[2]);
    }
    CpuUse cpu = new CpuUse();
    String etcdVersion = EtcdCluster.version(etcd);
    progress.say("%s; data in %s (%s)", etcdVersion, dataDir, fs.type());

    StoreComparison.Result stores;
    FailoverRun.Figures failover;
    // Holds the data directory: deleted at the end, on failure too, unless --keep-data.
    try (ChildProcesses data = new ChildProcesses(dataDir, options.keepData)) {
      stores = StoreComparison.run(options, etcd, dataDir.resolve("stores"), progress);
      failover = FailoverRun.run(options, etcd, dataDir.resolve("failover"), progress);
    }
    double[] cpuUse = cpu.sinceWithEndedChildren();
    double loadEnd = os.getSystemLoadAverage();
    Duration took = Duration.between(started, Instant.now());
    HaReport.Run run =
        new HaReport.Run(
            started,
            took,
            cwd,
            dataDir,
            options.keepData,
            fs,
            etcdVersion,
            loadStart,
            loadEnd,
            cpuBefore,
            cpuUse);
    ObjectNode root = HaReport.build(options, stores, failover, run);
    BenchJson.write(outFile, root);
    summary(root, cwd, outFile);
    return 0;
  }

  private static void requireEmpty(CommandLine cl, Path d) throws IOException {
    if (Files.exists(d)) {
      try (Stream<Path> s = Files.list(d)) {
        if (s.findAny().isPresent()) {
          throw new CommandLine.ParameterException(
              cl, "--dir " + d + " is not empty; the benchmark needs a fresh data directory");
        }
      }
    }
  }

  private void summary(ObjectNode root, Path cwd, Path outFile) {
    JsonNode stores = root.path("results").path("stores");
    JsonNode f = root.path("results").path("failover");
    for (String s : new String[] {"sqlite", "etcd"}) {
      stdout.printf(
          Locale.ROOT,
          "%-6s create p50 %.2f ms p99 %.2f ms; %d-circuit Apply median %.0f ms max %.0f ms%n",
          s,
          stores.path(s).path("create_ms").path("p50").asDouble(),
          stores.path(s).path("create_ms").path("p99").asDouble(),
          stores.path(s).path("apply_batch_ms").path("batch_size").asInt(),
          stores.path(s).path("apply_batch_ms").path("median").asDouble(),
          stores.path(s).path("apply_batch_ms").path("max").asDouble());
    }
    stdout.printf(Locale.ROOT, "failover over %d kills (p50 / max):%n", f.path("kills").asInt());
    for (String k :
        new String[] {
          "new_leader_ms", "first_write_ms", "first_write_as_leader_ms", "first_push_ms"
        }) {
      stdout.printf(
          Locale.ROOT,
          "  %-26s %6d / %6d ms%s%n",
          k,
          f.path(k).path("p50").asLong(),
          f.path(k).path("max").asLong(),
          f.path(k).path("not_seen").asInt() > 0
              ? " (" + f.path(k).path("not_seen").asInt() + " not seen)"
              : "");
    }
    stdout.printf(
        Locale.ROOT,
        "creates: %d acknowledged, %d in doubt, %d acknowledged missing; redundant pushes %d%n",
        f.path("creates").path("acknowledged").asInt(),
        f.path("creates").path("in_doubt").asInt(),
        f.path("acknowledged_missing").asInt(),
        f.path("pushes_redundant_after_failover").asLong());
    stdout.println("met: " + root.path("met"));
    stdout.println("wrote " + BenchPaths.shown(cwd, outFile));
  }
}
