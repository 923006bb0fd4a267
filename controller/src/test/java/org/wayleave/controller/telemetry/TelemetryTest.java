package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates from consecutive samples, and the discontinuities that drop them. */
class TelemetryTest {
  private static final long SECOND = 1_000_000_000L;
  private final List<String> changes = new ArrayList<>();
  private final Telemetry telemetry = newTelemetry();

  private Telemetry newTelemetry() {
    Telemetry t =
        new Telemetry(
            TelemetryConfig.defaults(),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            id -> id.equals("LPSN-CAM-0001") ? 100 : 0);
    t.onChange(changes::add);
    return t;
  }

  private static IfRow hc(int ifIndex, String name, long in, long out) {
    return new IfRow(ifIndex)
        .set(IfMib.Column.IF_NAME, name)
        .set(IfMib.Column.IF_ALIAS, "LPSN-CAM-0001")
        .set(IfMib.Column.IF_ADMIN_STATUS, 1)
        .set(IfMib.Column.IF_OPER_STATUS, 1)
        .set(IfMib.Column.IF_HIGH_SPEED, 1000)
        .set(IfMib.Column.IF_HC_IN_OCTETS, in)
        .set(IfMib.Column.IF_HC_OUT_OCTETS, out)
        .set(IfMib.Column.IF_IN_ERRORS, 0)
        .set(IfMib.Column.IF_OUT_ERRORS, 0)
        .set(IfMib.Column.IF_IN_DISCARDS, 0);
  }

  private static DeviceSample sample(long seconds, long uptimeTicks, IfRow... rows) {
    Map<Integer, IfRow> m = new HashMap<>();
    for (IfRow r : rows) {
      m.put(r.ifIndex, r);
    }
    return new DeviceSample(seconds * SECOND, seconds * 1000, uptimeTicks, m);
  }

  private Rates rates() {
    return telemetry.device("rtr").interfaces().get(0).rates();
  }

  @Test
  void firstSampleHasNoRates() {
    telemetry.polled("rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 1_000_000, 2_000_000)));
    assertThat(rates().inBps()).isNaN();
    assertThat(rates().outBps()).isNaN();
    assertThat(telemetry.device("rtr").reachable()).isTrue();
  }

  @Test
  void normalSamplesGiveBitsPerSecond() {
    telemetry.polled("rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 1_000_000, 2_000_000)));
    telemetry.polled(
        "rtr",
        sample(110, 11_000, hc(6, "ge-0/0/1.100", 1_000_000 + 12_500_000, 2_000_000 + 25_000_000)));
    assertThat(rates().inBps()).isEqualTo(10e6, within(1.0));
    assertThat(rates().outBps()).isEqualTo(20e6, within(1.0));
    assertThat(rates().problemsPerSecond()).isZero();
  }

  @Test
  void aPollSoonAfterTheLastKeepsItsRatesAndTheNextIsTakenOverTheWholeSpan() {
    telemetry.polled("rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 0, 0)));
    telemetry.polled("rtr", sample(110, 11_000, hc(6, "ge-0/0/1.100", 12_500_000, 0)));
    assertThat(rates().inBps()).isEqualTo(10e6, within(1.0));

    // One second later, with octets that over one second would read as 40 Mbit/s: too soon to
    // rate, so the 10 Mbit/s stands; the interface's state is new all the same.
    IfRow down = hc(6, "ge-0/0/1.100", 17_500_000, 0).set(IfMib.Column.IF_OPER_STATUS, 2);
    telemetry.polled("rtr", sample(111, 11_100, down));
    assertThat(rates().inBps()).isEqualTo(10e6, within(1.0));
    assertThat(telemetry.device("rtr").interfaces().get(0).operStatus()).isEqualTo(2);

    // The next is rated from the last measured poll (110 s), over 10 s.
    telemetry.polled("rtr", sample(120, 12_000, hc(6, "ge-0/0/1.100", 25_000_000, 0)));
    assertThat(rates().inBps()).isEqualTo(10e6, within(1.0));
  }

  @Test
  void theShortestRateSpanIsHalfAShortPollInterval() {
    Telemetry fast =
        new Telemetry(
            TelemetryConfig.defaults().withInterval(java.time.Duration.ofSeconds(2)),
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
            id -> 0);
    assertThat(fast.minRateSeconds()).isEqualTo(1.0);
    assertThat(telemetry.minRateSeconds()).isEqualTo(Telemetry.MIN_RATE_SECONDS);
  }

  @Test
  void rebootDropsTheSampleInsteadOfASpike() {
    telemetry.polled(
        "rtr", sample(100, 10_000_000, hc(6, "ge-0/0/1.100", 900_000_000_000L, 900_000_000_000L)));
    // Rebooted: uptime back to 5 s, counters from zero.
    telemetry.polled("rtr", sample(110, 500, hc(6, "ge-0/0/1.100", 1_000, 1_000)));
    assertThat(rates().inBps()).isNaN();
    assertThat(telemetry.droppedSamples()).isEqualTo(1);
    // The next sample rates from the post-reboot base.
    telemetry.polled("rtr", sample(120, 1_500, hc(6, "ge-0/0/1.100", 1_000 + 1_250_000, 1_000)));
    assertThat(rates().inBps()).isEqualTo(1e6, within(1.0));
  }

  @Test
  void counterResetWithoutRebootDropsThatCounter() {
    telemetry.polled(
        "rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 5_000_000_000_000L, 5_000_000L)));
    telemetry.polled("rtr", sample(110, 11_000, hc(6, "ge-0/0/1.100", 10, 5_000_000L + 1_250_000)));
    assertThat(rates().inBps()).isNaN();
    assertThat(rates().outBps()).isEqualTo(1e6, within(1.0));
  }

  @Test
  void thirtyTwoBitFallbackWithoutIfXTable() {
    IfRow a =
        new IfRow(3)
            .set(IfMib.Column.IF_DESCR, "ge-0/0/1")
            .set(IfMib.Column.IF_SPEED, 100_000_000)
            .set(IfMib.Column.IF_OPER_STATUS, 1)
            .set(IfMib.Column.IF_ADMIN_STATUS, 1)
            .set(IfMib.Column.IF_IN_OCTETS, 4_294_000_000L)
            .set(IfMib.Column.IF_OUT_OCTETS, 0);
    IfRow b =
        new IfRow(3)
            .set(IfMib.Column.IF_DESCR, "ge-0/0/1")
            .set(IfMib.Column.IF_SPEED, 100_000_000)
            .set(IfMib.Column.IF_OPER_STATUS, 1)
            .set(IfMib.Column.IF_ADMIN_STATUS, 1)
            .set(IfMib.Column.IF_IN_OCTETS, 1_250_000 - (4_294_967_296L - 4_294_000_000L))
            .set(IfMib.Column.IF_OUT_OCTETS, 0);
    telemetry.polled("rtr", sample(100, 10_000, a));
    telemetry.polled("rtr", sample(110, 11_000, b));
    Telemetry.InterfaceView v = telemetry.device("rtr").interfaces().get(0);
    assertThat(v.name()).isEqualTo("ge-0/0/1");
    assertThat(v.rates().inBps()).isEqualTo(1e6, within(1.0));
  }

  @Test
  void missingColumnsLeaveThoseRatesUnknownAndTheRestMeasured() {
    IfRow a =
        new IfRow(6)
            .set(IfMib.Column.IF_NAME, "x")
            .set(IfMib.Column.IF_HC_IN_OCTETS, 0)
            .set(IfMib.Column.IF_OPER_STATUS, 1);
    IfRow b =
        new IfRow(6)
            .set(IfMib.Column.IF_NAME, "x")
            .set(IfMib.Column.IF_HC_IN_OCTETS, 1_250_000)
            .set(IfMib.Column.IF_OPER_STATUS, 1);
    telemetry.polled("rtr", sample(100, 10_000, a));
    telemetry.polled("rtr", sample(110, 11_000, b));
    assertThat(rates().inBps()).isEqualTo(1e6, within(1.0));
    assertThat(rates().outBps()).isNaN();
    assertThat(rates().inErrorsPerSecond()).isNaN();
    assertThat(rates().problemsPerSecond()).isNaN();
  }

  @Test
  void anInterfaceRenamedUnderItsIndexStartsAfresh() {
    telemetry.polled("rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 0, 0)));
    telemetry.polled("rtr", sample(110, 11_000, hc(6, "ge-0/0/1.200", 1_250_000, 0)));
    assertThat(rates().inBps()).isNaN();
  }

  @Test
  void changeListenerHearsOnlyWhatMattersForCircuits() {
    telemetry.polled("rtr", sample(100, 10_000, hc(6, "ge-0/0/1.100", 0, 0)));
    telemetry.polled("rtr", sample(110, 11_000, hc(6, "ge-0/0/1.100", 1_250_000, 1_250_000)));
    telemetry.polled("rtr", sample(120, 12_000, hc(6, "ge-0/0/1.100", 2_500_000, 2_500_000)));
    // first sample, then the first rate (unknown -> known); steady traffic after that says nothing
    // new
    assertThat(changes).containsExactly("rtr", "rtr");
    // 120 Mbit/s on a 100 Mbit/s circuit crosses the 90 % threshold
    telemetry.polled(
        "rtr", sample(130, 13_000, hc(6, "ge-0/0/1.100", 2_500_000 + 150_000_000, 2_500_000)));
    assertThat(changes).hasSize(3);
    telemetry.failed("rtr", "no answer");
    assertThat(changes).hasSize(4);
    assertThat(telemetry.device("rtr").reachable()).isFalse();
    assertThat(telemetry.device("rtr").reason()).isEqualTo("no answer");
    assertThat(telemetry.device("rtr").interfaces()).hasSize(1);
  }

  @Test
  void historyKeepsOnePointPerPoll() {
    for (int i = 0; i <= 6; i++) {
      telemetry.polled(
          "rtr",
          sample(100 + 10L * i, 10_000 + 1_000L * i, hc(6, "ge-0/0/1.100", 1_250_000L * i, 0)));
    }
    List<RateHistory.Point> h = telemetry.history("rtr", "ge-0/0/1.100", 0, Long.MAX_VALUE);
    // The first poll measured nothing, so it leaves no point.
    assertThat(h).hasSize(6);
    assertThat(h.get(0).epochMillis()).isEqualTo(110_000);
    assertThat(h.get(5).inBps()).isEqualTo(1e6, within(1e3));
    assertThat(h.get(5).epochMillis()).isEqualTo(160_000);
  }
}
