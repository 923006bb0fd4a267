package org.wayleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.northbound.CircuitGrpcService;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;
import org.wayleave.controller.store.sqlite.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The controller-core benchmark: starts an in-process controller on the embedded SQLite store,
 * seeded with {@code london}, talks to it over real gRPC on loopback, and writes what it measured
 * as JSON.
 *
 * <p>Measured: sequential CreateCircuit latency from one client; the wall time of one Apply
 * carrying a large batch of new circuits; ListCircuits latency at a full page; and, for comparison
 * on the same filesystem, a raw fsync'd SQLite commit. A diagnostics section splits create and
 * batch apply into their parts (gRPC read round trip, in-process plan, in-process apply, store
 * transaction, store-to-watch hand-off) so a missed target points somewhere.
 *
 * <p>It asserts nothing about timing: targets are reported as met or not, and the exit status is
 * non-zero only when the harness itself failed.
 */
@Command(
    name = "core-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Benchmarks the Wayleave controller core (create, batch apply, list) over gRPC on loopback"
            + " against an in-process controller on the embedded SQLite store, and writes JSON.")
public final class CoreBenchmark implements Callable<Integer> {
  static final String SEED = "london";
  static final int MAX_PAGE_SIZE = DesiredStateService.MAX_PAGE_SIZE;
  static final int LIST_WARMUP = 5;
  static final int RAW_WARMUP = 20;
  static final int FILL_CHUNK = 5000;
  private static final long RPC_DEADLINE_SECONDS = 120;

  // Targets: reported, never asserted.
  static final double TARGET_CREATE_P50_MS = 5;
  static final double TARGET_CREATE_TO_RAW_RATIO_MAX = 2.0;
  static final double TARGET_APPLY_BATCH_MS = 250;
  static final double TARGET_LIST_MS = 50;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "JSON output (default: bench/results/core-<yyyy-MM-dd>.json under the working"
              + " directory).")
  Path out;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Data directory, empty or absent (default: a fresh directory under"
              + " bench/target/bench-data). Keep it on the real disk, not tmpfs.")
  Path dir;

  @Option(
      names = "--creates",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured sequential CreateCircuit calls (default: ${DEFAULT-VALUE}).")
  int creates;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "300",
      description = "Unmeasured CreateCircuit calls first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "5000",
      description = "New circuits in each measured Apply (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--batch-warmup",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Unmeasured Apply calls before the measured ones, so the JIT has compiled the batch path"
              + " (default: ${DEFAULT-VALUE}).")
  int batchWarmup;

  @Option(
      names = "--batch-runs",
      paramLabel = "N",
      defaultValue = "3",
      description = "Measured Apply calls, each on fresh ids (default: ${DEFAULT-VALUE}).")
  int batchRuns;

  @Option(
      names = "--list",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "ListCircuits page_size, at most " + MAX_PAGE_SIZE + " (default: ${DEFAULT-VALUE}).")
  int list;

  @Option(
      names = "--list-repeats",
      paramLabel = "N",
      defaultValue = "50",
      description = "Measured ListCircuits calls (default: ${DEFAULT-VALUE}).")
  int listRepeats;

  @Option(
      names = "--raw-commits",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured raw SQLite commits (default: ${DEFAULT-VALUE}).")
  int rawCommits;

  @Option(
      names = "--diag",
      paramLabel = "N",
      defaultValue = "300",
      description =
          "Iterations of each single-item diagnostic (0: skip diagnostics) (default:"
              + " ${DEFAULT-VALUE}).")
  int diag;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description =
          "Also record a JFR profile of the measured phases (create, raw commit, apply, list) into"
              + " FILE: settings 'profile', Java stacks sampled every 1 ms.")
  Path jfr;

  @Option(
      names = "--keep-data",
      description = "Keep the default data directory after the run (a --dir is always kept).")
  boolean keepData;

  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "A note to record in the JSON (repeatable), e.g. 'other builds running'.")
  List<String> notes = new ArrayList<>();

  @Option(names = "--quiet", description = "No progress lines on stderr.")
  boolean quiet;

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

  // ------------------------------------------------------------------------------------------

  @Override
  public Integer call() throws Exception {
    validate();
    Instant started = Instant.now();
    Path cwd = Path.of("").toAbsolutePath();
    Path outFile =
        out != null
            ? out.toAbsolutePath()
            : cwd.resolve("bench/results/core-" + LocalDate.now() + ".json");
    boolean defaultDir = dir == null;
    Path dataDir =
        defaultDir
            ? cwd.resolve(
                "bench/target/bench-data/core-"
                    + LocalDateTime.now()
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")))
            : dir.toAbsolutePath();
    List<Resource> inventory = Seeds.byName(SEED);
    Workload workload = Workload.of(inventory);
    long planned =
        (long) warmup + creates + (long) batch * (batchRuns + batchWarmup) + 2L * Math.max(0, diag);
    long fill =
        Math.max(0, list - ((long) warmup + creates + (long) batch * (batchRuns + batchWarmup)));
    if (planned + fill > workload.capacity()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "these sizes create "
              + (planned + fill)
              + " circuits, but the "
              + SEED
              + " seed fits about "
              + workload.capacity()
              + " at 1 Mbit/s each spread over "
              + workload.councils()
              + " routers before a VLAN pool or port runs out; use smaller sizes");
    }
    prepareEmptyDir(spec.commandLine(), dataDir);
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

    Latency create = new Latency();
    Latency raw = new Latency();
    Latency listLat = new Latency();
    List<Long> applyNanos = new ArrayList<>();
    long applyResponseBytes = 0;
    long applyRequestBytes = 0;
    RawSqliteCommit.Settings rawSettings;
    int listItems = 0;
    long circuitsAtList;
    ObjectNode diagnostics = null;
    Recording recording = null;

    progress("data in %s (%s on %s); seeding %s", dataDir, fs.type(), fs.name(), SEED);
    try (Controller controller =
        Controller.start(
            new ControllerConfig(
                dataDir.resolve("controller"),
                "127.0.0.1",
                0,
                0,
                List.of(SEED),
                Clock.systemUTC()))) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort())
              .usePlaintext()
              .maxInboundMessageSize(256 << 20)
              .build();
      try {
        CircuitServiceGrpc.CircuitServiceBlockingStub circuits =
            CircuitServiceGrpc.newBlockingStub(channel);
        // Connect before anything is timed.
        InventoryServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS)
            .getCouncil(GetRequest.newBuilder().setId(workload.targets().get(0).council()).build());
        if (jfr != null) {
          // The 'profile' settings, sampling Java stacks every millisecond rather than every 10 ms
          // (a create is a few ms: coarser sampling sees little of it).
          Map<String, String> settings =
              new HashMap<>(Configuration.getConfiguration("profile").getSettings());
          settings.put("jdk.ExecutionSample#period", "1 ms");
          settings.put("jdk.NativeMethodSample#period", "10 ms");
          recording = new Recording(settings);
          recording.setName("wayleave-core-benchmark");
          Files.createDirectories(jfr.toAbsolutePath().getParent());
          recording.setDestination(jfr.toAbsolutePath());
          recording.start();
        }

        // a. sequential creates
        progress("create: %d warmup + %d measured, sequential", warmup, creates);
        List<String> createdIds = new ArrayList<>(creates);
        for (int i = 0; i < warmup + creates; i++) {
          boolean measured = i >= warmup;
          int seq = measured ? i - warmup + 1 : i + 1;
          Circuit c = workload.next(measured ? "BENCH-C" : "BENCH-W", seq);
          CircuitServiceGrpc.CircuitServiceBlockingStub stub =
              circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
          long t0 = System.nanoTime();
          Circuit got = stub.createCircuit(c);
          long nanos = System.nanoTime() - t0;
          if (!got.getSpec().getAEnd().hasCTag() || !got.getId().equals(c.getId())) {
            throw new IllegalStateException(
                "CreateCircuit " + c.getId() + " answered without an allocated c_tag: " + got);
          }
          if (measured) {
            create.record(nanos);
            createdIds.add(c.getId());
          }
        }

        // d. raw fsync'd commits, same filesystem, same JVM, controller idle
        progress("raw SQLite commit: %d warmup + %d measured", RAW_WARMUP, rawCommits);
        rawSettings =
            RawSqliteCommit.run(
                dataDir.resolve("raw").resolve("raw-commit.db"), RAW_WARMUP, rawCommits, raw);

        // b. batch apply: unmeasured warm-up calls first, then the measured ones
        for (int w = 1; w <= batchWarmup; w++) {
          ApplyRequest.Builder req = ApplyRequest.newBuilder();
          for (int i = 1; i <= batch; i++) {
            req.addResources(Resource.newBuilder().setCircuit(workload.next("BENCH-AW" + w, i)));
          }
          progress("apply warm-up %d/%d: %d circuits", w, batchWarmup, batch);
          checkAllCreated(
              circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS).apply(req.build()),
              batch);
        }
        for (int r = 1; r <= batchRuns; r++) {
          ApplyRequest.Builder req = ApplyRequest.newBuilder();
          for (int i = 1; i <= batch; i++) {
            req.addResources(Resource.newBuilder().setCircuit(workload.next("BENCH-A" + r, i)));
          }
          ApplyRequest request = req.build();
          applyRequestBytes = request.getSerializedSize();
          progress(
              "apply run %d/%d: %d circuits (%d bytes)", r, batchRuns, batch, applyRequestBytes);
          CircuitServiceGrpc.CircuitServiceBlockingStub stub =
              circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
          long t0 = System.nanoTime();
          ApplyResponse resp = stub.apply(request);
          long nanos = System.nanoTime() - t0;
          checkAllCreated(resp, batch);
          applyResponseBytes = resp.getSerializedSize();
          applyNanos.add(nanos);
          progress("apply run %d: %.1f ms", r, nanos / 1e6);
        }

        // c. list
        circuitsAtList = controller.state().cache().count(Kind.CIRCUIT);
        for (int seq = 1; circuitsAtList < list; ) {
          int n = (int) Math.min(FILL_CHUNK, list - circuitsAtList);
          ApplyRequest.Builder req = ApplyRequest.newBuilder();
          for (int i = 0; i < n; i++) {
            req.addResources(Resource.newBuilder().setCircuit(workload.next("BENCH-F", seq++)));
          }
          checkAllCreated(
              circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS).apply(req.build()),
              n);
          circuitsAtList = controller.state().cache().count(Kind.CIRCUIT);
        }
        progress(
            "list: page_size %d over %d circuits, %d warmup + %d measured",
            list, circuitsAtList, Math.min(LIST_WARMUP, listRepeats), listRepeats);
        ListCircuitsRequest listReq = ListCircuitsRequest.newBuilder().setPageSize(list).build();
        for (int i = 0; i < Math.min(LIST_WARMUP, listRepeats) + listRepeats; i++) {
          boolean measured = i >= Math.min(LIST_WARMUP, listRepeats);
          CircuitServiceGrpc.CircuitServiceBlockingStub stub =
              circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
          long t0 = System.nanoTime();
          ListCircuitsResponse resp = stub.listCircuits(listReq);
          long nanos = System.nanoTime() - t0;
          if (resp.getCircuitsCount() != list) {
            throw new IllegalStateException(
                "ListCircuits(page_size="
                    + list
                    + ") returned "
                    + resp.getCircuitsCount()
                    + " circuits from a store of "
                    + circuitsAtList);
          }
          listItems = resp.getCircuitsCount();
          if (measured) {
            listLat.record(nanos);
          }
        }
        if (recording != null) {
          recording.stop();
        }

        if (diag > 0) {
          diagnostics =
              diagnostics(controller, circuits, workload, createdIds, dataDir, applyNanos.size());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        if (recording != null) {
          recording.close();
        }
      }
    }
    double loadEnd = os.getSystemLoadAverage();
    double[] cpuUse = cpu.since();
    Duration took = Duration.between(started, Instant.now());

    // e. the report
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "core");
    root.put("date", LocalDate.now().toString());
    root.put("started_at", started.toString());
    root.put("duration_s", Math.round(took.toMillis() / 100.0) / 10.0);

    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java_version", System.getProperty("java.version"));
    machine.put(
        "java_vm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    ObjectNode fsNode = machine.putObject("filesystem");
    fsNode.put("type", fs.type());
    fsNode.put("device", fs.name());
    // Relative to the working directory: results are committed, machine paths are not.
    Path abs = dataDir.toAbsolutePath();
    fsNode.put(
        "data_dir",
        abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.getFileName().toString());
    fsNode.put("data_dir_kept", !defaultDir || keepData);
    fsNode.put("memory_backed", isMemoryFs(fs.type()));
    // The 1-minute load average lags: at the start it still counts whatever ran just before (such
    // as bench/run's own build). cpu_busy_during_run is the precise figure.
    machine.put("load_average_1m_start", round2(loadStart));
    machine.put("load_average_1m_end", round2(loadEnd));
    if (cpuUse != null) {
      ObjectNode busy = machine.putObject("cpu_busy_during_run");
      busy.put("all_processes_cores", round2(cpuUse[0]));
      busy.put("benchmark_jvm_cores", round2(cpuUse[1]));
      busy.put("other_processes_cores", round2(cpuUse[2]));
    }

    ObjectNode params = root.putObject("parameters");
    params.put("seed", SEED);
    params.put("councils", workload.councils());
    params.put("circuit_ports", workload.ports());
    params.put("committed_mbps", Workload.COMMITTED_MBPS);
    params.put("warmup", warmup);
    params.put("creates", creates);
    params.put("batch", batch);
    params.put("batch_runs", batchRuns);
    params.put("batch_warmup", batchWarmup);
    params.put("list", list);
    params.put("list_repeats", listRepeats);
    params.put("list_warmup", Math.min(LIST_WARMUP, listRepeats));
    params.put("raw_commits", rawCommits);
    params.put("raw_warmup", RAW_WARMUP);
    params.put("raw_blob_bytes", RawSqliteCommit.BLOB_BYTES);
    params.put("diag", diag);
    params.put(
        "transport", "gRPC, Netty, plaintext, 127.0.0.1, one channel, blocking stub, sequential");

    ObjectNode results = root.putObject("results");
    results.set("create_ms", create.full());
    ObjectNode apply = results.putObject("apply_batch_ms");
    ArrayNode runs = apply.putArray("runs");
    applyNanos.forEach(n -> runs.add(Latency.nanosToMs(n)));
    double applyMedian = Latency.nanosToMs(median(applyNanos));
    apply.put("median", applyMedian);
    apply.put("batch_size", batch);
    apply.put("request_bytes", applyRequestBytes);
    apply.put("response_bytes", applyResponseBytes);
    ObjectNode listNode = results.putObject("list_ms");
    listNode.put("p50", Latency.ms(listLat.percentileMs(50)));
    listNode.put("p99", Latency.ms(listLat.percentileMs(99)));
    listNode.put("max", Latency.ms(listLat.maxMs()));
    listNode.put("page_size", list);
    listNode.put("repeats", listRepeats);
    listNode.put("items_per_page", listItems);
    listNode.put("circuits_in_store", circuitsAtList);
    ObjectNode rawNode = results.putObject("raw_sqlite_commit_ms");
    rawNode.put("p50", Latency.ms(raw.percentileMs(50)));
    rawNode.put("p99", Latency.ms(raw.percentileMs(99)));
    rawNode.put("max", Latency.ms(raw.maxMs()));
    rawNode.put("mean", Latency.ms(raw.meanMs()));
    rawNode.put("count", raw.count());
    rawNode.put("journal_mode", rawSettings.journalMode());
    rawNode.put(
        "synchronous",
        rawSettings.synchronous() == 2 ? "FULL" : String.valueOf(rawSettings.synchronous()));
    double ratio = create.percentileMs(50) / raw.percentileMs(50);
    results.put("create_vs_raw_commit_p50_ratio", round2(ratio));

    ObjectNode targets = root.putObject("targets");
    targets.put("create_p50_ms", TARGET_CREATE_P50_MS);
    targets.put("create_to_raw_ratio_max", TARGET_CREATE_TO_RAW_RATIO_MAX);
    targets.put("apply_batch_ms", TARGET_APPLY_BATCH_MS);
    targets.put("list_ms", TARGET_LIST_MS);
    ObjectNode basis = root.putObject("target_basis");
    basis.put("create_p50_ms", "results.create_ms.p50 <= target");
    basis.put("create_to_raw_ratio_max", "results.create_vs_raw_commit_p50_ratio <= target");
    basis.put("apply_batch_ms", "results.apply_batch_ms.median <= target");
    basis.put("list_ms", "results.list_ms.p99 <= target");
    ObjectNode met = root.putObject("met");
    met.put("create_p50_ms", create.percentileMs(50) <= TARGET_CREATE_P50_MS);
    met.put("create_to_raw_ratio_max", ratio <= TARGET_CREATE_TO_RAW_RATIO_MAX);
    met.put("apply_batch_ms", applyMedian <= TARGET_APPLY_BATCH_MS);
    met.put("list_ms", listLat.percentileMs(99) <= TARGET_LIST_MS);

    if (diagnostics != null) {
      root.set("diagnostics", diagnostics);
    }
    if (jfr != null) {
      root.put("jfr", jfr.toAbsolutePath().toString());
    }
    ArrayNode noteArray = root.putArray("notes");
    notes.forEach(noteArray::add);
    if (isMemoryFs(fs.type())) {
      noteArray.add(
          "data directory on "
              + fs.type()
              + ": fsync is free there, so store figures are not representative");
    }

    Files.createDirectories(outFile.getParent());
    json.writeValue(outFile.toFile(), root);
    summary(root, outFile);

    if (defaultDir && !keepData) {
      deleteTree(dataDir);
    }
    return 0;
  }

  // ------------------------------------------------------------------------------------------
  // Diagnostics: where a create and a batch apply spend their time

  private ObjectNode diagnostics(
      Controller controller,
      CircuitServiceGrpc.CircuitServiceBlockingStub circuits,
      Workload workload,
      List<String> createdIds,
      Path dataDir,
      int runs)
      throws Exception {
    ObjectNode d = new ObjectMapper().createObjectNode();
    d.put(
        "about",
        "Each figure isolates one part of the create/apply path; all run after the measured phases,"
            + " on the same controller and filesystem.");
    DesiredStateService state = controller.state();

    // gRPC round trip of a read: what the transport and the server plumbing cost without a write.
    progress("diagnostics: %d of each single-item probe", diag);
    Latency get = new Latency();
    for (int i = 0; i < diag; i++) {
      GetRequest req = GetRequest.newBuilder().setId(createdIds.get(i % createdIds.size())).build();
      CircuitServiceGrpc.CircuitServiceBlockingStub stub =
          circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      stub.getCircuit(req);
      get.recordSince(t0);
    }
    put(
        d,
        "grpc_get_circuit_ms",
        get.brief(),
        "GetCircuit over the same channel: gRPC round trip plus a cache read, no write");

    // The measured creates ran on a small store; a create's planning grows with the circuits
    // already on its device, so repeat it now that the batches have filled the store.
    Latency lateCreate = new Latency();
    for (int i = 1; i <= diag; i++) {
      Circuit c = workload.next("BENCH-L", i);
      CircuitServiceGrpc.CircuitServiceBlockingStub stub =
          circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      stub.createCircuit(c);
      lateCreate.recordSince(t0);
    }
    ObjectNode late = lateCreate.brief();
    late.put("circuits_in_store_before", controller.state().cache().count(Kind.CIRCUIT) - diag);
    put(
        d,
        "grpc_create_full_store_ms",
        late,
        "CreateCircuit as in results.create_ms, but on the store the batches filled"
            + " (circuits_in_store_before)");

    // Plan only (validation, VLAN allocation, port checks, device diff), no store write.
    Latency plan = new Latency();
    for (int i = 1; i <= diag; i++) {
      Circuit c = workload.next("BENCH-P", i);
      long t0 = System.nanoTime();
      state.plan(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, c, "")), "bench:diag");
      plan.recordSince(t0);
    }
    put(
        d,
        "inprocess_plan_single_ms",
        plan.brief(),
        "DesiredStateService.plan of one new circuit, in process: planning only, no write");

    // The create path without gRPC: plan + store txn + wait for the cache + read back.
    Latency inproc = new Latency();
    for (int i = 1; i <= diag; i++) {
      Circuit c = workload.next("BENCH-D", i);
      long t0 = System.nanoTime();
      state.apply(
          List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, c, "")),
          "bench:diag",
          "create circuit " + c.getId());
      state.get(Kind.CIRCUIT, c.getId());
      inproc.recordSince(t0);
    }
    put(
        d,
        "inprocess_create_ms",
        inproc.brief(),
        "DesiredStateService.apply of one new circuit plus the read-back CreateCircuit does, in"
            + " process: the create path minus gRPC");

    // The device underneath SQLite: append 200 bytes to a file and fdatasync it.
    Latency fsync = new Latency();
    Path f = dataDir.resolve("raw").resolve("fsync-probe.bin");
    Files.createDirectories(f.getParent());
    try (FileChannel ch =
        FileChannel.open(
            f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.allocate(RawSqliteCommit.BLOB_BYTES);
      for (int i = 0; i < RAW_WARMUP + diag; i++) {
        buf.clear();
        long t0 = System.nanoTime();
        ch.write(buf);
        ch.force(false);
        if (i >= RAW_WARMUP) {
          fsync.recordSince(t0);
        }
      }
    }
    put(
        d,
        "file_append_fdatasync_ms",
        fsync.brief(),
        "append 200 bytes to a plain file and force(false) (fdatasync): the device's sync cost"
            + " under SQLite");

    // The store alone, on a fresh store of its own (same class, same filesystem), with one watcher
    // as the controller's cache has: how long the durable write takes, and how long until a
    // watcher sees it (the cache must see it before apply returns).
    byte[] value =
        state.cache().get(Kind.CIRCUIT, createdIds.get(createdIds.size() - 1)).toByteArray();
    Latency txn = new Latency();
    Latency toWatch = new Latency();
    List<Long> batchTxn = new ArrayList<>();
    try (StateStore store = SqliteStateStore.open(dataDir.resolve("diag-store"))) {
      Semaphore seen = new Semaphore(0);
      AtomicLong seenRev = new AtomicLong();
      Watch watch =
          store.watch(
              Kind.ROOT,
              0,
              new WatchListener() {
                @Override
                public void onEvents(long rev, List<StoreEvent> events) {
                  seenRev.set(rev);
                  seen.release();
                }

                @Override
                public void onError(Throwable error) {
                  seen.release();
                }
              });
      try {
        for (int i = 1; i <= RAW_WARMUP + diag; i++) {
          String key = Kind.CIRCUIT.key(String.format("BENCH-S-%06d", i));
          Txn t =
              Txn.builder(new Audit("bench:diag", "create circuit"))
                  .compare(Compare.modRevision(key, 0))
                  .put(key, value)
                  .build();
          long t0 = System.nanoTime();
          TxnResult r = store.txn(t);
          long t1 = System.nanoTime();
          if (!r.succeeded()) {
            throw new IllegalStateException("diagnostic store txn refused");
          }
          while (seenRev.get() < r.revision()) {
            if (!seen.tryAcquire(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException(
                  "diagnostic store watch did not deliver revision " + r.revision());
            }
          }
          long t2 = System.nanoTime();
          if (i > RAW_WARMUP) {
            txn.record(t1 - t0);
            toWatch.record(t2 - t0);
          }
        }
        for (int r = 1; r <= runs; r++) {
          Txn.Builder b = Txn.builder(new Audit("bench:diag", "apply batch"));
          for (int i = 1; i <= batch; i++) {
            String key = Kind.CIRCUIT.key(String.format("BENCH-SB%d-%06d", r, i));
            b.compare(Compare.modRevision(key, 0)).put(key, value);
          }
          Txn t = b.build();
          long t0 = System.nanoTime();
          TxnResult res = store.txn(t);
          while (seenRev.get() < res.revision()) {
            if (!seen.tryAcquire(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException(
                  "diagnostic store watch did not deliver revision " + res.revision());
            }
          }
          batchTxn.add(System.nanoTime() - t0);
        }
      } finally {
        watch.close();
      }
    }
    ObjectNode st = txn.brief();
    st.put("value_bytes", value.length);
    put(
        d,
        "store_txn_single_ms",
        st,
        "SqliteStateStore.txn with one compare and one put of a stored circuit's size, on a"
            + " separate fresh store: the durable write");
    put(
        d,
        "store_txn_single_to_watch_ms",
        toWatch.brief(),
        "the same, until a watcher (as the controller's cache) has received the event");

    // Batch: planning alone, and the store transaction alone, at the measured batch size.
    List<Long> planBatch = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      List<Op> ops = new ArrayList<>(batch);
      for (int i = 1; i <= batch; i++) {
        ops.add(
            Op.write(
                Op.Mode.UPSERT,
                Resource.newBuilder().setCircuit(workload.next("BENCH-PB" + r, i)).build(),
                "resources[" + (i - 1) + "]"));
      }
      long t0 = System.nanoTime();
      state.plan(ops, "bench:diag");
      planBatch.add(System.nanoTime() - t0);
    }
    put(
        d,
        "inprocess_plan_batch_ms",
        runsNode(planBatch),
        "DesiredStateService.plan of one batch of --batch new circuits, in process: planning only,"
            + " no write");
    put(
        d,
        "store_txn_batch_ms",
        runsNode(batchTxn),
        "SqliteStateStore.txn of --batch compares and puts, until a watcher has the event, on the"
            + " separate store: the durable write of one batch");
    return d;
  }

  private static ObjectNode runsNode(List<Long> nanos) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    ArrayNode a = n.putArray("runs");
    nanos.forEach(x -> a.add(Latency.nanosToMs(x)));
    n.put("median", Latency.nanosToMs(median(nanos)));
    return n;
  }

  private static void put(ObjectNode d, String name, ObjectNode figures, String what) {
    figures.put("what", what);
    d.set(name, figures);
  }

  // ------------------------------------------------------------------------------------------

  private void validate() {
    CommandLine cl = spec.commandLine();
    requireAtLeast(cl, "--creates", creates, 1);
    requireAtLeast(cl, "--warmup", warmup, 0);
    requireAtLeast(cl, "--batch", batch, 1);
    requireAtLeast(cl, "--batch-runs", batchRuns, 1);
    requireAtLeast(cl, "--batch-warmup", batchWarmup, 0);
    requireAtLeast(cl, "--list", list, 1);
    requireAtLeast(cl, "--list-repeats", listRepeats, 1);
    requireAtLeast(cl, "--raw-commits", rawCommits, 1);
    requireAtLeast(cl, "--diag", diag, 0);
    if (list > MAX_PAGE_SIZE) {
      throw new CommandLine.ParameterException(
          cl,
          "--list must be at most "
              + MAX_PAGE_SIZE
              + " (the server caps page_size there); got "
              + list);
    }
    if (batch > CircuitGrpcService.MAX_BATCH) {
      throw new CommandLine.ParameterException(
          cl,
          "--batch must be at most "
              + CircuitGrpcService.MAX_BATCH
              + " (the server's Apply limit); got "
              + batch);
    }
  }

  private static void requireAtLeast(CommandLine cl, String name, int value, int min) {
    if (value < min) {
      throw new CommandLine.ParameterException(
          cl, name + " must be at least " + min + "; got " + value);
    }
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

  private static void checkAllCreated(ApplyResponse resp, int expected) {
    if (resp.getChangesCount() != expected) {
      throw new IllegalStateException(
          "Apply of " + expected + " circuits reported " + resp.getChangesCount() + " changes");
    }
    for (ResourceChange c : resp.getChangesList()) {
      if (c.getAction() != ChangeAction.CHANGE_ACTION_CREATE) {
        throw new IllegalStateException(
            "Apply reported "
                + c.getAction()
                + " for "
                + c.getRef().getId()
                + "; every circuit should be new");
      }
    }
    if (resp.getAllocationsCount() != expected) {
      throw new IllegalStateException(
          "Apply of " + expected + " circuits allocated " + resp.getAllocationsCount() + " VLANs");
    }
  }

  static boolean isMemoryFs(String type) {
    return type.equals("tmpfs") || type.equals("ramfs") || type.equals("devtmpfs");
  }

  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void progress(String format, Object... args) {
    if (!quiet) {
      stderr.println("bench: " + String.format(Locale.ROOT, format, args));
    }
  }

  private void summary(ObjectNode root, Path outFile) {
    ObjectNode r = (ObjectNode) root.get("results");
    ObjectNode met = (ObjectNode) root.get("met");
    ObjectNode c = (ObjectNode) r.get("create_ms");
    ObjectNode a = (ObjectNode) r.get("apply_batch_ms");
    ObjectNode l = (ObjectNode) r.get("list_ms");
    ObjectNode w = (ObjectNode) r.get("raw_sqlite_commit_ms");
    ObjectNode m = (ObjectNode) root.get("machine");
    PrintStream o = stdout;
    o.printf(
        Locale.ROOT,
        "Wayleave core benchmark, %s: %d cores, %d MB heap, Java %s, data on %s%n",
        root.get("date").asText(),
        m.get("cores").asInt(),
        m.get("max_heap_mb").asLong(),
        m.get("java_version").asText(),
        m.get("filesystem").get("type").asText());
    o.printf(
        Locale.ROOT,
        "  create (n=%d)        p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f ms   target p50"
            + " <= %.0f ms: %s%n",
        c.get("count").asLong(),
        c.get("p50").asDouble(),
        c.get("p90").asDouble(),
        c.get("p99").asDouble(),
        c.get("max").asDouble(),
        c.get("mean").asDouble(),
        TARGET_CREATE_P50_MS,
        verdict(met, "create_p50_ms"));
    o.printf(
        Locale.ROOT,
        "  raw SQLite commit    p50 %.3f  p99 %.3f ms (n=%d); create/raw p50 ratio %.2f   target <="
            + " %.1f: %s%n",
        w.get("p50").asDouble(),
        w.get("p99").asDouble(),
        w.get("count").asLong(),
        r.get("create_vs_raw_commit_p50_ratio").asDouble(),
        TARGET_CREATE_TO_RAW_RATIO_MAX,
        verdict(met, "create_to_raw_ratio_max"));
    o.printf(
        Locale.ROOT,
        "  apply x%d circuits   runs %s ms, median %.1f ms   target <= %.0f ms: %s%n",
        a.get("batch_size").asInt(),
        a.get("runs").toString(),
        a.get("median").asDouble(),
        TARGET_APPLY_BATCH_MS,
        verdict(met, "apply_batch_ms"));
    o.printf(
        Locale.ROOT,
        "  list page %d         p50 %.3f  p99 %.3f ms (n=%d, %d circuits stored)   target p99 <="
            + " %.0f ms: %s%n",
        l.get("page_size").asInt(),
        l.get("p50").asDouble(),
        l.get("p99").asDouble(),
        l.get("repeats").asInt(),
        l.get("circuits_in_store").asLong(),
        TARGET_LIST_MS,
        verdict(met, "list_ms"));
    if (root.has("diagnostics")) {
      ObjectNode d = (ObjectNode) root.get("diagnostics");
      o.printf(
          Locale.ROOT,
          "  breakdown (p50 ms): gRPC get %.3f | plan one %.3f | in-process create %.3f | store txn"
              + " %.3f | txn->watch %.3f%n",
          d.get("grpc_get_circuit_ms").get("p50").asDouble(),
          d.get("inprocess_plan_single_ms").get("p50").asDouble(),
          d.get("inprocess_create_ms").get("p50").asDouble(),
          d.get("store_txn_single_ms").get("p50").asDouble(),
          d.get("store_txn_single_to_watch_ms").get("p50").asDouble());
      o.printf(
          Locale.ROOT,
          "  breakdown batch (median ms): plan %.1f | store txn->watch %.1f%n",
          d.get("inprocess_plan_batch_ms").get("median").asDouble(),
          d.get("store_txn_batch_ms").get("median").asDouble());
      o.printf(
          Locale.ROOT,
          "  create on the full store (%d circuits) p50 %.3f p99 %.3f ms; file append+fdatasync p50"
              + " %.3f ms%n",
          d.get("grpc_create_full_store_ms").get("circuits_in_store_before").asLong(),
          d.get("grpc_create_full_store_ms").get("p50").asDouble(),
          d.get("grpc_create_full_store_ms").get("p99").asDouble(),
          d.get("file_append_fdatasync_ms").get("p50").asDouble());
    }
    if (m.has("cpu_busy_during_run")) {
      o.printf(
          Locale.ROOT,
          "  CPU busy during the run: %.2f cores by the benchmark, %.2f cores by other processes%n",
          m.get("cpu_busy_during_run").get("benchmark_jvm_cores").asDouble(),
          m.get("cpu_busy_during_run").get("other_processes_cores").asDouble());
    }
    o.println("  written to " + outFile);
  }

  private static String verdict(ObjectNode met, String key) {
    return met.get(key).asBoolean() ? "met" : "MISSED";
  }
}
