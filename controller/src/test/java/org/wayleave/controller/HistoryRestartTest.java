package org.wayleave.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.RateHistory;
import org.wayleave.controller.telemetry.TelemetryConfig;

/** A controller that polls keeps its rate history in its data directory across a restart. */
class HistoryRestartTest {
  static final long MINUTE = 60_000;
  static final long HOUR = 60 * MINUTE;

  @TempDir Path dir;

  ControllerConfig config() {
    return ControllerConfig.forTest(dir)
        .withTelemetry(TelemetryConfig.defaults().withInterval(Duration.ofMinutes(1)), null);
  }

  /** Minute {@code i} of polls from {@code start}: 8 Mbit/s in, 100 kB a minute more each time. */
  static DeviceSample poll(long start, int i) {
    IfRow row =
        new IfRow(6)
            .set(IfMib.Column.IF_NAME, "ge-0/0/1")
            .set(IfMib.Column.IF_ADMIN_STATUS, 1)
            .set(IfMib.Column.IF_OPER_STATUS, 1)
            .set(IfMib.Column.IF_HIGH_SPEED, 1000)
            .set(IfMib.Column.IF_HC_IN_OCTETS, 60_000_000L * i)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, 100_000L * i * i);
    return new DeviceSample(
        i * 60_000_000_000L, start + i * MINUTE, 100_000 + 6_000L * i, Map.of(6, row));
  }

  @Test
  void historySurvivesARestart() throws Exception {
    // On a 5-minute boundary, so that 30 minutes of polls make 7 five-minute points.
    long start = (System.currentTimeMillis() - 40 * MINUTE) / (5 * MINUTE) * (5 * MINUTE);
    List<RateHistory.Point> hour;
    List<RateHistory.Point> fiveMinutes;
    HistoryLayout.Resolution byFive = new HistoryLayout.Resolution(1, 1, 5 * MINUTE);
    try (Controller c = Controller.start(config())) {
      for (int i = 0; i <= 30; i++) {
        c.telemetry().polled("rtr-test-01", poll(start, i));
      }
      hour = c.telemetry().history("rtr-test-01", "ge-0/0/1", start, start + HOUR);
      fiveMinutes = c.telemetry().history("rtr-test-01", "ge-0/0/1", start, start + HOUR, byFive);
    }
    assertThat(hour).hasSize(30);
    assertThat(hour.get(0).inBps()).isCloseTo(8e6, offset(8e3));
    assertThat(fiveMinutes).hasSize(7);
    assertThat(dir.resolve("telemetry").resolve("rates.dat")).isNotEmptyFile();

    try (Controller c = Controller.start(config())) {
      assertThat(c.telemetry().history("rtr-test-01", "ge-0/0/1", start, start + HOUR))
          .isEqualTo(hour);
      assertThat(c.telemetry().history("rtr-test-01", "ge-0/0/1", start, start + HOUR, byFive))
          .isEqualTo(fiveMinutes);
      assertThat(c.telemetry().historyBytes()).isLessThan(1_000);
      assertThat(c.telemetry().historyDiskBytes()).isPositive();
    }
  }
}
