package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.telemetry.SnmpPoller;
import org.wayleave.controller.telemetry.Telemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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
 *
 * <p>This class is the command: it checks the flags ({@link TelemetryOptions}), starts the fleet
 * ({@link TelemetryFleet}), has {@link PollerPhase} and {@link ExporterPhase} measure, and writes
 * {@link TelemetryReport}'s JSON.
 */
@Command(
    name = "telemetry-benchmark",
    mixinStandardHelpOptions = true,
    description =
        "One full SNMP poll of a simulated fleet: wall time, CPU per poll and per varbind, ours vs"
            + " prometheus-snmp-exporter.")
public final class TelemetryBenchmark implements Callable<Integer> {
  static final int PHYSICAL_PORTS = 5;

  @Mixin TelemetryOptions options = new TelemetryOptions();

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TelemetryBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    TelemetryOptions o = options;
    o.validate(spec.commandLine());
    Instant started = Instant.now();
    Deadline deadline = new Deadline(o.timeoutSeconds);
    Path cwd = Path.of("").toAbsolutePath();
    Path data =
        o.dir != null
            ? o.dir.toAbsolutePath()
            : BenchPaths.defaultDataDir(cwd, "telemetry", BenchPaths.STAMP_MILLIS);
    Path outFile = o.out != null ? o.out.toAbsolutePath() : BenchPaths.defaultOut(cwd, "telemetry");
    Files.createDirectories(data);
    String fds = TelemetryFleetMain.checkFileDescriptors(o.devices);
    if (fds != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--devices " + o.devices + ": " + fds);
    }

    List<Resource> inventory = Seeds.withSnmpPort(Seeds.scale(o.devices), o.snmpPort);
    List<Device> routers =
        inventory.stream().filter(Resource::hasDevice).map(Resource::getDevice).toList();
    DirectorySecretProvider secrets = new DirectorySecretProvider(data.resolve("secrets"));
    secrets.generateMissing(Seeds.secretRefs(inventory));
    CpuUse machineCpu = new CpuUse();
    Progress progress = Progress.toStderr();

    progress.say(
        "fleet: %d routers x %d interfaces in a child JVM (SNMP v2c, 127.16.x.y:%d)",
        o.devices, o.interfacesPerRouter(), o.snmpPort);
    try (TelemetryFleet fleet =
        TelemetryFleet.start(
            o.devices,
            o.subInterfaces,
            secrets.dir(),
            o.snmpPort,
            o.fleetHeap,
            data,
            deadline.remaining())) {
      progress.say("fleet ready: %s", fleet.readyLine());
      PollerPhase.Result poller =
          new PollerPhase(o, routers, secrets, fleet, deadline, progress, data).run();
      ExporterPhase.Outcome exporter =
          new ExporterPhase(o, fleet, deadline, progress)
              .run(routers, secrets, data.resolve("snmp_exporter"));
      double[] busy = machineCpu.since();
      ObjectNode root =
          TelemetryReport.build(
              o, new TelemetryReport.Run(started, cwd, data, busy, fleet.pid()), poller, exporter);
      BenchJson.write(outFile, root);
      System.out.println(BenchJson.pretty(root.path("summary")));
      System.out.println("written to " + BenchPaths.shown(cwd, outFile));
      return 0;
    }
  }
}
