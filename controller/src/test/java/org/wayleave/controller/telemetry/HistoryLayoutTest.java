package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wayleave.controller.telemetry.HistoryLayout.Resolution;
import org.wayleave.controller.telemetry.HistoryLayout.Tier;

/** The tiers a poll interval gets, and which tier answers a query. */
class HistoryLayoutTest {
  static final long MINUTE = 60_000;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  /** Some time on 2026-11-22, not aligned to any tier. */
  static final long NOW = 1_795_345_937_123L;

  final HistoryLayout everyMinute =
      HistoryLayout.of(Duration.ofMinutes(1), Duration.ofDays(30), 256);

  @Test
  void aMinuteIntervalKeepsAnHourOfPollsADayOfFiveMinutesAndAMonthOfHours() {
    assertThat(everyMinute.tiers())
        .containsExactly(
            new Tier(MINUTE, 60, false),
            new Tier(5 * MINUTE, 288, true),
            new Tier(HOUR, 720, true));
    assertThat(everyMinute.retentionMillis()).isEqualTo(30 * DAY);
    // 128 key + 3 x 64 state + 60 x 6 + 288 x 12 + 720 x 12 bytes.
    assertThat(everyMinute.bytesPerRecord()).isEqualTo(128 + 192 + 360 + 3456 + 8640);
  }

  @Test
  void aTierNoCoarserThanThePollIntervalMergesIntoTheFinerOne() {
    assertThat(HistoryLayout.of(Duration.ofSeconds(10), Duration.ofDays(30), 1).tiers())
        .extracting(Tier::stepMillis, Tier::slots)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(10_000L, 360),
            org.assertj.core.groups.Tuple.tuple(5 * MINUTE, 288),
            org.assertj.core.groups.Tuple.tuple(HOUR, 720));
    assertThat(HistoryLayout.of(Duration.ofMinutes(10), Duration.ofDays(30), 1).tiers())
        .containsExactly(new Tier(10 * MINUTE, 144, false), new Tier(HOUR, 720, true));
    assertThat(HistoryLayout.of(Duration.ofHours(2), Duration.ofDays(30), 1).tiers())
        .containsExactly(new Tier(2 * HOUR, 360, false));
    // Kept only 3 hours: an hourly tier would hold nothing the 5-minute one does not.
    assertThat(HistoryLayout.of(Duration.ofMinutes(1), Duration.ofHours(3), 1).tiers())
        .containsExactly(new Tier(MINUTE, 60, false), new Tier(5 * MINUTE, 36, true));
  }

  Resolution byPoints(long span, int maxPoints) {
    return everyMinute.resolve(NOW - span, NOW, NOW, 0, maxPoints);
  }

  Resolution byStep(long span, long step) {
    return everyMinute.resolve(NOW - span, NOW, NOW, step, 0);
  }

  @Test
  void aPlotOfAtMost500PointsGetsTheFinestTierThatReachesBackAndFits() {
    assertThat(byPoints(HOUR, 500)).isEqualTo(new Resolution(0, 1, MINUTE));
    assertThat(byPoints(DAY, 500)).isEqualTo(new Resolution(1, 1, 5 * MINUTE));
    assertThat(byPoints(7 * DAY, 500)).isEqualTo(new Resolution(2, 1, HOUR));
    // 721 hourly slots: two to a point.
    assertThat(byPoints(30 * DAY, 500)).isEqualTo(new Resolution(2, 2, 2 * HOUR));
    // Older than any tier holds: the coarsest answers with what it has.
    assertThat(byPoints(90 * DAY, 500).tier()).isEqualTo(2);
  }

  @Test
  void fewPointsMergeSlotsOfWhicheverTierGivesTheFinerSpacing() {
    // An hour in 10 points: 7 polls a point (7 min) beats two 5-minute slots (10 min).
    assertThat(byPoints(HOUR, 10)).isEqualTo(new Resolution(0, 7, 7 * MINUTE));
    // A day in 10 points: 29 five-minute slots a point (145 min) beat three hours.
    assertThat(byPoints(DAY, 10)).isEqualTo(new Resolution(1, 29, 145 * MINUTE));
  }

  @Test
  void aPlotOfTheLastHourFromAClockALittleBehindStillGetsEveryPoll() {
    long browserNow = NOW - 2 * MINUTE;
    assertThat(everyMinute.resolve(browserNow - HOUR, browserNow, NOW, 0, 500).tier()).isZero();
    assertThat(everyMinute.resolve(NOW - 2 * HOUR, NOW - HOUR, NOW, 0, 500).tier()).isEqualTo(1);
  }

  @Test
  void aStepGetsTheFinestSpacingNoFinerThanIt() {
    assertThat(byStep(HOUR, 30_000)).isEqualTo(new Resolution(0, 1, MINUTE));
    // A tie goes to the coarser tier: fewer slots read, and it has peaks.
    assertThat(byStep(HOUR, 5 * MINUTE)).isEqualTo(new Resolution(1, 1, 5 * MINUTE));
    assertThat(byStep(HOUR, 7 * MINUTE)).isEqualTo(new Resolution(0, 7, 7 * MINUTE));
    assertThat(byStep(DAY, 7 * MINUTE)).isEqualTo(new Resolution(1, 2, 10 * MINUTE));
    assertThat(byStep(DAY, 90 * MINUTE)).isEqualTo(new Resolution(1, 18, 90 * MINUTE));
    assertThat(byStep(7 * DAY, MINUTE)).isEqualTo(new Resolution(2, 1, HOUR));
    assertThat(byStep(DAY, 2 * DAY)).isEqualTo(new Resolution(2, 48, 2 * DAY));
  }

  @Test
  void noRangeGetsMorePointsThanAsked() {
    for (long span : new long[] {MINUTE, 59 * MINUTE, HOUR, 5 * HOUR, DAY, 3 * DAY, 30 * DAY}) {
      for (int max : new int[] {1, 2, 7, 100, 500, 10_000}) {
        for (long since = NOW - span; since < NOW - span + HOUR; since += 7 * MINUTE + 13) {
          Resolution r = everyMinute.resolve(since, since + span, since + span, 0, max);
          long step = everyMinute.tiers().get(r.tier()).stepMillis();
          long first = Math.floorDiv(since, step);
          long slots = Math.floorDiv(since + span - 1, step) - first + 1;
          long points = (slots + r.group() - 1) / r.group();
          assertThat(points)
              .as("%d ms in at most %d points: %s", span, max, r)
              .isLessThanOrEqualTo(max);
        }
      }
    }
  }

  @Test
  void theHeaderDescribesTheLayout() {
    assertThat(HistoryLayout.describe(everyMinute.layoutBytes()))
        .isEqualTo(everyMinute.describe())
        .contains("PT1M", "60 x PT1M", "288 x PT5M (avg+max)", "720 x PT1H (avg+max)");
    assertThat(
            HistoryLayout.describe(
                HistoryLayout.of(Duration.ofSeconds(10), Duration.ofDays(30), 256).layoutBytes()))
        .isNotEqualTo(everyMinute.describe());
    assertThat(HistoryLayout.describe(java.nio.ByteBuffer.allocate(1024)))
        .isEqualTo("not a Wayleave rate history file");
  }
}
