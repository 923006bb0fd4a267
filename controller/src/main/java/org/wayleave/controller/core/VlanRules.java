package org.wayleave.controller.core;

import java.util.BitSet;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;

/** The VLAN id rules of IEEE 802.1Q as Wayleave applies them. */
public final class VlanRules {
  public static final int MIN = 1;
  public static final int MAX = 4094;

  private VlanRules() {}

  /**
   * True for ids reserved on every port: 1 (default VLAN) and 1002-1005 (legacy FDDI/Token Ring).
   */
  public static boolean alwaysReserved(int id) {
    return id == 1 || (id >= 1002 && id <= 1005);
  }

  public static boolean inRange(long id) {
    return id >= MIN && id <= MAX;
  }

  /** True if {@code id} is reserved by default or by {@code pool} (which may be null). */
  public static boolean reserved(int id, VlanPool pool) {
    return alwaysReserved(id) || (pool != null && pool.getReservedList().contains(id));
  }

  /**
   * The ids {@code pool} may hand out: its ranges minus every reserved id. Ids outside 1-4094 in a
   * (validated) pool cannot occur.
   */
  public static BitSet allocatable(VlanPool pool) {
    BitSet ids = new BitSet(MAX + 1);
    for (VlanRange r : pool.getRangesList()) {
      ids.set(Math.max(MIN, r.getFirst()), Math.min(MAX, r.getLast()) + 1);
    }
    // The reserved ids cleared one by one, rather than every id of the ranges asked whether it is
    // reserved (a scan of the pool's reserved list each): the planner asks at every allocation.
    ids.clear(1);
    ids.clear(1002, 1006);
    for (int id : pool.getReservedList()) {
      if (inRange(id)) {
        ids.clear(id);
      }
    }
    return ids;
  }
}
