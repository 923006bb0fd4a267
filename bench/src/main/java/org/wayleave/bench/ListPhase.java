package org.wayleave.bench;

import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;

/**
 * The core benchmark's list phase: fills the store up to one full page if the earlier phases left
 * fewer circuits, then times ListCircuits at {@code page_size = --list}, after a few unmeasured
 * calls.
 */
final class ListPhase {
  /** Circuits in each Apply that fills the store for the list. */
  static final int FILL_CHUNK = 5000;

  private ListPhase() {}

  /** The measured lists' latency, the circuits a page held, and the circuits stored. */
  record Result(Latency latency, int items, long circuitsInStore) {}

  static Result run(
      CoreClient client, ResourceCache cache, Workload workload, CoreOptions o, Progress progress) {
    long circuitsAtList = fill(client, cache, workload, o.list);
    progress.say(
        "list: page_size %d over %d circuits, %d warmup + %d measured",
        o.list, circuitsAtList, o.listWarmup(), o.listRepeats);
    Latency listLat = new Latency();
    int listItems = 0;
    ListCircuitsRequest listReq = ListCircuitsRequest.newBuilder().setPageSize(o.list).build();
    for (int i = 0; i < o.listWarmup() + o.listRepeats; i++) {
      boolean measured = i >= o.listWarmup();
      CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
      long t0 = System.nanoTime();
      ListCircuitsResponse resp = stub.listCircuits(listReq);
      long nanos = System.nanoTime() - t0;
      if (resp.getCircuitsCount() != o.list) {
        throw new IllegalStateException(
            "ListCircuits(page_size="
                + o.list
                + ") returned "
                + resp.getCircuitsCount()
                + " circuits from a store of "
                + circuitsAtList);
      }
      listItems = resp.getCircuitsCount();
      if (measured) {
        listLat.record(nanos);
      }
    }
    return new Result(listLat, listItems, circuitsAtList);
  }

  /**
   * Applies new circuits until the store holds at least {@code list}; returns how many it holds.
   */
  private static long fill(CoreClient client, ResourceCache cache, Workload workload, int list) {
    long stored = cache.count(Kind.CIRCUIT);
    for (int seq = 1; stored < list; ) {
      int n = (int) Math.min(FILL_CHUNK, list - stored);
      client.applyAllNew(CoreClient.batch(workload, "BENCH-F", seq, n), n);
      seq += n;
      stored = cache.count(Kind.CIRCUIT);
    }
    return stored;
  }
}
