package org.wayleave.agent;

import java.util.List;
import java.util.Objects;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;

/**
 * What {@link Driver#apply} did.
 *
 * @param itemErrors one entry per sub-interface that could not be created, updated or deleted
 *     (name, alias = circuit id, message); empty when everything applied
 * @param actual the router's configuration after the apply
 */
public record ApplyOutcome(List<ItemError> itemErrors, DeviceConfig actual) {
  public ApplyOutcome {
    itemErrors = List.copyOf(itemErrors);
    Objects.requireNonNull(actual, "actual");
  }

  /** True when every item applied. */
  public boolean complete() {
    return itemErrors.isEmpty();
  }
}
