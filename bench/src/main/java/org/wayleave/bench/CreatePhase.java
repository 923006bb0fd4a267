package org.wayleave.bench;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;

/**
 * Sequential CreateCircuit calls from one client, each of which must come back with its c-tag
 * allocated: unmeasured warm-up ones, then measured ones, run a block at a time when the core
 * benchmark interleaves two stores, or in one go ({@link #run}).
 */
final class CreatePhase {
  /** The measured creates' latency, and the ids of the circuits they created. */
  record Result(Latency latency, List<String> createdIds) {}

  private final CoreClient client;
  private final Workload workload;
  private final String prefix;
  private final Latency latency = new Latency();
  private final List<String> createdIds = new ArrayList<>();
  private int warmed;
  private String lastId;

  /**
   * Creates on {@code client}'s controller the circuits of {@code workload} in turn, their ids
   * beginning {@code prefix-W} (warm-up) and {@code prefix-C} (measured).
   */
  CreatePhase(CoreClient client, Workload workload, String prefix) {
    this.client = client;
    this.workload = workload;
    this.prefix = prefix;
  }

  /** {@code --warmup} unmeasured creates, then {@code --creates} measured ones. */
  static Result run(CoreClient client, Workload workload, StoreSizes o, Progress progress) {
    progress.say("create: %d warmup + %d measured, sequential", o.warmup, o.creates);
    CreatePhase creates = new CreatePhase(client, workload, "BENCH");
    creates.warmup(o.warmup);
    creates.measure(o.creates);
    return creates.result();
  }

  void warmup(int count) {
    for (int i = 0; i < count; i++) {
      create(workload.next(prefix + "-W", ++warmed));
    }
  }

  void measure(int count) {
    for (int i = 0; i < count; i++) {
      Circuit c = workload.next(prefix + "-C", createdIds.size() + 1);
      latency.record(create(c));
      createdIds.add(c.getId());
    }
  }

  /** The last circuit created, warm-up ones included; null before any. */
  String lastId() {
    return lastId;
  }

  Result result() {
    return new Result(latency, createdIds);
  }

  /** Creates {@code c}; returns the call's nanoseconds. */
  private long create(Circuit c) {
    CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
    long t0 = System.nanoTime();
    Circuit got = stub.createCircuit(c);
    long nanos = System.nanoTime() - t0;
    if (!got.getSpec().getAEnd().hasCTag() || !got.getId().equals(c.getId())) {
      throw new IllegalStateException(
          "CreateCircuit " + c.getId() + " answered without an allocated c_tag: " + got);
    }
    lastId = c.getId();
    return nanos;
  }
}
