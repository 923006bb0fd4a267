package org.wayleave.controller.store;

import java.util.Objects;

/**
 * Who made a change and why, written in the same transaction as the change.
 *
 * @param principal the authenticated caller, e.g. {@code engineer:alice} or {@code system:seed}
 * @param action what they asked for, e.g. {@code CreateCircuit LPSN-CAM-0001}
 */
public record Audit(String principal, String action) {
  public Audit {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(action, "action");
    if (principal.isBlank()) {
      throw new IllegalArgumentException("principal cannot be blank");
    }
  }
}
