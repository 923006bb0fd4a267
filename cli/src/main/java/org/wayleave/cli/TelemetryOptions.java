package org.wayleave.cli;

import java.nio.file.Path;
import java.time.Duration;
import org.wayleave.controller.telemetry.TelemetryConfig;
import picocli.CommandLine.Option;

/** The controller's SNMP polling options, shared by {@code controller} and {@code demo}. */
final class TelemetryOptions {
  @Option(
      names = "--secrets",
      paramLabel = "DIR",
      description =
          "Directory of secrets named by reference, one file each: snmp/rtr-camden-01/auth is"
              + " DIR/snmp/rtr-camden-01/auth (default: DATA/secrets).")
  Path secrets;

  @Option(
      names = "--poll-interval",
      converter = ApplyCommand.DurationConverter.class,
      paramLabel = "D",
      description =
          "How often every router is polled over SNMP (default: 60s for controller, 10s for demo)."
              + " Rate history (every poll for an hour, 5-minute averages and peaks for a day,"
              + " hourly ones for 30 days) is kept in DATA/telemetry/rates.dat: 12.5 KiB per"
              + " interface at 60s, 14.2 KiB at 10s; changing the interval starts a fresh file"
              + " and sets the old one aside.")
  Duration interval;

  @Option(
      names = "--snmp-timeout",
      defaultValue = "2s",
      converter = ApplyCommand.DurationConverter.class,
      paramLabel = "D",
      description = "How long one SNMP request waits for its answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--snmp-retries",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "How often an unanswered SNMP request is sent again (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--utilisation-threshold",
      defaultValue = "0.9",
      paramLabel = "F",
      description =
          "Share of a circuit's committed bandwidth above which it is DEGRADED (default:"
              + " ${DEFAULT-VALUE}).")
  double utilisationThreshold;

  @Option(
      names = "--no-telemetry",
      description = "Do not poll routers: circuits go ACTIVE on their agent's report alone.")
  boolean off;

  /**
   * @throws IllegalArgumentException naming the option when a value is out of range
   */
  TelemetryConfig config(Duration defaultInterval) {
    TelemetryConfig d = TelemetryConfig.defaults();
    return new TelemetryConfig(
        !off,
        interval != null ? interval : defaultInterval,
        timeout,
        retries,
        d.maxInFlight(),
        d.maxRepetitions(),
        utilisationThreshold,
        d.errorsPerSecondThreshold(),
        d.history());
  }

  Path secretsDir(Path data) {
    return secrets != null ? secrets : data.resolve("secrets");
  }
}
