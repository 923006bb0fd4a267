package org.wayleave.bench;

import io.grpc.ManagedChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;

/**
 * After the failover runs: every circuit the writers saw acknowledged must be stored. Lists all
 * circuits through one controller, page by page, and compares the writers' ids with what is there.
 */
final class AckCheck {
  static final int PAGE = 1000;

  private AckCheck() {}

  /**
   * What a controller lists.
   *
   * @param listed circuits of the writers' prefix that it lists
   * @param acknowledgedMissing acknowledged but not listed: must be 0
   * @param inDoubtPresent failed calls whose circuit was written all the same
   * @param unexpected listed but neither acknowledged nor in doubt: must be 0
   */
  record Result(
      String controller,
      int listed,
      int acknowledgedMissing,
      int inDoubtPresent,
      int unexpected,
      int pages) {}

  /**
   * Lists through {@code channel}; while acknowledged circuits are missing, lists again for up to
   * {@code settleMs} (a controller's cache follows the store's watch, a moment behind a write made
   * through the other controller).
   */
  static Result check(
      String controller,
      ManagedChannel channel,
      Set<String> acked,
      Set<String> inDoubt,
      long settleMs)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMs);
    while (true) {
      Result r = listOnce(controller, channel, acked, inDoubt);
      if (r.acknowledgedMissing() == 0 || System.nanoTime() > until) {
        return r;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  private static Result listOnce(
      String controller, ManagedChannel channel, Set<String> acked, Set<String> inDoubt) {
    Set<String> listed = new HashSet<>();
    String token = "";
    int pages = 0;
    do {
      ListCircuitsResponse page =
          CircuitServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .listCircuits(
                  ListCircuitsRequest.newBuilder().setPageSize(PAGE).setPageToken(token).build());
      pages++;
      for (Circuit c : page.getCircuitsList()) {
        if (c.getId().startsWith(HaWriters.PREFIX + "-")) {
          listed.add(c.getId());
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    int missing = 0;
    for (String id : acked) {
      if (!listed.contains(id)) {
        missing++;
      }
    }
    int doubtPresent = 0;
    int unexpected = 0;
    for (String id : listed) {
      if (inDoubt.contains(id)) {
        doubtPresent++;
      } else if (!acked.contains(id)) {
        unexpected++;
      }
    }
    return new Result(controller, listed.size(), missing, doubtPresent, unexpected, pages);
  }
}
