package org.wayleave.controller.southbound;

import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.telemetry.LinkJudge;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * What SNMP says about a circuit, over all its ends: the LinkUp, Reachable and WithinCapacity
 * conditions, and whether it is erroring. An end that says FALSE decides; else one that does not
 * know makes it UNKNOWN; TRUE only when every end says so. Messages name the device and interface
 * and carry no changing figure, so a status is rewritten only when its meaning changes.
 */
record LinkEvidence(
    ConditionStatus linkUp,
    String linkReason,
    String linkMessage,
    ConditionStatus reachable,
    String reachableReason,
    String reachableMessage,
    ConditionStatus within,
    String withinReason,
    String withinMessage,
    String errorMessage) {

  static final String LINK_UP = "LinkUp";
  static final String REACHABLE = "Reachable";
  static final String WITHIN_CAPACITY = "WithinCapacity";

  private static final ConditionStatus TRUE = ConditionStatus.CONDITION_STATUS_TRUE;
  private static final ConditionStatus FALSE = ConditionStatus.CONDITION_STATUS_FALSE;
  private static final ConditionStatus UNKNOWN = ConditionStatus.CONDITION_STATUS_UNKNOWN;

  private record Part(ConditionStatus status, String reason, String message) {
    Part worse(Part o) {
      return rank(o.status) > rank(status) ? o : this;
    }

    private static int rank(ConditionStatus s) {
      return s == FALSE ? 2 : s == UNKNOWN ? 1 : 0;
    }
  }

  static LinkEvidence of(Circuit c, List<Termination> ends, Telemetry telemetry) {
    Part link = new Part(TRUE, "OperUp", "SNMP shows the circuit's interfaces up");
    Part reach = new Part(TRUE, "Answering", "every router of the circuit answers SNMP");
    Part within =
        new Part(
            TRUE,
            "UnderThreshold",
            "utilisation under "
                + percent(telemetry.config().utilisationThreshold())
                + " of the committed "
                + c.getSpec().getCommittedMbps()
                + " Mbit/s");
    String errors = "";
    if (ends.isEmpty()) {
      Part none =
          new Part(UNKNOWN, "NoTermination", "the circuit has no termination on a router yet");
      return new LinkEvidence(
          none.status,
          none.reason,
          none.message,
          none.status,
          none.reason,
          none.message,
          none.status,
          none.reason,
          none.message,
          "");
    }
    for (Termination t : ends) {
      SubInterface want = SubInterfaces.of(c, t);
      String where = want.getName() + " on " + t.getDevice();
      Telemetry.DeviceView d = telemetry.device(t.getDevice());
      if (d == null) {
        Part p = new Part(UNKNOWN, "NotPolledYet", t.getDevice() + " has not been polled yet");
        link = link.worse(p);
        reach = reach.worse(p);
        within = within.worse(p);
        continue;
      }
      if (!d.reachable()) {
        reach = reach.worse(new Part(FALSE, "Unreachable", t.getDevice() + ": " + d.reason()));
        link =
            link.worse(
                new Part(
                    UNKNOWN,
                    "Unreachable",
                    t.getDevice() + " does not answer SNMP; last known state stands"));
        within =
            within.worse(new Part(UNKNOWN, "Unreachable", t.getDevice() + " does not answer SNMP"));
        continue;
      }
      Telemetry.InterfaceView i = d.find(want.getName(), c.getId());
      if (i == null) {
        Part p =
            new Part(
                UNKNOWN,
                "InterfaceNotSeen",
                "SNMP on " + t.getDevice() + " shows no interface " + want.getName() + " yet");
        link = link.worse(p);
        within = within.worse(p);
        continue;
      }
      LinkJudge.Judgement j =
          LinkJudge.judge(i, c.getSpec().getCommittedMbps(), telemetry.config());
      link =
          link.worse(
              switch (j.state()) {
                case ADMIN_DOWN ->
                    new Part(FALSE, "AdminDown", where + " is administratively down");
                case OPER_DOWN -> new Part(FALSE, "OperDown", where + " is down (ifOperStatus)");
                case UP -> new Part(TRUE, "OperUp", "");
              });
      if (j.overCapacity()) {
        within =
            within.worse(
                new Part(
                    FALSE,
                    "OverThreshold",
                    where
                        + " runs above "
                        + percent(telemetry.config().utilisationThreshold())
                        + " of the committed "
                        + c.getSpec().getCommittedMbps()
                        + " Mbit/s"));
      } else if (Double.isNaN(j.utilisation())) {
        within =
            within.worse(new Part(UNKNOWN, "NoRateYet", "no rate measured on " + where + " yet"));
      }
      if (j.erroring() && errors.isEmpty()) {
        errors =
            where
                + " shows more than "
                + telemetry.config().errorsPerSecondThreshold()
                + " errors or discards per second";
      }
    }
    return new LinkEvidence(
        link.status,
        link.reason,
        link.message,
        reach.status,
        reach.reason,
        reach.message,
        within.status,
        within.reason,
        within.message,
        errors);
  }

  /** Why a circuit with its links up is DEGRADED. */
  String degradedMessage() {
    if (within == FALSE) {
      return errorMessage.isEmpty() ? withinMessage : withinMessage + "; " + errorMessage;
    }
    return errorMessage;
  }

  private static String percent(double fraction) {
    return Math.round(fraction * 100) + "%";
  }
}
