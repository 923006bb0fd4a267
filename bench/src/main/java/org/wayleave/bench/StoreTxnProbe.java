package org.wayleave.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * The store alone, on a fresh store of its own (same class, same filesystem) with one watcher as
 * the controller's cache has: single-put transactions (the durable write, and until the watcher
 * sees it) and batch transactions until the watcher sees them. The core benchmark's floor and
 * diagnostics use it.
 */
final class StoreTxnProbe implements AutoCloseable {
  private final Semaphore seen = new Semaphore(0);
  private final AtomicLong seenRev = new AtomicLong();
  private final byte[] value;
  private final StateStore store;
  private final Watch watch;
  private int singles;

  /** Single-put transaction latency, the same until watched, and each batch until watched. */
  record Result(Latency txn, Latency toWatch, List<Long> batchTxn) {}

  private StoreTxnProbe(Path dir, byte[] value) {
    this.value = value;
    this.store = SqliteStateStore.open(dir);
    this.watch =
        store.watch(
            Kind.ROOT,
            0,
            new WatchListener() {
              @Override
              public void onEvents(long rev, List<StoreEvent> events) {
                seenRev.set(rev);
                seen.release();
              }

              @Override
              public void onError(Throwable error) {
                seen.release();
              }
            });
  }

  /** A store opened in {@code dir}, to put {@code value} under new keys. */
  static StoreTxnProbe open(Path dir, byte[] value) {
    return new StoreTxnProbe(dir, value);
  }

  /**
   * {@code singles} measured single puts after {@code warmup} unmeasured ones, then {@code runs}
   * transactions of {@code batch} puts each, in a store opened in {@code dir}.
   */
  static Result run(Path dir, byte[] value, int warmup, int singles, int runs, int batch)
      throws Exception {
    try (StoreTxnProbe probe = open(dir, value)) {
      Latency txn = new Latency();
      Latency toWatch = new Latency();
      probe.singles(warmup, null, null);
      probe.singles(singles, txn, toWatch);
      return new Result(txn, toWatch, probe.batches(runs, batch));
    }
  }

  /**
   * {@code count} transactions of one compare and one put each, timed into {@code txn} (until
   * committed) and {@code toWatch} (until the watcher has it) where not null.
   */
  void singles(int count, Latency txn, Latency toWatch) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      String key = Kind.CIRCUIT.key(String.format("BENCH-S-%06d", ++singles));
      Txn t =
          Txn.builder(new Audit("bench:diag", "create circuit"))
              .compare(Compare.modRevision(key, 0))
              .put(key, value)
              .build();
      long t0 = System.nanoTime();
      TxnResult r = store.txn(t);
      long t1 = System.nanoTime();
      if (!r.succeeded()) {
        throw new IllegalStateException("diagnostic store txn refused");
      }
      awaitWatched(r.revision());
      long t2 = System.nanoTime();
      if (txn != null) {
        txn.record(t1 - t0);
      }
      if (toWatch != null) {
        toWatch.record(t2 - t0);
      }
    }
  }

  /** {@code runs} transactions of {@code batch} puts each, each timed until watched. */
  List<Long> batches(int runs, int batch) throws InterruptedException {
    List<Long> batchTxn = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      Txn.Builder b = Txn.builder(new Audit("bench:diag", "apply batch"));
      for (int i = 1; i <= batch; i++) {
        String key = Kind.CIRCUIT.key(String.format("BENCH-SB%d-%06d", r, i));
        b.compare(Compare.modRevision(key, 0)).put(key, value);
      }
      Txn t = b.build();
      long t0 = System.nanoTime();
      TxnResult res = store.txn(t);
      awaitWatched(res.revision());
      batchTxn.add(System.nanoTime() - t0);
    }
    return batchTxn;
  }

  /** Waits until the watcher has seen {@code revision}. */
  private void awaitWatched(long revision) throws InterruptedException {
    while (seenRev.get() < revision) {
      if (!seen.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "diagnostic store watch did not deliver revision " + revision);
      }
    }
  }

  @Override
  public void close() {
    watch.close();
    store.close();
  }
}
