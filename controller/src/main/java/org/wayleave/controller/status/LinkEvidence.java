package org.wayleave.controller.status;

import org.wayleave.api.v1.ConditionStatus;

/**
 * What SNMP says about a circuit, over all its ends (telemetry works it out; the status calculator
 * reads it): the LinkUp, Reachable and WithinCapacity conditions, and whether it is erroring. An
 * end that says FALSE decides; else one that does not know makes it UNKNOWN; TRUE only when every
 * end says so. Messages name the device and interface and carry no changing figure, so a status is
 * rewritten only when its meaning changes.
 */
public record LinkEvidence(
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

  public static final String LINK_UP = "LinkUp";
  public static final String REACHABLE = "Reachable";
  public static final String WITHIN_CAPACITY = "WithinCapacity";

  private static final ConditionStatus FALSE = ConditionStatus.CONDITION_STATUS_FALSE;
  private static final ConditionStatus UNKNOWN = ConditionStatus.CONDITION_STATUS_UNKNOWN;

  /** Not known yet for any of the three conditions, for {@code reason} and {@code message}. */
  public static LinkEvidence unknown(String reason, String message) {
    return new LinkEvidence(
        UNKNOWN, reason, message, UNKNOWN, reason, message, UNKNOWN, reason, message, "");
  }

  /** Why a circuit with its links up is DEGRADED. */
  public String degradedMessage() {
    if (within == FALSE) {
      return errorMessage.isEmpty() ? withinMessage : withinMessage + "; " + errorMessage;
    }
    return errorMessage;
  }
}
