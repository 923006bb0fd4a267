package org.wayleave.controller.telemetry;

import java.time.Duration;

/**
 * How the controller polls routers and judges links.
 *
 * @param enabled whether routers are polled at all; when off, circuits go ACTIVE on the agent's
 *     word alone and their LinkUp condition says telemetry is disabled
 * @param interval time between two polls of one router
 * @param timeout how long one SNMP request waits for its answer
 * @param retries how many times an unanswered request is sent again
 * @param maxInFlight most routers polled at the same time
 * @param maxRepetitions GETBULK max-repetitions for routers whose settings leave it 0
 * @param utilisationThreshold utilisation of the committed bandwidth (0.9 = 90 %) above which a
 *     circuit is DEGRADED (WithinCapacity false)
 * @param errorsPerSecondThreshold errors and discards per second above which a circuit is DEGRADED
 * @param history how far back rate history reaches (30 days by default): every poll for the newest
 *     hour, 5-minute averages and peaks for a day, hourly ones beyond ({@link HistoryLayout}); at
 *     most 366 days
 */
public record TelemetryConfig(
    boolean enabled,
    Duration interval,
    Duration timeout,
    int retries,
    int maxInFlight,
    int maxRepetitions,
    double utilisationThreshold,
    double errorsPerSecondThreshold,
    Duration history) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_HISTORY = Duration.ofDays(30);

  /** Longer would make each interface's record (hourly points) large for little use. */
  static final Duration MAX_HISTORY = Duration.ofDays(366);

  public TelemetryConfig {
    positive("interval", interval);
    positive("timeout", timeout);
    positive("history", history);
    if (history.compareTo(MAX_HISTORY) > 0) {
      throw new IllegalArgumentException(
          "telemetry history must be at most "
              + MAX_HISTORY.toDays()
              + " days (got "
              + history
              + ")");
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException(
          "telemetry retries must be within 0-10 (got " + retries + ")");
    }
    if (maxInFlight < 1 || maxInFlight > 100_000) {
      throw new IllegalArgumentException(
          "telemetry maxInFlight must be within 1-100000 (got " + maxInFlight + ")");
    }
    if (maxRepetitions < 1 || maxRepetitions > 1000) {
      throw new IllegalArgumentException(
          "telemetry maxRepetitions must be within 1-1000 (got " + maxRepetitions + ")");
    }
    if (!(utilisationThreshold > 0)) {
      throw new IllegalArgumentException(
          "telemetry utilisationThreshold must be above 0 (got " + utilisationThreshold + ")");
    }
    if (!(errorsPerSecondThreshold >= 0)) {
      throw new IllegalArgumentException(
          "telemetry errorsPerSecondThreshold must be 0 or more (got "
              + errorsPerSecondThreshold
              + ")");
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "telemetry " + name + " must be a positive duration (got " + d + ")");
    }
  }

  /**
   * Defaults: a poll every 10 s, 2 s timeout, 1 retry, 256 routers at once, 25 repetitions, 90 %, 1
   * error/s, 30 days of history.
   */
  public static TelemetryConfig defaults() {
    return new TelemetryConfig(
        true, DEFAULT_INTERVAL, Duration.ofSeconds(2), 1, 256, 25, 0.9, 1.0, DEFAULT_HISTORY);
  }

  /** Polling off. */
  public static TelemetryConfig disabled() {
    return withEnabled(defaults(), false);
  }

  public TelemetryConfig withInterval(Duration d) {
    return new TelemetryConfig(
        enabled,
        d,
        timeout,
        retries,
        maxInFlight,
        maxRepetitions,
        utilisationThreshold,
        errorsPerSecondThreshold,
        history);
  }

  public TelemetryConfig withTimeout(Duration d, int retries) {
    return new TelemetryConfig(
        enabled,
        interval,
        d,
        retries,
        maxInFlight,
        maxRepetitions,
        utilisationThreshold,
        errorsPerSecondThreshold,
        history);
  }

  private static TelemetryConfig withEnabled(TelemetryConfig c, boolean on) {
    return new TelemetryConfig(
        on,
        c.interval,
        c.timeout,
        c.retries,
        c.maxInFlight,
        c.maxRepetitions,
        c.utilisationThreshold,
        c.errorsPerSecondThreshold,
        c.history);
  }
}
