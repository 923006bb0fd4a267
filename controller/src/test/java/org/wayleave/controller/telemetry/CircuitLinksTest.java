package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.Termination;
import org.wayleave.controller.status.LinkEvidence;

/** LinkUp from SNMP: the sub-interface found by its OS name, and its parent port. */
class CircuitLinksTest {
  static final String DEVICE = "rtr-camden-01";
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  final Termination end =
      Termination.newBuilder().setDevice(DEVICE).setPort("ge-0/0/1").setCTag(100).build();
  final Circuit circuit =
      Circuit.newBuilder()
          .setId("LPSN-CAM-0001")
          .setSpec(
              CircuitSpec.newBuilder()
                  .setCouncil("camden")
                  .setAEnd(end)
                  .setCommittedMbps(100)
                  .setGeneration(1))
          .build();
  final Telemetry telemetry =
      new Telemetry(TelemetryConfig.defaults(), Clock.fixed(NOW, ZoneOffset.UTC), id -> 100);

  /** What the agent reported, as the agents' sessions answer it. */
  final Map<String, String> reported = new HashMap<>();

  final CircuitLinks links =
      new CircuitLinks(telemetry, (device, name) -> reported.getOrDefault(name, name));

  final Map<Integer, IfRow> rows = new HashMap<>();
  long polls;

  /** The router as net-snmp on Linux shows it: Linux's names, and ifAlias empty. */
  void linuxNames() {
    reported.put("ge-0/0/1", "ge-0-0-1");
    reported.put("ge-0/0/1.100", "ge-0-0-1.100");
  }

  void row(int ifIndex, String name, String alias, int admin, int oper) {
    rows.put(
        ifIndex,
        new IfRow(ifIndex)
            .set(IfMib.Column.IF_NAME, name)
            .set(IfMib.Column.IF_ALIAS, alias)
            .set(IfMib.Column.IF_ADMIN_STATUS, admin)
            .set(IfMib.Column.IF_OPER_STATUS, oper)
            .set(IfMib.Column.IF_HIGH_SPEED, 1000)
            .set(IfMib.Column.IF_HC_IN_OCTETS, 0)
            .set(IfMib.Column.IF_HC_OUT_OCTETS, 0));
  }

  LinkEvidence evidence() {
    long t = ++polls * 10;
    telemetry.polled(
        DEVICE,
        new DeviceSample(t * 1_000_000_000L, NOW.toEpochMilli() + t * 1000, 100 + t * 100, rows));
    return links.of(circuit, List.of(end));
  }

  @Test
  void theSubInterfaceIsFoundByTheNameItsOsGivesItWhenIfAliasIsEmpty() {
    linuxNames();
    row(2, "ge-0-0-1", "", IfMib.UP, IfMib.UP);
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.UP);
    LinkEvidence e = evidence();
    assertThat(e.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    assertThat(e.linkReason()).isEqualTo("OperUp");
  }

  @Test
  void withoutTheReportedNameTheLinuxInterfaceIsNotSeen() {
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.UP);
    LinkEvidence e = evidence();
    assertThat(e.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_UNKNOWN);
    assertThat(e.linkReason()).isEqualTo("InterfaceNotSeen");
  }

  @Test
  void aParentPortOperDownTakesTheCircuitDown() {
    linuxNames();
    row(2, "ge-0-0-1", "", IfMib.UP, IfMib.DOWN);
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.UP);
    LinkEvidence e = evidence();
    assertThat(e.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(e.linkReason()).isEqualTo("PortDown");
    assertThat(e.linkMessage())
        .isEqualTo("ge-0/0/1 under ge-0/0/1.100 on " + DEVICE + " is down (ifOperStatus)");
  }

  @Test
  void aParentPortAdminDownTakesTheCircuitDownAndSaysSo() {
    linuxNames();
    row(2, "ge-0-0-1", "", IfMib.DOWN, IfMib.DOWN);
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.DOWN);
    LinkEvidence e = evidence();
    assertThat(e.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(e.linkReason()).as("the port is the cause").isEqualTo("PortDown");
    assertThat(e.linkMessage()).contains("ge-0/0/1 under").contains("administratively down");
  }

  @Test
  void aPortSnmpDoesNotShowLeavesTheSubInterfaceToDecide() {
    linuxNames();
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.UP);
    assertThat(evidence().linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.DOWN);
    LinkEvidence down = evidence();
    assertThat(down.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(down.linkReason()).isEqualTo("OperDown");
  }

  @Test
  void withNoNamesReportedWayleavesNamesAndTheAliasWorkAsBefore() {
    row(2, "ge-0/0/1", "council LAN", IfMib.UP, IfMib.UP);
    row(7, "ge-0/0/1.100", "LPSN-CAM-0001", IfMib.UP, IfMib.UP);
    assertThat(evidence().linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
    row(7, "vlan100", "LPSN-CAM-0001", IfMib.UP, IfMib.DOWN);
    LinkEvidence byAlias = evidence();
    assertThat(byAlias.linkReason()).as("found by its alias").isEqualTo("OperDown");
    assertThat(byAlias.linkMessage())
        .isEqualTo("ge-0/0/1.100 on " + DEVICE + " is down (ifOperStatus)");
  }

  @Test
  void aPortDownUnderTheSimulatorsNamesIsPortDown() {
    row(2, "ge-0/0/1", "council LAN", IfMib.UP, IfMib.DOWN);
    row(7, "ge-0/0/1.100", "LPSN-CAM-0001", IfMib.UP, IfMib.DOWN);
    LinkEvidence e = evidence();
    assertThat(e.linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_FALSE);
    assertThat(e.linkReason()).isEqualTo("PortDown");
  }

  @Test
  void anotherPortDownLeavesTheCircuitUp() {
    linuxNames();
    row(2, "ge-0-0-1", "", IfMib.UP, IfMib.UP);
    row(3, "ge-0-0-2", "", IfMib.UP, IfMib.DOWN);
    row(7, "ge-0-0-1.100", "", IfMib.UP, IfMib.UP);
    assertThat(evidence().linkUp()).isEqualTo(ConditionStatus.CONDITION_STATUS_TRUE);
  }
}
