package org.wayleave.controller.store;

import java.time.Instant;
import java.util.List;

/**
 * One audited transaction: who, when, what, and every key it changed with its value before and
 * after.
 */
public record AuditRecord(
    long revision, Instant time, String principal, String action, List<StoreEvent> changes) {
  public AuditRecord {
    changes = List.copyOf(changes);
  }
}
