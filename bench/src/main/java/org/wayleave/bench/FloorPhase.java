package org.wayleave.bench;

import java.nio.file.Path;
import java.util.List;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.GetRequest;

/**
 * The floor a create is judged against (issue 18: create p50 at most twice it): a unary read round
 * trip on the very channel the creates used (GetCircuit of a circuit they made: transport, TLS,
 * authentication and the server's plumbing, a cache read, no write) plus one durable store
 * transaction ({@link StoreTxnProbe}: one compare and one put of a stored circuit's size, on a
 * fresh store of its own on the same filesystem, {@code synchronous=FULL}). Measured in the same
 * run, right after the creates, so the machine is the same for both.
 */
final class FloorPhase {
  private FloorPhase() {}

  /** The read round trips and the store transactions; the floor is the sum of their p50s. */
  record Result(Latency get, Latency txn) {
    double p50Ms() {
      return get.percentileMs(50) + txn.percentileMs(50);
    }
  }

  /**
   * {@code warmup} unmeasured and {@code count} measured reads of {@code ids} in turn, then as many
   * store transactions of {@code value} in a store under {@code dir}.
   */
  static Result run(
      CoreClient client,
      List<String> ids,
      byte[] value,
      Path dir,
      int warmup,
      int count,
      Progress progress)
      throws Exception {
    progress.say(
        "floor: %d warmup + %d measured GetCircuit on the same channel, then as many store"
            + " transactions",
        warmup, count);
    Latency get = gets(client, ids, warmup, count);
    StoreTxnProbe.Result txn = StoreTxnProbe.run(dir, value, warmup, count, 0, 0);
    return new Result(get, txn.txn());
  }

  /** GetCircuit of {@code ids} in turn: {@code warmup} unmeasured calls, then {@code count}. */
  static Latency gets(CoreClient client, List<String> ids, int warmup, int count) {
    Latency get = new Latency();
    for (int i = 0; i < warmup + count; i++) {
      GetRequest req = GetRequest.newBuilder().setId(ids.get(i % ids.size())).build();
      CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
      long t0 = System.nanoTime();
      stub.getCircuit(req);
      long nanos = System.nanoTime() - t0;
      if (i >= warmup) {
        get.record(nanos);
      }
    }
    return get;
  }
}
