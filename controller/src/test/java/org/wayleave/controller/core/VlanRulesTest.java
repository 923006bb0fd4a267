package org.wayleave.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;

/**
 * The VLAN ids a pool hands out and the lowest free one, each computed in a few word operations,
 * are those an id-by-id walk over the rules finds.
 */
class VlanRulesTest {
  @Test
  void allocatableIsTheRangesLessEveryReservedId() {
    Random random = new Random(18);
    for (int run = 0; run < 300; run++) {
      VlanPool.Builder pool = VlanPool.newBuilder().setId("p").setDevice("d");
      for (int r = random.nextInt(4); r >= 0; r--) {
        int first = random.nextInt(VlanRules.MAX + 20) - 10;
        pool.addRanges(
            VlanRange.newBuilder().setFirst(first).setLast(first + random.nextInt(1200)));
      }
      for (int r = random.nextInt(6); r > 0; r--) {
        pool.addReserved(random.nextInt(VlanRules.MAX + 1));
      }
      VlanPool p = pool.build();
      BitSet walked = new BitSet();
      for (VlanRange r : p.getRangesList()) {
        for (int id = Math.max(VlanRules.MIN, r.getFirst());
            id <= Math.min(VlanRules.MAX, r.getLast());
            id++) {
          if (!VlanRules.reserved(id, p)) {
            walked.set(id);
          }
        }
      }
      assertThat(VlanRules.allocatable(p)).as("%s", p).isEqualTo(walked);
    }
  }

  @Test
  void theLowestFreeIdIsTheOneAWalkFinds() {
    Random random = new Random(7);
    for (int run = 0; run < 500; run++) {
      BitSet free = new BitSet();
      BitSet inUse = new BitSet();
      for (int id = 1; id <= VlanRules.MAX; id++) {
        free.set(id, random.nextInt(10) > 0);
        inUse.set(id, id < run * 8 || random.nextInt(3) == 0);
      }
      int walked = -1;
      for (int id = free.nextSetBit(0); id >= 0; id = free.nextSetBit(id + 1)) {
        if (!inUse.get(id)) {
          walked = id;
          break;
        }
      }
      assertThat(BatchPlanner.lowestFree(free, inUse)).isEqualTo(walked);
    }
  }
}
