package org.wayleave.controller.status;

import java.util.List;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;

/**
 * What a connected agent last said about its router: implemented by the agent's session, read by
 * the status calculator. Only what the protocol let through: a report for a push it was sent, about
 * its own router.
 */
public interface AgentEvidence {
  /** What the router carries, as the agent last reported it. */
  DeviceConfig actual();

  /**
   * The sub-interface named {@code name} in {@link #actual()}, or null. The status of every circuit
   * on a router asks for its own: an implementation keeps an index (see {@code AgentSession}) so
   * that costs one lookup, not a pass over what the router carries.
   */
  default SubInterface actualSubInterface(String name) {
    DeviceConfig config = actual();
    if (config == null) {
      return null;
    }
    for (SubInterface s : config.getSubInterfacesList()) {
      if (s.getName().equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** The items the last report said failed; empty when it applied everything. */
  List<ItemError> itemErrors();

  /** Whether the last report refused the push whole: nothing it was sent counts as applied. */
  boolean rejected();

  /** The generation of a push the agent has not answered yet, or 0. */
  long inFlightGeneration();
}
