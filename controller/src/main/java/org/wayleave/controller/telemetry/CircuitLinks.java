package org.wayleave.controller.telemetry;

import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.status.LinkEvidence;
import org.wayleave.controller.status.LinkEvidenceSource;

/**
 * What SNMP shows about each circuit, from the latest poll of its routers: for every end, the
 * interface the agent named for it, judged up or down, within or over its committed bandwidth, and
 * erroring or not. An end that says FALSE decides a condition; else one that does not know makes it
 * UNKNOWN; TRUE only when every end says so.
 *
 * <p>An end's sub-interface is the SNMP interface whose name is the one the router's OS gives it
 * (as its agent reports, {@link OsNames}), else the one whose alias is the circuit id. Its parent
 * port is the interface named as the OS names the port: when SNMP shows that port admin-down or
 * oper-down, LinkUp is FALSE ({@code PortDown}) whatever the sub-interface says. When SNMP shows no
 * such port, the sub-interface alone decides.
 */
public final class CircuitLinks implements LinkEvidenceSource {
  private static final ConditionStatus TRUE = ConditionStatus.CONDITION_STATUS_TRUE;
  private static final ConditionStatus FALSE = ConditionStatus.CONDITION_STATUS_FALSE;
  private static final ConditionStatus UNKNOWN = ConditionStatus.CONDITION_STATUS_UNKNOWN;

  private final Telemetry telemetry;
  private final OsNames osNames;

  /** For routers whose OS uses Wayleave's interface names (the simulator's). */
  public CircuitLinks(Telemetry telemetry) {
    this(telemetry, OsNames.SAME);
  }

  /**
   * @param osNames the names routers' OSes give ports and sub-interfaces, as their agents report
   */
  public CircuitLinks(Telemetry telemetry, OsNames osNames) {
    this.telemetry = telemetry;
    this.osNames = osNames;
  }

  private record Part(ConditionStatus status, String reason, String message) {
    Part worse(Part o) {
      return rank(o.status) > rank(status) ? o : this;
    }

    private static int rank(ConditionStatus s) {
      return s == FALSE ? 2 : s == UNKNOWN ? 1 : 0;
    }
  }

  /** The three conditions and the error message, folded over a circuit's ends. */
  private final class Fold {
    final Circuit c;
    Part link = new Part(TRUE, "OperUp", "SNMP shows the circuit's interfaces up");
    Part reach = new Part(TRUE, "Answering", "every router of the circuit answers SNMP");
    Part within;
    String errors = "";

    Fold(Circuit c) {
      this.c = c;
      within =
          new Part(
              TRUE,
              "UnderThreshold",
              "utilisation under " + threshold() + " of the committed " + committed() + " Mbit/s");
    }

    String committed() {
      return Long.toString(c.getSpec().getCommittedMbps());
    }

    String threshold() {
      return Math.round(telemetry.config().utilisationThreshold() * 100) + "%";
    }

    void add(Termination t) {
      SubInterface want = SubInterfaces.of(c, t);
      String where = want.getName() + " on " + t.getDevice();
      Telemetry.DeviceView d = telemetry.device(t.getDevice());
      if (d == null) {
        Part p = new Part(UNKNOWN, "NotPolledYet", t.getDevice() + " has not been polled yet");
        link = link.worse(p);
        reach = reach.worse(p);
        within = within.worse(p);
      } else if (!d.reachable()) {
        reach = reach.worse(new Part(FALSE, "Unreachable", t.getDevice() + ": " + d.reason()));
        link =
            link.worse(
                new Part(
                    UNKNOWN,
                    "Unreachable",
                    t.getDevice() + " does not answer SNMP; last known state stands"));
        within =
            within.worse(new Part(UNKNOWN, "Unreachable", t.getDevice() + " does not answer SNMP"));
      } else {
        port(d, want, t.getDevice());
        Telemetry.InterfaceView i =
            d.find(osNames.osName(t.getDevice(), want.getName()), c.getId());
        if (i == null) {
          Part p =
              new Part(
                  UNKNOWN,
                  "InterfaceNotSeen",
                  "SNMP on " + t.getDevice() + " shows no interface " + want.getName() + " yet");
          link = link.worse(p);
          within = within.worse(p);
        } else {
          judge(i, where);
        }
      }
    }

    /** The parent port, if SNMP shows it: down there means the circuit is down. */
    private void port(Telemetry.DeviceView d, SubInterface want, String device) {
      if (want.getPort().isEmpty()) {
        return;
      }
      Telemetry.InterfaceView p = d.find(osNames.osName(device, want.getPort()), "");
      if (p == null) {
        return;
      }
      String where = want.getPort() + " under " + want.getName() + " on " + device;
      if (p.adminStatus() == IfMib.DOWN) {
        link = link.worse(new Part(FALSE, "PortDown", where + " is administratively down"));
      } else if (p.operStatus() != IfMib.UP) {
        link = link.worse(new Part(FALSE, "PortDown", where + " is down (ifOperStatus)"));
      }
    }

    private void judge(Telemetry.InterfaceView i, String where) {
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
                        + threshold()
                        + " of the committed "
                        + committed()
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

    LinkEvidence evidence() {
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
  }

  /**
   * Whether the last poll of {@code device} answered and showed every sub-interface that {@code
   * circuits} (the circuits on it) put there: then a change an agent reported is in view, and a
   * poll more would add nothing.
   */
  public boolean showsAll(String device, Iterable<Circuit> circuits) {
    Telemetry.DeviceView d = telemetry.device(device);
    if (d == null || !d.reachable()) {
      return false;
    }
    for (Circuit c : circuits) {
      for (Termination t : List.of(c.getSpec().getAEnd(), c.getSpec().getBEnd())) {
        if (t.getDevice().equals(device)
            && d.find(osNames.osName(device, SubInterfaces.of(c, t).getName()), c.getId())
                == null) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public LinkEvidence of(Circuit c, List<Termination> ends) {
    if (ends.isEmpty()) {
      return LinkEvidence.unknown(
          "NoTermination", "the circuit has no termination on a router yet");
    }
    Fold fold = new Fold(c);
    ends.forEach(fold::add);
    return fold.evidence();
  }
}
