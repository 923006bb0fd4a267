package org.wayleave.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.GetRequest;

/**
 * The floor a create is judged against (issue 18: create p50 at most twice it): a unary read round
 * trip on the very channel the creates use (GetCircuit of a circuit they made: transport, TLS,
 * authentication and the server's plumbing, a cache read, no write) plus one durable store
 * transaction ({@link StoreTxnProbe}: one compare and one put of a stored circuit's size, on a
 * fresh store of its own on the same filesystem, {@code synchronous=FULL}). Run a block at a time
 * between the creates' blocks, so both see the same machine.
 */
final class FloorPhase implements AutoCloseable {
  /** The read round trips and the store transactions; the floor is the sum of their p50s. */
  record Result(Latency get, Latency txn) {
    double p50Ms() {
      return get.percentileMs(50) + txn.percentileMs(50);
    }
  }

  private final CoreClient client;
  private final Supplier<List<String>> ids;
  private final StoreTxnProbe txns;
  private final Latency get = new Latency();
  private final Latency txn = new Latency();
  private int calls;

  private FloorPhase(CoreClient client, Supplier<List<String>> ids, StoreTxnProbe txns) {
    this.client = client;
    this.ids = ids;
    this.txns = txns;
  }

  /**
   * The floor of {@code client}'s channel, reading the circuits {@code ids} names in turn, with a
   * store under {@code dir} for transactions of {@code value}.
   */
  static FloorPhase open(CoreClient client, Supplier<List<String>> ids, Path dir, byte[] value) {
    return new FloorPhase(client, ids, StoreTxnProbe.open(dir, value));
  }

  /** {@code count} reads and as many transactions, unmeasured. */
  void warmup(int count) throws InterruptedException {
    reads(count, null);
    txns.singles(count, null, null);
  }

  /** {@code count} reads and as many transactions, measured. */
  void measure(int count) throws InterruptedException {
    reads(count, get);
    txns.singles(count, txn, null);
  }

  Result result() {
    return new Result(get, txn);
  }

  private void reads(int count, Latency into) {
    Latency l = gets(client, ids.get(), calls, count);
    calls += count;
    if (into != null) {
      into.add(l);
    }
  }

  /** GetCircuit of {@code ids} in turn from the {@code from}th: {@code count} calls, timed. */
  static Latency gets(CoreClient client, List<String> ids, int from, int count) {
    Latency get = new Latency();
    for (int i = from; i < from + count; i++) {
      GetRequest req = GetRequest.newBuilder().setId(ids.get(i % ids.size())).build();
      CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
      long t0 = System.nanoTime();
      stub.getCircuit(req);
      get.recordSince(t0);
    }
    return get;
  }

  @Override
  public void close() {
    txns.close();
  }
}
