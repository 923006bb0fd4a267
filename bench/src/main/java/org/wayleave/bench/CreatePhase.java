package org.wayleave.bench;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;

/**
 * The core benchmark's first measured phase: sequential CreateCircuit calls from one client, after
 * unmeasured warm-up ones, each of which must come back with its c-tag allocated.
 */
final class CreatePhase {
  private CreatePhase() {}

  /** The measured creates' latency, and the ids of the circuits they created. */
  record Result(Latency latency, List<String> createdIds) {}

  static Result run(CoreClient client, Workload workload, StoreSizes o, Progress progress) {
    return run(client, workload, o, "BENCH", progress);
  }

  /**
   * As above, the circuits' ids beginning {@code prefix-W} (warm-up) and {@code prefix-C}
   * (measured), so that a second run on the same store makes new ones.
   */
  static Result run(
      CoreClient client, Workload workload, StoreSizes o, String prefix, Progress progress) {
    progress.say("create: %d warmup + %d measured, sequential", o.warmup, o.creates);
    Latency create = new Latency();
    List<String> createdIds = new ArrayList<>(o.creates);
    for (int i = 0; i < o.warmup + o.creates; i++) {
      boolean measured = i >= o.warmup;
      int seq = measured ? i - o.warmup + 1 : i + 1;
      Circuit c = workload.next(prefix + (measured ? "-C" : "-W"), seq);
      CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
      long t0 = System.nanoTime();
      Circuit got = stub.createCircuit(c);
      long nanos = System.nanoTime() - t0;
      if (!got.getSpec().getAEnd().hasCTag() || !got.getId().equals(c.getId())) {
        throw new IllegalStateException(
            "CreateCircuit " + c.getId() + " answered without an allocated c_tag: " + got);
      }
      if (measured) {
        create.record(nanos);
        createdIds.add(c.getId());
      }
    }
    return new Result(create, createdIds);
  }
}
