package org.wayleave.controller.core;

import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;

/** Circuit status values the core produces. */
public final class CircuitStatuses {
  public static final String ACCEPTED = "Accepted";

  private CircuitStatuses() {}

  /**
   * The status of a circuit nothing has acted on yet: validated and stored ({@code Accepted}),
   * waiting to be pushed ({@code PENDING}).
   */
  public static CircuitStatus initial(Circuit c) {
    long gen = c.getSpec().getGeneration();
    return CircuitStatus.newBuilder()
        .setPhase(CircuitPhase.CIRCUIT_PHASE_PENDING)
        .setObservedGeneration(gen)
        .setPhaseTransitionTime(c.getMeta().getCreateTime())
        .addConditions(
            Condition.newBuilder()
                .setType(ACCEPTED)
                .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                .setReason("Validated")
                .setMessage("spec passed validation and is stored")
                .setObservedGeneration(gen)
                .setLastTransitionTime(c.getMeta().getUpdateTime()))
        .build();
  }
}
