package org.wayleave.controller.status;

import java.util.List;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;

/**
 * What a connected agent last said about its router: implemented by the agent's session, read by
 * the status calculator. Only what the protocol let through: a report for a push it was sent, about
 * its own router.
 */
public interface AgentEvidence {
  /** What the router carries, as the agent last reported it. */
  DeviceConfig actual();

  /** The items the last report said failed; empty when it applied everything. */
  List<ItemError> itemErrors();

  /** Whether the last report refused the push whole: nothing it was sent counts as applied. */
  boolean rejected();

  /** The generation of a push the agent has not answered yet, or 0. */
  long inFlightGeneration();
}
