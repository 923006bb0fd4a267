package org.wayleave.controller.status;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.core.CircuitStatuses;

/**
 * A circuit's status from evidence: what the agents of its devices reported, and what SNMP shows of
 * its interfaces. Pure: the same inputs give the same status, and condition transition times move
 * only when a condition's status flips (as apimachinery's SetStatusCondition does).
 */
public final class CircuitStatusCalculator {
  static final String APPLIED = "Applied";
  static final String IN_SYNC = "InSync";

  private CircuitStatusCalculator() {}

  /** How one end of a circuit stands on its device. */
  enum EndState {
    NO_AGENT,
    PROVISIONING,
    APPLIED,
    MISSING,
    FAILED
  }

  record End(EndState state, String message) {}

  static End end(Circuit c, Termination t, AgentEvidence session) {
    if (session == null) {
      return new End(
          EndState.NO_AGENT, "the agent of device " + t.getDevice() + " is not connected");
    }
    SubInterface want = SubInterfaces.of(c, t);
    List<ItemError> errors = session.itemErrors();
    for (ItemError e : errors) {
      if (e.getName().isEmpty()) {
        return new End(
            EndState.FAILED, "device " + t.getDevice() + " rejected the push: " + e.getMessage());
      }
      if (e.getName().equals(want.getName())) {
        return new End(
            EndState.FAILED,
            "device " + t.getDevice() + " rejected " + want.getName() + ": " + e.getMessage());
      }
    }
    if (session.rejected()) {
      // Refused whole: whatever the router still carries, this push applied nothing.
      return new End(
          EndState.FAILED,
          "device "
              + t.getDevice()
              + " rejected the push"
              + (errors.isEmpty()
                  ? ""
                  : " (" + errors.get(0).getName() + ": " + errors.get(0).getMessage() + ")"));
    }
    SubInterface have = session.actualSubInterface(want.getName());
    if (want.equals(have)) {
      return new End(EndState.APPLIED, "");
    }
    String missing =
        have == null
            ? "device " + t.getDevice() + " does not carry " + want.getName()
            : "device "
                + t.getDevice()
                + " carries "
                + want.getName()
                + " differently from the plan";
    if (session.inFlightGeneration() != 0) {
      return new End(EndState.PROVISIONING, missing + " yet (a push awaits the agent's report)");
    }
    return new End(EndState.MISSING, missing);
  }

  public static CircuitStatus compute(
      Circuit c, CircuitStatus previous, Function<String, AgentEvidence> sessions, Instant now) {
    return compute(c, previous, sessions, null, now);
  }

  /** A phase with the error that explains it. */
  private record Phase(CircuitPhase phase, String error) {}

  /**
   * @param links what SNMP shows, or null when routers are not polled (then the agent's word alone
   *     makes a circuit ACTIVE, and LinkUp says so)
   */
  public static CircuitStatus compute(
      Circuit c,
      CircuitStatus previous,
      Function<String, AgentEvidence> sessions,
      LinkEvidenceSource links,
      Instant now) {
    List<End> ends = new ArrayList<>(2);
    List<Termination> terms = new ArrayList<>(2);
    for (Termination t : List.of(c.getSpec().getAEnd(), c.getSpec().getBEnd())) {
      if (!t.getDevice().isEmpty() && t.hasCTag()) {
        ends.add(end(c, t, sessions.apply(t.getDevice())));
        terms.add(t);
      }
    }
    boolean allApplied =
        !ends.isEmpty() && ends.stream().allMatch(e -> e.state() == EndState.APPLIED);
    LinkEvidence link = links == null ? null : links.of(c, terms);
    Phase p = phase(ends, allApplied, link, previous);
    long gen = c.getSpec().getGeneration();
    CircuitStatus base = previous != null ? previous : CircuitStatuses.initial(c);
    CircuitStatus.Builder st =
        base.toBuilder().setPhase(p.phase()).setObservedGeneration(gen).setLastError(p.error());
    if (previous == null || previous.getPhase() != p.phase()) {
      st.setPhaseTransitionTime(ts(now));
    }
    agentConditions(st, p, ends, allApplied, gen, now);
    linkConditions(st, link, gen, now);
    return st.build();
  }

  private static boolean wasUp(CircuitPhase was) {
    return was == CircuitPhase.CIRCUIT_PHASE_ACTIVE
        || was == CircuitPhase.CIRCUIT_PHASE_DRIFTED
        || was == CircuitPhase.CIRCUIT_PHASE_DEGRADED
        || was == CircuitPhase.CIRCUIT_PHASE_DOWN;
  }

  /** The phase the ends and the link show, and why. */
  private static Phase phase(
      List<End> ends, boolean allApplied, LinkEvidence link, CircuitStatus previous) {
    CircuitPhase was =
        previous == null ? CircuitPhase.CIRCUIT_PHASE_UNSPECIFIED : previous.getPhase();
    if (ends.stream().anyMatch(e -> e.state() == EndState.FAILED)) {
      return new Phase(CircuitPhase.CIRCUIT_PHASE_FAILED, first(ends, EndState.FAILED));
    }
    if (allApplied) {
      return linkPhase(link, was, previous);
    }
    if (wasUp(was)
        && ends.stream()
            .anyMatch(e -> e.state() == EndState.MISSING || e.state() == EndState.PROVISIONING)) {
      String error = first(ends, EndState.MISSING);
      // Changed under the agent while a push is out: that end says how.
      return new Phase(
          CircuitPhase.CIRCUIT_PHASE_DRIFTED,
          error.isEmpty() ? first(ends, EndState.PROVISIONING) : error);
    }
    if (ends.stream().anyMatch(e -> e.state() != EndState.NO_AGENT)) {
      return new Phase(CircuitPhase.CIRCUIT_PHASE_PROVISIONING, "");
    }
    if (wasUp(was)) {
      // The agent went away; the last evidence stands until it returns.
      return new Phase(was, previous.getLastError());
    }
    return new Phase(CircuitPhase.CIRCUIT_PHASE_PENDING, "");
  }

  /** The phase of a circuit every agent applied: what SNMP shows decides. */
  private static Phase linkPhase(LinkEvidence link, CircuitPhase was, CircuitStatus previous) {
    if (link == null) {
      return new Phase(CircuitPhase.CIRCUIT_PHASE_ACTIVE, "");
    }
    if (link.linkUp() == ConditionStatus.CONDITION_STATUS_FALSE) {
      return new Phase(CircuitPhase.CIRCUIT_PHASE_DOWN, link.linkMessage());
    }
    if (link.linkUp() == ConditionStatus.CONDITION_STATUS_TRUE) {
      boolean degraded =
          link.within() == ConditionStatus.CONDITION_STATUS_FALSE || !link.errorMessage().isEmpty();
      return degraded
          ? new Phase(CircuitPhase.CIRCUIT_PHASE_DEGRADED, link.degradedMessage())
          : new Phase(CircuitPhase.CIRCUIT_PHASE_ACTIVE, "");
    }
    if (wasUp(was) && was != CircuitPhase.CIRCUIT_PHASE_DRIFTED) {
      // The router is not answering (or not showing the interface yet): the last evidence stands.
      return new Phase(was, previous.getLastError());
    }
    return new Phase(CircuitPhase.CIRCUIT_PHASE_PROVISIONING, "");
  }

  /** Applied and InSync, from what the agents said. */
  private static void agentConditions(
      CircuitStatus.Builder st,
      Phase p,
      List<End> ends,
      boolean allApplied,
      long gen,
      Instant now) {
    boolean failed = p.phase() == CircuitPhase.CIRCUIT_PHASE_FAILED;
    boolean drifted = p.phase() == CircuitPhase.CIRCUIT_PHASE_DRIFTED;
    boolean applied = allApplied || drifted;
    setCondition(
        st,
        APPLIED,
        applied && !failed
            ? ConditionStatus.CONDITION_STATUS_TRUE
            : ConditionStatus.CONDITION_STATUS_FALSE,
        failed ? "AgentRejected" : applied ? "AgentConfirmed" : "AwaitingAgent",
        failed
            ? p.error()
            : applied ? "the agent applied the circuit's configuration" : message(ends),
        gen,
        now);
    setCondition(
        st,
        IN_SYNC,
        allApplied
            ? ConditionStatus.CONDITION_STATUS_TRUE
            : drifted
                ? ConditionStatus.CONDITION_STATUS_FALSE
                : ConditionStatus.CONDITION_STATUS_UNKNOWN,
        allApplied ? "Matches" : drifted ? "Drifted" : "NotYetApplied",
        allApplied
            ? "the router carries the circuit as planned"
            : drifted ? p.error() + "; repairing" : "",
        gen,
        now);
  }

  /** LinkUp, Reachable and WithinCapacity, from what SNMP shows (or that nothing is polled). */
  private static void linkConditions(
      CircuitStatus.Builder st, LinkEvidence link, long gen, Instant now) {
    if (link == null) {
      setCondition(
          st,
          LinkEvidence.LINK_UP,
          ConditionStatus.CONDITION_STATUS_UNKNOWN,
          "TelemetryDisabled",
          "the controller does not poll routers; ACTIVE rests on the agent's report alone",
          gen,
          now);
      return;
    }
    setCondition(
        st, LinkEvidence.LINK_UP, link.linkUp(), link.linkReason(), link.linkMessage(), gen, now);
    setCondition(
        st,
        LinkEvidence.REACHABLE,
        link.reachable(),
        link.reachableReason(),
        link.reachableMessage(),
        gen,
        now);
    setCondition(
        st,
        LinkEvidence.WITHIN_CAPACITY,
        link.within(),
        link.withinReason(),
        link.withinMessage(),
        gen,
        now);
  }

  private static String first(List<End> ends, EndState state) {
    return ends.stream().filter(e -> e.state() == state).map(End::message).findFirst().orElse("");
  }

  private static String message(List<End> ends) {
    return ends.stream().map(End::message).filter(m -> !m.isEmpty()).findFirst().orElse("");
  }

  /** Sets a condition; its transition time moves only when its status changes. */
  static void setCondition(
      CircuitStatus.Builder st,
      String type,
      ConditionStatus status,
      String reason,
      String message,
      long gen,
      Instant now) {
    for (int i = 0; i < st.getConditionsCount(); i++) {
      Condition c = st.getConditions(i);
      if (c.getType().equals(type)) {
        Condition.Builder b =
            c.toBuilder().setReason(reason).setMessage(message).setObservedGeneration(gen);
        if (c.getStatus() != status) {
          b.setStatus(status).setLastTransitionTime(ts(now));
        }
        st.setConditions(i, b);
        return;
      }
    }
    st.addConditions(
        Condition.newBuilder()
            .setType(type)
            .setStatus(status)
            .setReason(reason)
            .setMessage(message)
            .setObservedGeneration(gen)
            .setLastTransitionTime(ts(now)));
  }

  static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  /** Two statuses that differ only in transition times say the same thing. */
  public static boolean sameMeaning(CircuitStatus a, CircuitStatus b) {
    return strip(a).equals(strip(b));
  }

  private static CircuitStatus strip(CircuitStatus s) {
    CircuitStatus.Builder b = s.toBuilder().clearPhaseTransitionTime();
    for (int i = 0; i < b.getConditionsCount(); i++) {
      b.setConditions(i, b.getConditions(i).toBuilder().clearLastTransitionTime());
    }
    return b.build();
  }
}
