package org.wayleave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.PollListener;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Telemetry at scale: one full SNMP poll of {@code --devices} simulated routers (10 interfaces each
 * by default), our poller against prometheus-snmp-exporter.
 *
 * <p>The routers ({@code Scenarios.snmpOnly}: the {@code scale} seed, v2c, each at its own {@code
 * 127.16.x.y} address) run in a child JVM ({@link TelemetryFleetMain}), so this JVM's process CPU
 * before and after a {@link SnmpPoller#pollAll()} is the poller's, with a {@link Telemetry}
 * listening (rates, history) as in the controller, plus this JVM's own overhead (GC, JIT, the
 * benchmark's futures). For each {@code --in-flight} setting: one unmeasured warm-up poll (JIT; the
 * first walk of a router also learns its table), then {@code --polls} measured ones.
 *
 * <p>prometheus-snmp-exporter (a separate process) gets a module walking the same ten IF-MIB
 * columns plus {@code sysUpTime.0}, and one {@code /snmp} scrape per router over HTTP with {@code
 * --exporter-concurrency} at once; its CPU comes from {@code /proc/<pid>/stat}. Everything runs on
 * loopback; every wait is bounded by {@code --timeout-s}.
 */
@Command(
    name = "telemetry-benchmark",
    mixinStandardHelpOptions = true,
    description =
        "One full SNMP poll of a simulated fleet: wall time, CPU per poll and per varbind, ours vs"
            + " prometheus-snmp-exporter.")
public final class TelemetryBenchmark implements Callable<Integer> {
  static final double TARGET_FULL_POLL_WALL_S = 10;
  static final double TARGET_CORE_FRACTION = 0.5;
  static final double TARGET_EXPORTER_RATIO = 3;
  static final int PHYSICAL_PORTS = 5;

  @Option(
      names = "--devices",
      defaultValue = "10000",
      description = "Simulated routers (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(
      names = "--sub-interfaces",
      defaultValue = "5",
      description =
          "Sub-interfaces per router, besides its "
              + PHYSICAL_PORTS
              + " ports (default: ${DEFAULT-VALUE}, so 10 interfaces).")
  int subInterfaces;

  @Option(
      names = "--in-flight",
      split = ",",
      defaultValue = "256,1024",
      description =
          "Poller maxInFlight settings to try, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> inFlight;

  @Option(
      names = "--polls",
      defaultValue = "3",
      description = "Measured full polls per setting (default: ${DEFAULT-VALUE}).")
  int polls;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description =
          "Unmeasured full polls of ours first, per setting: the first walks every column and"
              + " learns the table, the rest let the JIT finish compiling the steady-state path"
              + " (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--jit-warmup",
      defaultValue = "6",
      description =
          "Unmeasured full polls with a throwaway poller before any "
              + "setting, so the JIT favours none of them (default: ${DEFAULT-VALUE}).")
  int jitWarmup;

  @Option(
      names = "--exporter-warmup",
      defaultValue = "1",
      description = "Unmeasured snmp_exporter passes first (default: ${DEFAULT-VALUE}).")
  int exporterWarmup;

  @Option(
      names = "--interval-s",
      defaultValue = "60",
      description =
          "Poll interval the CPU is judged at, and the history is sized for (default:"
              + " ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Option(
      names = "--snmp-timeout-ms",
      defaultValue = "2000",
      description = "SNMP request timeout, both pollers (default: ${DEFAULT-VALUE}).")
  int snmpTimeoutMs;

  @Option(
      names = "--snmp-retries",
      defaultValue = "1",
      description = "SNMP retries, both pollers (default: ${DEFAULT-VALUE}).")
  int snmpRetries;

  @Option(
      names = "--max-repetitions",
      defaultValue = "25",
      description = "GETBULK max-repetitions, both pollers (default: ${DEFAULT-VALUE}).")
  int maxRepetitions;

  @Option(
      names = "--snmp-port",
      defaultValue = "" + Seeds.SNMP_PORT,
      description = "UDP port every router answers on (default: ${DEFAULT-VALUE}).")
  int snmpPort;

  @Option(
      names = "--exporter",
      defaultValue = "auto",
      paramLabel = "PATH|auto|none",
      description =
          "prometheus-snmp-exporter binary; 'auto' finds it, 'none' skips it (default:"
              + " ${DEFAULT-VALUE}).")
  String exporter;

  @Option(
      names = "--exporter-concurrency",
      defaultValue = "256",
      description = "Scrapes at once against the exporter (default: ${DEFAULT-VALUE}).")
  int exporterConcurrency;

  @Option(
      names = "--fleet-heap",
      defaultValue = "2g",
      description = "Fleet JVM -Xmx (default: ${DEFAULT-VALUE}).")
  String fleetHeap;

  @Option(
      names = "--out",
      description = "JSON output (default: bench/results/telemetry-<date>.json).")
  Path out;

  @Option(
      names = "--dir",
      description =
          "Working directory (secrets, exporter config and log; default: a fresh one under"
              + " bench/target/bench-data).")
  Path dir;

  @Option(
      names = "--timeout-s",
      defaultValue = "1200",
      description = "Give up after this long in all (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description =
          "Record a JFR profile (Java stacks every 10 ms) into FILE, from the first setting's"
              + " measured polls to the end of the last setting's.")
  Path jfr;

  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "A note to record in the JSON (repeatable).")
  List<String> notes = new ArrayList<>();

  @Spec CommandSpec spec;

  private long deadline;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    System.exit(new CommandLine(new TelemetryBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    validate();
    Instant started = Instant.now();
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    Path cwd = Path.of("").toAbsolutePath();
    Path data =
        dir != null
            ? dir.toAbsolutePath()
            : cwd.resolve(
                "bench/target/bench-data/telemetry-"
                    + LocalDateTime.now()
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    Path outFile =
        out != null
            ? out.toAbsolutePath()
            : cwd.resolve("bench/results/telemetry-" + LocalDate.now() + ".json");
    Files.createDirectories(data);
    String fds = TelemetryFleetMain.checkFileDescriptors(devices);
    if (fds != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--devices " + devices + ": " + fds);
    }

    List<Resource> inventory = Seeds.withSnmpPort(Seeds.scale(devices), snmpPort);
    List<Device> routers =
        inventory.stream().filter(Resource::hasDevice).map(Resource::getDevice).toList();
    DirectorySecretProvider secrets = new DirectorySecretProvider(data.resolve("secrets"));
    secrets.generateMissing(Seeds.secretRefs(inventory));
    CpuUse machineCpu = new CpuUse();

    progress(
        "fleet: %d routers x %d interfaces in a child JVM (SNMP v2c, 127.16.x.y:%d)",
        devices, PHYSICAL_PORTS + subInterfaces, snmpPort);
    try (Fleet fleet =
        Fleet.start(
            devices, subInterfaces, secrets.dir(), snmpPort, fleetHeap, data, remaining())) {
      progress("fleet ready: %s", fleet.readyLine);
      Recording recording = startJfr();
      List<ObjectNode> settings = new ArrayList<>();
      ArrayNode jitWarm = new ObjectMapper().createArrayNode();
      try {
        if (jitWarmup > 0) {
          jitWarmup(routers, secrets, fleet, jitWarm);
        }
        for (int n : inFlight) {
          settings.add(pollerRun(n, routers, secrets, fleet, recording));
        }
      } finally {
        if (recording != null) {
          recording.stop();
          recording.close();
        }
      }

      ObjectNode exporterNode = null;
      String exporterReason = null;
      Optional<Path> binary =
          exporter.equals("none")
              ? Optional.empty()
              : exporter.equals("auto") ? SnmpExporter.find() : Optional.of(Path.of(exporter));
      if (binary.isEmpty()) {
        exporterReason =
            exporter.equals("none")
                ? "skipped (--exporter none)"
                : "prometheus-snmp-exporter is not installed (Debian package"
                    + " prometheus-snmp-exporter)";
        progress("snmp_exporter: %s", exporterReason);
      } else if (!Files.isExecutable(binary.get())) {
        exporterReason = binary.get() + " is not an executable file";
        progress("snmp_exporter: %s", exporterReason);
      } else {
        exporterNode =
            exporterRun(
                binary.get(),
                routers,
                secrets.resolve(Seeds.SCALE_COMMUNITY_REF),
                data.resolve("snmp_exporter"),
                fleet);
      }
      double[] busy = machineCpu.since();
      ObjectNode root =
          report(started, data, cwd, settings, exporterNode, exporterReason, busy, fleet);
      ((ObjectNode) root.path("results").path("poller")).set("jit_warmup_cpu_s", jitWarm);
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Files.createDirectories(outFile.getParent());
      json.writeValue(outFile.toFile(), root);
      System.out.println(json.writeValueAsString(root.path("summary")));
      System.out.println(
          "written to " + (outFile.startsWith(cwd) ? cwd.relativize(outFile) : outFile));
      return 0;
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (devices < 1 || devices > 60_000) {
      throw new CommandLine.ParameterException(
          cl, "--devices: must be within 1-60000 (one UDP socket each)");
    }
    if (subInterfaces < 0 || subInterfaces > 2000) {
      throw new CommandLine.ParameterException(cl, "--sub-interfaces: must be within 0-2000");
    }
    if (inFlight.isEmpty() || inFlight.stream().anyMatch(n -> n < 1 || n > 100_000)) {
      throw new CommandLine.ParameterException(
          cl, "--in-flight: each setting must be within 1-100000");
    }
    if (polls < 1
        || polls > 20
        || warmup < 0
        || warmup > 10
        || exporterWarmup < 0
        || exporterWarmup > 10
        || jitWarmup < 0
        || jitWarmup > 20) {
      throw new CommandLine.ParameterException(
          cl,
          "--polls must be within 1-20, --warmup and --exporter-warmup within 0-10, --jit-warmup"
              + " within 0-20");
    }
    if (snmpPort < 1 || snmpPort > 65_535) {
      throw new CommandLine.ParameterException(cl, "--snmp-port: must be within 1-65535");
    }
    if (exporterConcurrency < 1 || exporterConcurrency > 10_000) {
      throw new CommandLine.ParameterException(
          cl, "--exporter-concurrency: must be within 1-10000");
    }
    if (intervalSeconds < 1 || timeoutSeconds < 1) {
      throw new CommandLine.ParameterException(cl, "--interval-s and --timeout-s must be positive");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Our poller

  /** Counts what the poller delivered, then hands it to the real listener. */
  private static final class Counting implements PollListener {
    final Telemetry telemetry;
    final LongAdder values = new LongAdder();
    final LongAdder interfaces = new LongAdder();
    final AtomicReference<String> firstFailure = new AtomicReference<>();

    Counting(Telemetry telemetry) {
      this.telemetry = telemetry;
    }

    @Override
    public void polled(String deviceId, DeviceSample sample) {
      long v = sample.sysUpTime() >= 0 ? 1 : 0;
      for (IfRow row : sample.rows().values()) {
        for (IfMib.Column c : IfMib.Column.values()) {
          if (row.has(c)) {
            v++;
          }
        }
      }
      values.add(v);
      interfaces.add(sample.rows().size());
      telemetry.polled(deviceId, sample);
    }

    @Override
    public void failed(String deviceId, String reason) {
      firstFailure.compareAndSet(null, deviceId + ": " + reason);
      telemetry.failed(deviceId, reason);
    }
  }

  /** One full poll's figures. */
  private record PollFigures(
      double wallS,
      double cpuS,
      int successes,
      long requests,
      long varbinds,
      long failures,
      long values,
      long interfaces,
      double fleetCpuS,
      long fleetReceived,
      long fleetAnswered,
      long gcCount,
      double gcS,
      Map<String, Double> threadCpu) {}

  /**
   * Full polls with a throwaway poller before any setting is measured, so that the JIT has compiled
   * the poll path for every setting alike (otherwise the setting tried first pays for it and looks
   * worse than the others).
   */
  private void jitWarmup(
      List<Device> routers, DirectorySecretProvider secrets, Fleet fleet, ArrayNode cpuOut)
      throws Exception {
    TelemetryConfig config =
        new TelemetryConfig(
            true,
            Duration.ofSeconds(intervalSeconds),
            Duration.ofMillis(snmpTimeoutMs),
            snmpRetries,
            inFlight.get(0),
            maxRepetitions,
            0.9,
            1.0,
            Duration.ofHours(24));
    Counting listener = new Counting(new Telemetry(config, Clock.systemUTC(), alias -> 0L));
    try (SnmpPoller poller = new SnmpPoller(config, secrets, listener, Clock.systemUTC())) {
      routers.forEach(poller::upsert);
      for (int i = 1; i <= jitWarmup; i++) {
        PollFigures f = poll(poller, listener, fleet);
        progress(
            "JIT warm-up poll %d/%d (maxInFlight %d, not measured): %.2f s wall, %.2f s CPU, %d/%d"
                + " answered",
            i, jitWarmup, inFlight.get(0), f.wallS, f.cpuS, f.successes, routers.size());
        cpuOut.add(round3(f.cpuS));
      }
    }
    System.gc();
  }

  private ObjectNode pollerRun(
      int maxInFlight,
      List<Device> routers,
      DirectorySecretProvider secrets,
      Fleet fleet,
      Recording recording)
      throws Exception {
    TelemetryConfig config =
        new TelemetryConfig(
            true,
            Duration.ofSeconds(intervalSeconds),
            Duration.ofMillis(snmpTimeoutMs),
            snmpRetries,
            maxInFlight,
            maxRepetitions,
            0.9,
            1.0,
            Duration.ofHours(24));
    Telemetry telemetry = new Telemetry(config, Clock.systemUTC(), alias -> 0L);
    Counting listener = new Counting(telemetry);
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.put("max_in_flight", maxInFlight);
    try (SnmpPoller poller = new SnmpPoller(config, secrets, listener, Clock.systemUTC())) {
      routers.forEach(poller::upsert);
      ArrayNode warm = node.putArray("warmup");
      for (int i = 1; i <= warmup; i++) {
        PollFigures f = poll(poller, listener, fleet);
        progress(
            "maxInFlight %d: warm-up poll %d: %.2f s wall, %.2f s CPU, %d/%d answered, %d requests,"
                + " %d varbinds",
            maxInFlight, i, f.wallS, f.cpuS, f.successes, routers.size(), f.requests, f.varbinds);
        warm.add(pollNode(f));
      }
      if (recording != null && recording.getState() == RecordingState.NEW) {
        recording.start();
      }
      List<PollFigures> measured = new ArrayList<>();
      ArrayNode runs = node.putArray("polls");
      for (int i = 1; i <= polls; i++) {
        PollFigures f = poll(poller, listener, fleet);
        progress(
            "maxInFlight %d: poll %d/%d: %.2f s wall, %.2f s CPU (fleet %.2f s), %d/%d answered, %d"
                + " requests, %d varbinds, %d failures",
            maxInFlight,
            i,
            polls,
            f.wallS,
            f.cpuS,
            f.fleetCpuS,
            f.successes,
            routers.size(),
            f.requests,
            f.varbinds,
            f.failures);
        measured.add(f);
        runs.add(pollNode(f));
      }
      PollFigures med =
          measured.stream()
              .sorted(Comparator.comparingDouble(PollFigures::cpuS))
              .toList()
              .get(measured.size() / 2);
      double medianWall = median(measured.stream().mapToDouble(PollFigures::wallS).toArray());
      double medianCpu = med.cpuS;
      ObjectNode m = node.putObject("median");
      m.put("wall_s", round3(medianWall));
      m.put("cpu_s", round3(medianCpu));
      m.put("cpu_s_per_million_varbinds", round3(medianCpu / med.varbinds * 1e6));
      m.put("cpu_s_per_million_values", round3(medianCpu / med.values * 1e6));
      m.put("core_fraction_at_interval", round3(medianCpu / intervalSeconds));
      m.put("requests", med.requests);
      m.put("varbinds", med.varbinds);
      m.put("values", med.values);
      m.put("failures", measured.stream().mapToLong(PollFigures::failures).sum());
      m.put(
          "fleet_cpu_s",
          round3(median(measured.stream().mapToDouble(PollFigures::fleetCpuS).toArray())));
      m.put("gc_s", round3(median(measured.stream().mapToDouble(PollFigures::gcS).toArray())));
      ObjectNode threadsNode = m.putObject("cpu_by_thread_s");
      med.threadCpu.forEach((k, v) -> threadsNode.put(k, round3(v)));
      double javaThreads = med.threadCpu.values().stream().mapToDouble(Double::doubleValue).sum();
      m.put("cpu_outside_java_threads_s", round3(Math.max(0, medianCpu - javaThreads)));
      m.put(
          "basis",
          "the poll with the median CPU (cpu_s and its counts); wall_s, fleet_cpu_s and gc_s are"
              + " medians of their own");
      node.put("failures_first_reason", listener.firstFailure.get());

      System.gc();
      System.gc();
      long heapMb =
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      node.put("heap_after_full_gc_mb", heapMb);
      node.put(
          "heap_holds",
          "poller ("
              + routers.size()
              + " devices) and Telemetry after "
              + (warmup + polls)
              + " full polls, plus the benchmark's inventory list");
      node.put("history_bytes", telemetry.historyBytes());
      long ifaces =
          routers.stream()
              .mapToLong(
                  d -> {
                    Telemetry.DeviceView v = telemetry.device(d.getId());
                    return v == null ? 0 : v.interfaces().size();
                  })
              .sum();
      long reachable =
          routers.stream()
              .filter(
                  d -> {
                    Telemetry.DeviceView v = telemetry.device(d.getId());
                    return v != null && v.reachable();
                  })
              .count();
      node.put("devices_reachable", reachable);
      node.put("interfaces_seen", ifaces);
      node.put(
          "history_bytes_when_full_24h",
          ifaces * historyBytesPerInterface(Duration.ofSeconds(intervalSeconds)));
      node.put(
          "history_bytes_when_full_24h_at_default_interval",
          ifaces * historyBytesPerInterface(TelemetryConfig.DEFAULT_INTERVAL));
      node.put(
          "history_note",
          "RateHistory allocates 360-slot chunks of 6 bytes a slot (2,176 bytes with the array"
              + " header) as time passes; after a few polls every interface holds one chunk. Full ="
              + " 24 h of slots at interval_s, and at the controller's default "
              + TelemetryConfig.DEFAULT_INTERVAL.toSeconds()
              + " s interval");
      SnmpPoller.Stats s = poller.stats();
      node.put("poller_totals", s.toString());
    }
    return node;
  }

  /**
   * Bytes a full 24 h RateHistory holds at {@code interval} (as RateHistory.bytes() counts them).
   */
  static long historyBytesPerInterface(Duration interval) {
    long ms = interval.toMillis();
    long slots = Math.max(1, (Duration.ofHours(24).toMillis() + ms - 1) / ms);
    long chunks = (slots + 359) / 360;
    return chunks * (16 + 2L * 360 * 3);
  }

  private PollFigures poll(SnmpPoller poller, Counting listener, Fleet fleet) throws Exception {
    SnmpPoller.Stats s0 = poller.stats();
    long[] fs0 = fleet.stats();
    double fleetCpu0 = fleet.cpuSeconds();
    long values0 = listener.values.sum();
    long ifaces0 = listener.interfaces.sum();
    long[] gc0 = gc();
    Map<Long, Object[]> th0 = threadCpu();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    int ok;
    try {
      ok = poller.pollAll().get(remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "a full poll did not complete within --timeout-s " + timeoutSeconds);
    }
    long wall = System.nanoTime() - t0;
    long cpu1 = processCpuNanos();
    Map<Long, Object[]> th1 = threadCpu();
    long[] gc1 = gc();
    double fleetCpu1 = fleet.cpuSeconds();
    long[] fs1 = fleet.stats();
    SnmpPoller.Stats s1 = poller.stats();
    return new PollFigures(
        wall / 1e9,
        (cpu1 - cpu0) / 1e9,
        ok,
        s1.requests() - s0.requests(),
        s1.varbinds() - s0.varbinds(),
        s1.failures() - s0.failures(),
        listener.values.sum() - values0,
        listener.interfaces.sum() - ifaces0,
        fleetCpu1 - fleetCpu0,
        fs1[0] - fs0[0],
        fs1[1] - fs0[1],
        gc1[0] - gc0[0],
        (gc1[1] - gc0[1]) / 1e3,
        threadDelta(th0, th1));
  }

  private static ObjectNode pollNode(PollFigures f) {
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("wall_s", round3(f.wallS));
    n.put("cpu_s", round3(f.cpuS));
    n.put("successes", f.successes);
    n.put("failures", f.failures);
    n.put("requests", f.requests);
    n.put("varbinds", f.varbinds);
    n.put("values", f.values);
    n.put("interfaces", f.interfaces);
    n.put("cpu_s_per_million_varbinds", f.varbinds == 0 ? null : round3(f.cpuS / f.varbinds * 1e6));
    n.put("fleet_cpu_s", round3(f.fleetCpuS));
    n.put("fleet_datagrams_received", f.fleetReceived);
    n.put("fleet_datagrams_answered", f.fleetAnswered);
    n.put("gc_collections", f.gcCount);
    n.put("gc_s", round3(f.gcS));
    return n;
  }

  private Recording startJfr() throws IOException, ParseException {
    if (jfr == null) {
      return null;
    }
    Map<String, String> settings =
        new HashMap<>(Configuration.getConfiguration("profile").getSettings());
    settings.put("jdk.ExecutionSample#period", "10 ms");
    Recording r = new Recording(settings);
    r.setName("wayleave-telemetry-benchmark");
    Files.createDirectories(jfr.toAbsolutePath().getParent());
    r.setDestination(jfr.toAbsolutePath());
    return r;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException(
        "this JVM cannot tell its own CPU time (no com.sun.management.OperatingSystemMXBean)");
  }

  /** {collections, milliseconds} over all collectors. */
  private static long[] gc() {
    long n = 0;
    long ms = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, g.getCollectionCount());
      ms += Math.max(0, g.getCollectionTime());
    }
    return new long[] {n, ms};
  }

  /** Thread id to {name, CPU ns} for every live Java thread. */
  private Map<Long, Object[]> threadCpu() {
    Map<Long, Object[]> out = new HashMap<>();
    for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (t != null) {
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        if (cpu >= 0) {
          out.put(t.getThreadId(), new Object[] {t.getThreadName(), cpu});
        }
      }
    }
    return out;
  }

  /**
   * CPU seconds per thread name between two snapshots, the busiest first (threads under 5 ms left
   * out).
   */
  private static Map<String, Double> threadDelta(
      Map<Long, Object[]> before, Map<Long, Object[]> after) {
    Map<String, Double> byName = new HashMap<>();
    after.forEach(
        (id, a) -> {
          Object[] b = before.get(id);
          long d = (long) a[1] - (b == null ? 0 : (long) b[1]);
          // Pool threads differ only by a number: group them.
          String name = ((String) a[0]).replaceAll("([-#/_])\\d+$", "$1N");
          byName.merge(name, d / 1e9, Double::sum);
        });
    Map<String, Double> out = new LinkedHashMap<>();
    byName.entrySet().stream()
        .filter(e -> e.getValue() >= 0.005)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // prometheus-snmp-exporter

  private ObjectNode exporterRun(
      Path binary, List<Device> routers, String community, Path workDir, Fleet fleet)
      throws Exception {
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.put("version", SnmpExporter.version(binary));
    node.put("binary", binary.toString());
    node.put("concurrency", exporterConcurrency);
    node.put(
        "module",
        SnmpExporter.MODULE
            + ": v2c, max_repetitions "
            + maxRepetitions
            + ", timeout "
            + snmpTimeoutMs
            + " ms, retries "
            + snmpRetries
            + ", walk the 10 IF-MIB columns our poller walks, get sysUpTime.0");
    List<String> targets =
        routers.stream().map(d -> d.getManagementAddress() + ":" + d.getSnmp().getPort()).toList();
    ExecutorService httpPool =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "bench-http");
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(httpPool)
            .build();
    progress(
        "snmp_exporter: %s, %d scrapes per pass, %d at once",
        node.path("version").asText(), targets.size(), exporterConcurrency);
    try (SnmpExporter e =
        SnmpExporter.start(
            binary,
            workDir,
            community,
            maxRepetitions,
            Duration.ofMillis(snmpTimeoutMs),
            snmpRetries)) {
      ArrayNode warm = node.putArray("warmup");
      for (int i = 1; i <= exporterWarmup; i++) {
        ObjectNode p = exporterPass(e, http, targets, fleet);
        progress(
            "snmp_exporter: warm-up pass %d: %.2f s wall, %.2f s CPU, %d/%d scrapes ok",
            i,
            p.path("wall_s").asDouble(),
            p.path("cpu_s").asDouble(),
            p.path("scrapes_ok").asLong(),
            targets.size());
        warm.add(p);
      }
      ArrayNode passes = node.putArray("passes");
      List<ObjectNode> measured = new ArrayList<>();
      for (int i = 1; i <= polls; i++) {
        ObjectNode p = exporterPass(e, http, targets, fleet);
        progress(
            "snmp_exporter: pass %d/%d: %.2f s wall, %.2f s CPU (fleet %.2f s), %d/%d scrapes ok,"
                + " %d samples, %d SNMP requests",
            i,
            polls,
            p.path("wall_s").asDouble(),
            p.path("cpu_s").asDouble(),
            p.path("fleet_cpu_s").asDouble(),
            p.path("scrapes_ok").asLong(),
            targets.size(),
            p.path("samples").asLong(),
            p.path("fleet_datagrams_received").asLong());
        passes.add(p);
        measured.add(p);
      }
      ObjectNode med =
          measured.stream()
              .sorted(Comparator.comparingDouble(p -> p.path("cpu_s").asDouble()))
              .toList()
              .get(measured.size() / 2);
      ObjectNode m = node.putObject("median");
      double cpu = med.path("cpu_s").asDouble();
      long samples = med.path("samples").asLong();
      m.put(
          "wall_s",
          round3(
              median(measured.stream().mapToDouble(p -> p.path("wall_s").asDouble()).toArray())));
      m.put("cpu_s", round3(cpu));
      m.put("samples", samples);
      m.put("cpu_s_per_million_varbinds", samples == 0 ? null : round3(cpu / samples * 1e6));
      m.put("snmp_requests", med.path("fleet_datagrams_received").asLong());
      m.put(
          "scrapes_failed",
          measured.stream().mapToLong(p -> p.path("scrapes_failed").asLong()).sum());
      m.put(
          "fleet_cpu_s",
          round3(
              median(
                  measured.stream().mapToDouble(p -> p.path("fleet_cpu_s").asDouble()).toArray())));
      m.put(
          "basis",
          "the pass with the median CPU (cpu_s and its counts); wall_s and fleet_cpu_s are medians"
              + " of their own");
      node.put(
          "varbinds_basis",
          "samples: the samples of the module's 11 metrics in its /snmp responses, one per varbind"
              + " it walked or got within the asked subtrees (the GETBULK overshoot past a column's"
              + " end is not counted); snmp_scrape_pdus_returned is its own count");
      node.put("rss_mb_after", ProcCpu.rssMb(e.process.pid()));
    } finally {
      httpPool.shutdownNow();
    }
    return node;
  }

  private ObjectNode exporterPass(
      SnmpExporter e, HttpClient http, List<String> targets, Fleet fleet) throws Exception {
    long[] fs0 = fleet.stats();
    double fleetCpu0 = fleet.cpuSeconds();
    double cpu0 = e.cpuSeconds();
    long own0 = processCpuNanos();
    SnmpExporter.Pass pass =
        e.pass(
            http,
            targets,
            exporterConcurrency,
            Math.min(deadline, System.nanoTime() + remaining().toNanos()));
    double cpu1 = e.cpuSeconds();
    long own1 = processCpuNanos();
    double fleetCpu1 = fleet.cpuSeconds();
    long[] fs1 = fleet.stats();
    ObjectNode n = new ObjectMapper().createObjectNode();
    n.put("wall_s", round3(pass.wallSeconds()));
    n.put("cpu_s", round3(cpu1 - cpu0));
    n.put("scrapes_ok", pass.ok());
    n.put("scrapes_failed", pass.failed());
    n.put("samples", pass.samples());
    n.put("snmp_scrape_pdus_returned", pass.pdusReturned());
    n.put(
        "cpu_s_per_million_varbinds",
        pass.samples() == 0 ? null : round3((cpu1 - cpu0) / pass.samples() * 1e6));
    n.put("fleet_cpu_s", round3(fleetCpu1 - fleetCpu0));
    n.put("fleet_datagrams_received", fs1[0] - fs0[0]);
    n.put("fleet_datagrams_answered", fs1[1] - fs0[1]);
    n.put("driver_cpu_s", round3((own1 - own0) / 1e9));
    if (pass.firstError() != null) {
      n.put("first_error", pass.firstError());
    }
    return n;
  }

  // ------------------------------------------------------------------------------------------
  // Report

  private ObjectNode report(
      Instant started,
      Path data,
      Path cwd,
      List<ObjectNode> settings,
      ObjectNode exporterNode,
      String exporterReason,
      double[] busy,
      Fleet fleet)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("benchmark", "telemetry");
    root.put("date", LocalDate.now().toString());
    root.put("started_at", started.toString());
    root.put(
        "duration_s",
        Math.round(Duration.between(started, Instant.now()).toMillis() / 100.0) / 10.0);

    ObjectNode machine = root.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java_version", System.getProperty("java.version"));
    machine.put(
        "java_vm",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    machine.put(
        "gc",
        String.join(
            ", ",
            ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList()));
    machine.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    machine.put("clock_ticks_per_s", ProcCpu.clockTicks());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      machine.put("open_files_limit", unix.getMaxFileDescriptorCount());
    }
    if (busy != null) {
      ObjectNode b = machine.putObject("cpu_busy_during_run");
      b.put("all_processes_cores", round3(busy[0]));
      b.put("benchmark_jvm_cores", round3(busy[1]));
      b.put("other_processes_cores", round3(busy[2]));
      b.put(
          "note",
          "other_processes includes the fleet JVM and snmp_exporter, which this run starts");
    }

    ObjectNode params = root.putObject("parameters");
    params.put("devices", devices);
    params.put("physical_ports_per_router", PHYSICAL_PORTS);
    params.put("sub_interfaces_per_router", subInterfaces);
    params.put("interfaces_per_router", PHYSICAL_PORTS + subInterfaces);
    params.put("interfaces_total", (long) devices * (PHYSICAL_PORTS + subInterfaces));
    params.put(
        "snmp",
        "v2c, community from a DirectorySecretProvider; each router at its own 127.16.x.y address,"
            + " UDP port "
            + snmpPort);
    params.put(
        "fleet",
        "Scenarios.snmpOnly in a child JVM (-Xmx"
            + fleetHeap
            + "), SnmpFleet: one NIO selector thread, one UDP socket per router");
    ArrayNode inf = params.putArray("max_in_flight_tried");
    inFlight.forEach(inf::add);
    params.put("snmp_timeout_ms", snmpTimeoutMs);
    params.put("snmp_retries", snmpRetries);
    params.put("max_repetitions", maxRepetitions);
    params.put("interval_s", intervalSeconds);
    params.put("jit_warmup_polls", jitWarmup);
    params.put("warmup_polls", warmup);
    params.put("exporter_warmup_passes", exporterWarmup);
    params.put("measured_polls", polls);
    params.put("exporter_concurrency", exporterConcurrency);
    params.put(
        "our_cpu",
        "this JVM's process CPU (OperatingSystemMXBean.getProcessCpuTime) across"
            + " SnmpPoller.pollAll(): the poller, Telemetry (rates, history) listening, and JVM"
            + " overhead (GC, JIT, the benchmark's futures); the fleet runs in another JVM");
    params.put(
        "exporter_cpu",
        "utime+stime of the exporter process from /proc/<pid>/stat across one pass (HTTP, SNMP,"
            + " exposition)");
    params.put(
        "varbinds",
        "ours: SnmpPoller.stats().varbinds, every varbind in every response (including the one per"
            + " column past its end that ends a walk); values: the values the poll delivered"
            + " (columns present per interface, plus sysUpTime); exporter: samples of the module's"
            + " metrics in its responses");
    Path abs = data.toAbsolutePath();
    params.put(
        "work_dir",
        abs.startsWith(cwd) ? cwd.relativize(abs).toString() : abs.getFileName().toString());

    ObjectNode results = root.putObject("results");
    ObjectNode pollerNode = results.putObject("poller");
    ObjectNode bySetting = pollerNode.putObject("by_max_in_flight");
    ObjectNode best = null;
    for (ObjectNode s : settings) {
      bySetting.set(s.path("max_in_flight").asText(), s);
      if (best == null || better(s, best)) {
        best = s;
      }
    }
    pollerNode.put("best_max_in_flight", best.path("max_in_flight").asInt());
    pollerNode.put("best_basis", "fewest failures, then lowest median CPU per full poll");
    ObjectNode bm = (ObjectNode) best.path("median");
    double ourCpu = bm.path("cpu_s").asDouble();
    double ourWall = bm.path("wall_s").asDouble();
    double ourPerMvb = bm.path("cpu_s_per_million_varbinds").asDouble();
    double ourPerMvalues = bm.path("cpu_s_per_million_values").asDouble();
    pollerNode.put("full_poll_wall_s", ourWall);
    pollerNode.put("cpu_s_per_full_poll", ourCpu);
    pollerNode.put("cpu_s_per_million_varbinds", ourPerMvb);
    pollerNode.put("cpu_s_per_million_values", ourPerMvalues);
    pollerNode.put("core_fraction_at_interval", round3(ourCpu / intervalSeconds));
    pollerNode.put("requests_per_poll", bm.path("requests").asLong());
    pollerNode.put("varbinds_per_poll", bm.path("varbinds").asLong());
    pollerNode.put("values_per_poll", bm.path("values").asLong());
    pollerNode.put("failures", bm.path("failures").asLong());
    pollerNode.put("heap_after_full_gc_mb", best.path("heap_after_full_gc_mb").asLong());
    pollerNode.put("history_bytes", best.path("history_bytes").asLong());
    pollerNode.put("fleet_cpu_s_per_poll", bm.path("fleet_cpu_s").asDouble());

    Double ratioPerVarbind = null;
    Double ratioPerValue = null;
    if (exporterNode != null) {
      results.set("snmp_exporter", exporterNode);
      JsonHelper em = new JsonHelper((ObjectNode) exporterNode.path("median"));
      double exCpu = em.d("cpu_s");
      long samples = em.l("samples");
      if (samples > 0 && ourPerMvb > 0 && ourPerMvalues > 0) {
        double exPerM = exCpu / samples * 1e6;
        ratioPerVarbind = round3(exPerM / ourPerMvb);
        ratioPerValue = round3(exPerM / ourPerMvalues);
      }
      ObjectNode cmp = results.putObject("comparison");
      cmp.put("our_cpu_s_per_full_poll", ourCpu);
      cmp.put("exporter_cpu_s_per_full_pass", round3(exCpu));
      cmp.put("our_full_poll_wall_s", ourWall);
      cmp.put("exporter_full_pass_wall_s", em.d("wall_s"));
      cmp.put("our_snmp_requests_per_poll", bm.path("requests").asLong());
      cmp.put("exporter_snmp_requests_per_pass", em.l("snmp_requests"));
      cmp.put("our_cpu_s_per_million_varbinds", ourPerMvb);
      cmp.put("our_cpu_s_per_million_values", ourPerMvalues);
      cmp.put(
          "exporter_cpu_s_per_million_varbinds",
          samples == 0 ? null : round3(exCpu / samples * 1e6));
      if (ratioPerVarbind != null) {
        cmp.put("ratio_exporter_to_ours_per_varbind", ratioPerVarbind);
        cmp.put("ratio_exporter_to_ours_per_value", ratioPerValue);
      }
      cmp.put(
          "ratio_basis",
          "per_varbind: ours per SnmpPoller varbind (wire), exporter per sample; per_value: both"
              + " per value delivered (the same data from the same fleet), the like-for-like one,"
              + " used for the target");
    } else {
      results.putNull("snmp_exporter");
      results.put("snmp_exporter_reason", exporterReason);
    }

    ObjectNode targets = root.putObject("targets");
    targets.put("full_poll_wall_s", TARGET_FULL_POLL_WALL_S);
    targets.put("cpu_s_per_full_poll", TARGET_CORE_FRACTION * intervalSeconds);
    targets.put("core_fraction_at_interval", TARGET_CORE_FRACTION);
    targets.put("exporter_to_ours_cpu_per_varbind_ratio_min", TARGET_EXPORTER_RATIO);
    ObjectNode basis = root.putObject("target_basis");
    basis.put(
        "full_poll_wall_s", "results.poller.full_poll_wall_s (median, best setting) < target");
    basis.put(
        "cpu_s_per_full_poll",
        "results.poller.cpu_s_per_full_poll (median, best setting) <= target (0.5 core at"
            + " interval_s)");
    basis.put(
        "exporter_to_ours_cpu_per_varbind_ratio_min",
        "results.comparison.ratio_exporter_to_ours_per_value >= target");
    ObjectNode met = root.putObject("met");
    met.put("full_poll_wall_s", ourWall < TARGET_FULL_POLL_WALL_S);
    met.put("cpu_s_per_full_poll", ourCpu <= TARGET_CORE_FRACTION * intervalSeconds);
    if (ratioPerValue != null) {
      met.put("exporter_to_ours_cpu_per_varbind_ratio_min", ratioPerValue >= TARGET_EXPORTER_RATIO);
    } else {
      met.putNull("exporter_to_ours_cpu_per_varbind_ratio_min");
    }
    met.put("no_failures", bm.path("failures").asLong() == 0);

    ObjectNode summary = root.putObject("summary");
    summary.put("best_max_in_flight", best.path("max_in_flight").asInt());
    summary.put("full_poll_wall_s", ourWall);
    summary.put("our_cpu_s_per_full_poll", ourCpu);
    summary.put("our_cpu_s_per_million_varbinds", ourPerMvb);
    summary.put("core_fraction_at_interval", round3(ourCpu / intervalSeconds));
    summary.put("heap_after_full_gc_mb", best.path("heap_after_full_gc_mb").asLong());
    summary.put("failures", bm.path("failures").asLong());
    if (exporterNode != null) {
      summary.put(
          "exporter_full_pass_wall_s", exporterNode.path("median").path("wall_s").asDouble());
      summary.put(
          "exporter_cpu_s_per_million_varbinds",
          exporterNode.path("median").path("cpu_s_per_million_varbinds").asDouble());
      summary.put("ratio_exporter_to_ours_per_value", ratioPerValue);
    } else {
      summary.putNull("snmp_exporter");
    }
    summary.put("fleet_rss_mb", ProcCpu.rssMb(fleet.pid()));

    ArrayNode noteArray = root.putArray("notes");
    notes.forEach(noteArray::add);
    noteArray.add(
        "All "
            + Runtime.getRuntime().availableProcessors()
            + " cores are shared by this JVM, the fleet JVM (one thread answering every router)"
            + " and, in its passes, snmp_exporter and this JVM's HTTP driver: wall times are"
            + " bounded by the simulated fleet too, which real routers answering in parallel would"
            + " not be.");
    if (exporterNode != null) {
      noteArray.add(
          "Requests: snmp_exporter 0.21 walks each configured subtree with a GETBULK of its own"
              + " (one per column plus the GET of sysUpTime.0: "
              + exporterNode.path("median").path("snmp_requests").asLong()
              + " a pass here, each answered with max_repetitions varbinds, most past the column's"
              + " end and thrown away), where ours asks every column in one GETBULK trimmed to the"
              + " learned row count ("
              + bm.path("requests").asLong()
              + " a poll). Much of the difference in CPU, on both sides of the wire (fleet_cpu_s), "
              + "comes from that.");
      noteArray.add(
          "The exporter's passes are driven from this JVM over HTTP (driver_cpu_s, not counted for"
              + " either poller); with the exporter, the driver and the fleet all busy, its passes"
              + " are CPU-bound on this machine, so its wall time says little about it on a bigger"
              + " one.");
    }
    noteArray.add(
        "snmp_exporter only turns varbinds into Prometheus samples; rates and history are computed"
            + " later by Prometheus, whose CPU is not counted. Ours includes Telemetry (rates,"
            + " history, link judgement) in its CPU.");
    return root;
  }

  /** Whether setting {@code a} beats {@code b}: fewer failures, then less median CPU. */
  private static boolean better(ObjectNode a, ObjectNode b) {
    long fa = a.path("median").path("failures").asLong();
    long fb = b.path("median").path("failures").asLong();
    if (fa != fb) {
      return fa < fb;
    }
    return a.path("median").path("cpu_s").asDouble() < b.path("median").path("cpu_s").asDouble();
  }

  private record JsonHelper(ObjectNode n) {
    double d(String f) {
      return n.path(f).asDouble();
    }

    long l(String f) {
      return n.path(f).asLong();
    }
  }

  // ------------------------------------------------------------------------------------------
  // The fleet child JVM

  /** The child JVM running {@link TelemetryFleetMain}. */
  static final class Fleet implements AutoCloseable {
    final Process process;
    final String readyLine;
    private final BlockingQueue<String> lines;
    private final Writer in;

    private Fleet(Process process, String readyLine, BlockingQueue<String> lines) {
      this.process = process;
      this.readyLine = readyLine;
      this.lines = lines;
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    static Fleet start(
        int devices,
        int subInterfaces,
        Path secretsDir,
        int port,
        String heap,
        Path data,
        Duration timeout)
        throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path err = data.resolve("fleet.err");
      ProcessBuilder pb =
          new ProcessBuilder(
                  java,
                  "-Xmx" + heap,
                  "-cp",
                  System.getProperty("java.class.path"),
                  TelemetryFleetMain.class.getName(),
                  Integer.toString(devices),
                  Integer.toString(subInterfaces),
                  secretsDir.toString(),
                  Integer.toString(port))
              .redirectError(err.toFile());
      pb.environment().put("WAYLEAVE_LOG_LEVEL", "WARN");
      Process p = pb.start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException ignored) {
                  // the fleet ended
                }
              },
              "bench-fleet-stdout");
      reader.setDaemon(true);
      reader.start();
      long end = System.nanoTime() + timeout.toNanos();
      while (true) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("ready ")) {
          return new Fleet(p, line.substring(6), lines);
        }
        if (line != null && line.startsWith("failed ")) {
          p.waitFor(10, TimeUnit.SECONDS);
          p.destroyForcibly();
          throw new IllegalStateException("the fleet JVM could not start: " + line.substring(7));
        }
        if (!p.isAlive() && lines.isEmpty()) {
          throw new IllegalStateException(
              "the fleet JVM exited with status "
                  + p.exitValue()
                  + " before it was ready: "
                  + tail(err));
        }
        if (System.nanoTime() > end) {
          p.destroyForcibly();
          throw new IllegalStateException(
              "the fleet JVM was not ready within " + timeout.toSeconds() + " s: " + tail(err));
        }
      }
    }

    long pid() {
      return process.pid();
    }

    double cpuSeconds() {
      return ProcCpu.seconds(process.pid());
    }

    /** {received, answered, dropped, refused} datagrams since the fleet started. */
    long[] stats() throws IOException, InterruptedException {
      in.write("stats\n");
      in.flush();
      String line = lines.poll(30, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("stats ")) {
        throw new IllegalStateException(
            "the fleet JVM did not report its stats (got " + line + ")");
      }
      String[] f = line.substring(6).trim().split(" ");
      long[] out = new long[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] = Long.parseLong(f[i]);
      }
      return out;
    }

    private static String tail(Path err) {
      try {
        List<String> all = Files.readAllLines(err);
        return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
      } catch (IOException e) {
        return "(no " + err + ")";
      }
    }

    @Override
    public void close() throws InterruptedException {
      try {
        in.close(); // the fleet stops when its stdin closes
      } catch (IOException e) {
        // already gone
      }
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------

  private Duration remaining() {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IllegalStateException("gave up: --timeout-s " + timeoutSeconds + " passed");
    }
    return Duration.ofNanos(left);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static void progress(String fmt, Object... args) {
    PrintStream err = System.err;
    err.println("bench: " + String.format(fmt, args));
  }
}
