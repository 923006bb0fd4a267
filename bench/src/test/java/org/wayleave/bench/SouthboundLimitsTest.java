package org.wayleave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The southbound harness spreads the simulated routers over as many processes as the open-files
 * limit needs, and stops with a message, not a hang, when the controller itself would run out.
 */
class SouthboundLimitsTest {
  @Test
  void tenThousandRoutersUnderATwentyThousandLimitTakeTwoSimulatorProcesses() {
    // Two descriptors per router (its agent's connection, its SNMP socket) and 256 spare.
    assertThat(SimulatorFleet.processesFor(10_000, 20_000)).isEqualTo(2);
    assertThat(SimulatorFleet.processesFor(9_872, 20_000)).isEqualTo(1);
    assertThat(SimulatorFleet.processesFor(9_873, 20_000)).isEqualTo(2);
    assertThat(SimulatorFleet.processesFor(100_000, 1_024)).isEqualTo(261);
    assertThat(SimulatorFleet.processesFor(10, -1)).isEqualTo(1);
  }

  @Test
  void aControllerThatCannotHoldEveryAgentIsRefusedSayingWhatToRaise() {
    String why = SouthboundBenchmark.checkFileDescriptors(20_000, 20_000, 40);
    assertThat(why)
        .isEqualTo(
            "the limit on open files is 20000 but 20000 routers need 20296 (in the controller: a"
                + " TLS connection per agent, plus what it has open and 256 spare): raise it"
                + " (ulimit -n 20296, or the hard limit in /etc/security/limits.conf) or use fewer"
                + " --devices (at most 19704 here)");
  }

  @Test
  void whatFitsIsLetThrough() {
    assertThat(SouthboundBenchmark.checkFileDescriptors(10_000, 20_000, 40)).isNull();
    assertThat(SouthboundBenchmark.checkFileDescriptors(10, 1_024, 100)).isNull();
  }

  @Test
  void thisMachineIsJudgedByItsOwnLimit() {
    assertThat(SouthboundBenchmark.checkFileDescriptors(Integer.MAX_VALUE / 4))
        .contains("ulimit -n");
    assertThat(SouthboundBenchmark.checkFileDescriptors(1)).isNull();
  }
}
