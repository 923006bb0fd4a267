package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one transport's core benchmark run measured: each phase's figures, and the diagnostics
 * section (null when {@code --diag 0} skipped it).
 *
 * @param create the creates on the seeded store
 * @param full the same creates on a store {@code fill} had filled
 */
record CoreFigures(
    String transport,
    Creates create,
    FloorPhase.Result floor,
    Latency raw,
    RawSqliteCommit.Settings rawSettings,
    ApplyPhase.Result apply,
    ListPhase.Result list,
    Fill fill,
    Creates full,
    ObjectNode diagnostics) {

  /** A round of sequential creates, and the circuits the store held before it. */
  record Creates(CreatePhase.Result result, long circuitsBefore) {
    Latency latency() {
      return result.latency();
    }
  }

  /**
   * The full store's fill.
   *
   * @param circuits circuits stored once filled
   * @param onSeedRouters of them, on the seed's routers (those the creates land on)
   * @param devices scale routers added to carry the rest (0: none were needed)
   */
  record Fill(long circuits, int onSeedRouters, int devices, double seconds) {}

  /** Create p50 over the floor's. */
  double floorRatio() {
    return create.latency().percentileMs(50) / floor.p50Ms();
  }

  /** How much slower the creates' p50 was on the full store, in percent. */
  double growthPct() {
    return 100 * (full.latency().percentileMs(50) / create.latency().percentileMs(50) - 1);
  }
}
