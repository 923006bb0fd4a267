package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.util.BitSet;
import java.util.Collection;
import java.util.Set;
import org.wayleave.api.v1.VlanPool;

/** Read access to desired state, with the lookups validation and planning need. */
public interface StateView {
  /** The object, or null if absent. */
  <T extends Message> T get(Kind<T> kind, String id);

  /** Every object of a kind, in no particular order. */
  <T extends Message> Collection<T> all(Kind<T> kind);

  /** Ids of circuits with an end on this device port. */
  Set<String> circuitsOn(String device, String port);

  /** Ids of circuits with an end on this device. */
  Set<String> circuitsOnDevice(String device);

  /** Ids of VLAN pools of this device. */
  Set<String> poolsOf(String device);

  /** The circuit whose end uses this (device, port, s-tag, c-tag), or null. s-tag 0: untagged. */
  String termOwner(String device, String port, int sTag, int cTag);

  /** The c-tags in use under (device, port, s-tag). Read-only: callers copy before changing it. */
  BitSet usedCTags(String device, String port, int sTag);

  /** Committed Mbit/s of all circuit ends on a device port. */
  long committedMbps(String device, String port);

  /** The pool covering {@code port} of {@code device}, or null. */
  default VlanPool poolFor(String device, String port) {
    for (String id : poolsOf(device)) {
      VlanPool p = get(Kind.VLAN_POOL, id);
      if (p != null && (p.getPortsCount() == 0 || p.getPortsList().contains(port))) {
        return p;
      }
    }
    return null;
  }
}
