package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One interface's tiers: consolidation as polls arrive, gaps, ring wrap, merged points. */
class RateHistoryTest {
  static final long MINUTE = 60_000;
  static final long HOUR = 60 * MINUTE;

  /** Polls every minute, kept 30 days: every poll for an hour, 5 minutes for a day, then hours. */
  final HistoryLayout layout = HistoryLayout.of(Duration.ofMinutes(1), Duration.ofDays(30), 1);

  final RateHistory h = fresh(layout);

  static RateHistory fresh(HistoryLayout layout) {
    ByteBuffer segment =
        ByteBuffer.allocate((int) layout.segmentBytes()).order(HistoryLayout.ORDER);
    RateHistory h = new RateHistory(layout, segment, 0);
    h.reset();
    return h;
  }

  static Rates in(double bps) {
    return new Rates(bps, bps / 2, 0, 0, 0);
  }

  /** A poll every minute from {@code fromMinute} to before {@code toMinute}, all at {@code bps}. */
  static void everyMinute(RateHistory h, long fromMinute, long toMinute, double bps) {
    for (long m = fromMinute; m < toMinute; m++) {
      h.add(m * MINUTE, in(bps), 60);
    }
  }

  List<RateHistory.Point> read(int tier, long from, long to) {
    long step = layout.tiers().get(tier).stepMillis();
    return h.range(from, to, new HistoryLayout.Resolution(tier, 1, step));
  }

  @Test
  void fiveMinutePointsAverageTheirPollsAndKeepTheHighest() {
    double[] minutes = {1e6, 2e6, 3e6, 4e6, 10e6};
    for (int m = 0; m < 5; m++) {
      h.add(m * MINUTE, in(minutes[m]), 60);
    }
    h.add(5 * MINUTE, in(7e6), 60); // the next slot: the first is written to the ring
    List<RateHistory.Point> p = read(1, 0, 10 * MINUTE);
    assertThat(p).extracting(RateHistory.Point::epochMillis).containsExactly(0L, 5 * MINUTE);
    assertThat(p.get(0).inBps()).isCloseTo(4e6, within(4e6 * 0.001));
    assertThat(p.get(0).inBpsMax()).isCloseTo(10e6, within(10e6 * 0.001));
    assertThat(p.get(0).outBps()).isCloseTo(2e6, within(2e6 * 0.001));
    assertThat(p.get(0).problemsPerSecond()).isZero();
    // The slot still accumulating is read too, so a coarse plot's newest point is not an hour old.
    assertThat(p.get(1).inBps()).isCloseTo(7e6, within(7e3));
    assertThat(p.get(1).inBpsMax()).isCloseTo(7e6, within(7e3));
  }

  @Test
  void averagesWeighEachPollByTheSecondsItMeasured() {
    // An early poll 10 s after a scheduled one, then the next scheduled one 50 s later.
    h.add(0, in(30e6), 60);
    h.add(10_000, in(60e6), 10);
    h.add(60_000, in(0), 50);
    List<RateHistory.Point> fiveMin = read(1, 0, 5 * MINUTE);
    // 30 Mbit/s for 60 s, 60 for 10 s, 0 for 50 s: 2,400 Mbit over 120 s.
    assertThat(fiveMin.get(0).inBps()).isCloseTo(20e6, within(20e3));
    assertThat(fiveMin.get(0).inBpsMax()).isCloseTo(60e6, within(60e3));
    // At the poll interval the two polls of minute 0 make one point, weighed the same way.
    List<RateHistory.Point> raw = read(0, 0, 2 * MINUTE);
    assertThat(raw).hasSize(2);
    assertThat(raw.get(0).inBps()).isCloseTo(2400e6 / 70, within(2400e6 / 70 * 0.001));
    assertThat(raw.get(0).inBpsMax()).as("a poll-interval point has no peak").isNaN();
  }

  @Test
  void aPollOnASlotBoundaryStartsTheNextSlot() {
    h.add(5 * MINUTE - 1, in(1e6), 60);
    h.add(5 * MINUTE, in(3e6), 60);
    h.add(10 * MINUTE - 1, in(5e6), 60);
    List<RateHistory.Point> p = read(1, 0, 10 * MINUTE);
    assertThat(p).extracting(RateHistory.Point::epochMillis).containsExactly(0L, 5 * MINUTE);
    assertThat(p.get(0).inBps()).isCloseTo(1e6, within(1e3));
    assertThat(p.get(1).inBps()).isCloseTo(4e6, within(4e3));
    assertThat(p.get(1).inBpsMax()).isCloseTo(5e6, within(5e3));
  }

  @Test
  void slotsNoPollReachedReadAsMissing() {
    everyMinute(h, 0, 5, 1e6);
    everyMinute(h, 20, 22, 2e6);
    assertThat(read(1, 0, 30 * MINUTE))
        .extracting(RateHistory.Point::epochMillis)
        .containsExactly(0L, 20 * MINUTE);
    assertThat(read(0, 0, 30 * MINUTE))
        .extracting(RateHistory.Point::epochMillis)
        .containsExactly(0L, MINUTE, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE, 20 * MINUTE, 21 * MINUTE);
  }

  @Test
  void aPollThatMeasuredNothingLeavesNoPoint() {
    h.add(0, Rates.NONE, 0);
    h.add(MINUTE, in(1e6), 60);
    h.add(2 * MINUTE, new Rates(Double.NaN, 5e6, Double.NaN, Double.NaN, Double.NaN), 60);
    List<RateHistory.Point> p = read(0, 0, HOUR);
    assertThat(p).extracting(RateHistory.Point::epochMillis).containsExactly(MINUTE, 2 * MINUTE);
    assertThat(p.get(1).inBps()).isNaN();
    assertThat(p.get(1).outBps()).isCloseTo(5e6, within(5e3));
    // The 5-minute point averages each value over the polls that measured it.
    RateHistory.Point five = read(1, 0, HOUR).get(0);
    assertThat(five.inBps()).isCloseTo(1e6, within(1e3));
    assertThat(five.outBps()).isCloseTo(2.75e6, within(3e3));
  }

  @Test
  void aGapOverwritesWhatTheRingHeldThereBefore() {
    everyMinute(h, 0, 60, 1e6); // a full hour at every poll
    everyMinute(h, 90, 101, 2e6); // half an hour silent, then polls again
    List<RateHistory.Point> p = read(0, 0, 2 * HOUR);
    // Minutes 41-59 are still within the hour the ring holds; 60-89 are missing, not last hour's.
    assertThat(p).hasSize(19 + 11);
    assertThat(p.get(0).epochMillis()).isEqualTo(41 * MINUTE);
    assertThat(p.get(19).epochMillis()).isEqualTo(90 * MINUTE);
    assertThat(p.get(19).inBps()).isCloseTo(2e6, within(2e3));
  }

  @Test
  void eachTierWrapsAfterItsSpan() {
    everyMinute(h, 0, 31 * 24 * 60, 1e6);
    long now = 31 * 24 * HOUR;
    List<RateHistory.Point> raw = read(0, 0, now);
    assertThat(raw).hasSize(60);
    assertThat(raw.get(0).epochMillis()).isEqualTo(now - HOUR);
    List<RateHistory.Point> fiveMin = read(1, 0, now);
    assertThat(fiveMin).hasSize(288);
    assertThat(fiveMin.get(0).epochMillis()).isEqualTo(now - 24 * HOUR);
    List<RateHistory.Point> hourly = read(2, 0, now);
    assertThat(hourly).hasSize(720);
    assertThat(hourly.get(0).epochMillis()).isEqualTo(now - 30 * 24 * HOUR);
    assertThat(hourly).allSatisfy(x -> assertThat(x.inBps()).isCloseTo(1e6, within(1e3)));
  }

  @Test
  void aPollOlderThanTheSlotBeingFilledIsIgnored() {
    h.add(10 * MINUTE, in(1e6), 60);
    h.add(2 * MINUTE, in(9e6), 60); // the wall clock went back
    assertThat(read(0, 0, HOUR)).hasSize(1);
    assertThat(read(1, 0, HOUR).get(0).inBpsMax()).isCloseTo(1e6, within(1e3));
  }

  @Test
  void mergedPointsAverageTheirSlotsAndKeepTheHighest() {
    double[] values = {1e6, 2e6, 3e6, 4e6, 5e6, 6e6};
    for (int m = 0; m < values.length; m++) {
      h.add(m * MINUTE, in(values[m]), 60);
    }
    // Three poll-interval slots a point, counted from the range's start.
    List<RateHistory.Point> p =
        h.range(0, 6 * MINUTE, new HistoryLayout.Resolution(0, 3, 3 * MINUTE));
    assertThat(p).extracting(RateHistory.Point::epochMillis).containsExactly(0L, 3 * MINUTE);
    assertThat(p.get(0).inBps()).isCloseTo(2e6, within(2e3));
    assertThat(p.get(0).inBpsMax()).isCloseTo(3e6, within(3e3));
    assertThat(p.get(1).inBps()).isCloseTo(5e6, within(5e3));
    assertThat(p.get(1).inBpsMax()).isCloseTo(6e6, within(6e3));
  }

  @Test
  void codesKeepRatesWithinATenthOfAPerCent() {
    for (double v : new double[] {1, 999, 1e6, 123_456_789, 1e12}) {
      assertThat(RateHistory.decode(RateHistory.encode(v))).isCloseTo(v, within(v * 0.001));
    }
    assertThat(RateHistory.encode(Double.NaN)).isEqualTo(RateHistory.MISSING);
    assertThat(RateHistory.decode(RateHistory.MISSING)).isNaN();
  }
}
