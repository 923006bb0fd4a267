package org.wayleave.controller.status;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.controller.core.CircuitStatuses;
import org.wayleave.controller.core.ObservedStateService;
import org.wayleave.controller.core.ObservedStateService.StatusWrite;

/**
 * Writes the status of a device's circuits from the evidence as it stands, only where the status
 * means something new (transition times alone are no news), so every write shows on Watch as a real
 * transition. Leader only.
 */
public final class CircuitStatusWriter {
  private final ObservedStateService observed;
  private final Function<String, AgentEvidence> agents;
  private final LinkEvidenceSource links;
  private final Clock clock;

  /**
   * @param agents what each device's agent last said (null: none connected)
   * @param links what SNMP shows, or null when routers are not polled
   */
  public CircuitStatusWriter(
      ObservedStateService observed,
      Function<String, AgentEvidence> agents,
      LinkEvidenceSource links,
      Clock clock) {
    this.observed = observed;
    this.agents = agents;
    this.links = links;
    this.clock = clock;
  }

  /**
   * Writes what changed in the statuses of {@code circuits}, circuits on {@code device}.
   *
   * @return false if nothing was written because a circuit changed meanwhile (its own change wakes
   *     the device again; the others' statuses are then still to write)
   */
  public boolean write(String device, List<Circuit> circuits) {
    Instant now = clock.instant();
    List<StatusWrite> writes = new ArrayList<>();
    for (Circuit c : circuits) {
      CircuitStatus before = c.getStatus();
      CircuitStatus after = CircuitStatusCalculator.compute(c, before, agents, links, now);
      boolean stillImplicitPending =
          after.getPhase() == CircuitPhase.CIRCUIT_PHASE_PENDING
              && before.equals(CircuitStatuses.initial(c));
      if (!stillImplicitPending && !CircuitStatusCalculator.sameMeaning(before, after)) {
        writes.add(new StatusWrite(c, after));
      }
    }
    return observed.writeStatuses(device, writes);
  }
}
