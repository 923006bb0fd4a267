package org.wayleave.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.telemetry.TelemetryConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The telemetry benchmark's command-line flags (a picocli mixin of {@link TelemetryBenchmark}), the
 * checks on them, and the poller configuration they make.
 */
final class TelemetryOptions {
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
              + TelemetryBenchmark.PHYSICAL_PORTS
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

  /** Interfaces on each router: its ports and its sub-interfaces. */
  int interfacesPerRouter() {
    return TelemetryBenchmark.PHYSICAL_PORTS + subInterfaces;
  }

  /** Our poller's configuration at {@code maxInFlight}, the rest from these flags. */
  TelemetryConfig config(int maxInFlight) {
    return new TelemetryConfig(
        true,
        Duration.ofSeconds(intervalSeconds),
        Duration.ofMillis(snmpTimeoutMs),
        snmpRetries,
        maxInFlight,
        maxRepetitions,
        0.9,
        1.0,
        TelemetryConfig.DEFAULT_HISTORY);
  }

  /** Fails with a usage error for a setting out of bounds. */
  void validate(CommandLine cl) {
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
}
