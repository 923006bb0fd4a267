package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The southbound harness stops with a message, not a hang, when open files would run out. */
class SouthboundLimitsTest {
  @Test
  void tenThousandRoutersUnderATwentyThousandLimitAreRefusedSayingWhatToRaise() {
    String why = SouthboundBenchmark.checkFileDescriptors(10_000, 20_000, 40);
    assertThat(why)
        .isEqualTo(
            "the limit on open files is 20000 but 10000 routers need 20256 (in the simulator: a TCP"
                + " connection and a UDP socket per router, plus 256 spare): raise it (ulimit -n"
                + " 20256, or the hard limit in /etc/security/limits.conf) or use fewer --devices"
                + " (at most 9872 here)");
  }

  @Test
  void whatFitsIsLetThrough() {
    assertThat(SouthboundBenchmark.checkFileDescriptors(9_872, 20_000, 40)).isNull();
    assertThat(SouthboundBenchmark.checkFileDescriptors(10, 1_024, 100)).isNull();
  }

  @Test
  void thisMachineIsJudgedByItsOwnLimit() {
    assertThat(SouthboundBenchmark.checkFileDescriptors(Integer.MAX_VALUE / 4))
        .contains("ulimit -n");
    assertThat(SouthboundBenchmark.checkFileDescriptors(1)).isNull();
  }
}
