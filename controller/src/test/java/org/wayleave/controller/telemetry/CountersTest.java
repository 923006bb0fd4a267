package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CountersTest {
  private static final double GIG_OCTETS = 1e9 / 8;

  @Test
  void normalIncreaseIsTheDifference() {
    assertThat(Counters.delta64(1_000, 1_500_000, 10, GIG_OCTETS)).isEqualTo(1_499_000);
    assertThat(Counters.delta32(1_000, 1_500_000, 10, GIG_OCTETS)).isEqualTo(1_499_000);
  }

  @Test
  void thirtyTwoBitWrapCountsThroughTheTop() {
    long prev = 4_294_967_000L;
    long cur = 704;
    assertThat(Counters.delta32(prev, cur, 10, GIG_OCTETS)).isEqualTo(1_000);
  }

  @Test
  void thirtyTwoBitValuesAreReadByTheirLowBits() {
    // A 32-bit counter handed over in a long with junk above bit 31 still counts right.
    assertThat(Counters.delta32(0x1_0000_0010L, 0x2_0000_0020L, 10, 0)).isEqualTo(16);
  }

  @Test
  void sixtyFourBitWrapCountsThroughTheTop() {
    long prev = -1_000L; // 2^64 - 1000, unsigned
    long cur = 500;
    assertThat(Counters.delta64(prev, cur, 10, GIG_OCTETS)).isEqualTo(1_500);
  }

  @Test
  void sixtyFourBitIncreaseAboveSignedRangeIsUnsigned() {
    long prev = Long.MAX_VALUE - 10;
    long cur = Long.MAX_VALUE + 10L; // wraps to negative as signed, is larger unsigned
    assertThat(Counters.delta64(prev, cur, 10, 0)).isEqualTo(20);
  }

  @Test
  void counterResetWithoutRebootIsADiscontinuity() {
    // 64-bit: falling from 5e12 to 1000 would mean ~1.8e19 octets in 10 s: impossible.
    assertThat(Counters.delta64(5_000_000_000_000L, 1_000, 10, GIG_OCTETS)).isNaN();
    // 32-bit on a 10 Mbit/s link: a "wrap" implying 4e9 octets in 10 s is far above line rate.
    assertThat(Counters.delta32(400_000_000L, 1_000, 10, 10e6 / 8)).isNaN();
  }

  @Test
  void unknownSpeedJudgesAWrapByHalfTheRange() {
    assertThat(Counters.delta32(4_294_000_000L, 100, 10, 0)).isEqualTo(967_396, within(0.1));
    assertThat(Counters.delta32(1_000, 10, 10, 0)).isNaN();
  }

  @Test
  void sysUpTimeBackwardsIsARestart() {
    assertThat(Counters.restarted(500_000, 300, 10)).isTrue();
  }

  @Test
  void sysUpTimeAdvancingWithTheClockIsNoRestart() {
    assertThat(Counters.restarted(500_000, 501_000, 10)).isFalse();
  }

  @Test
  void sysUpTimeWrapAfter497DaysIsNoRestart() {
    long prev = 4_294_967_000L;
    long cur = 704; // prev + 1000 ticks (10 s) - 2^32
    assertThat(Counters.restarted(prev, cur, 10)).isFalse();
  }

  @Test
  void uptimeShorterThanTheGapIsARestart() {
    // Polled 60 s apart; the agent has been up for 30 s: it restarted in between.
    assertThat(Counters.restarted(1_000, 3_000, 60)).isTrue();
  }

  @Test
  void unknownUptimeCannotTellARestart() {
    assertThat(Counters.restarted(-1, 100, 10)).isFalse();
    assertThat(Counters.restarted(100, -1, 10)).isFalse();
  }
}
