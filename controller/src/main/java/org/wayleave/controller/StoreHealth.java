package org.wayleave.controller;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreException;

/**
 * Whether the store answers, probed in the background every {@value #PROBE_MILLIS} ms, so {@code
 * /readyz} answers at once even while etcd hangs without quorum: ready while the last read
 * succeeded within {@link #STALE_AFTER}; otherwise failing with the last error (which names etcd).
 */
final class StoreHealth implements AutoCloseable {
  static final long PROBE_MILLIS = 500;
  static final Duration STALE_AFTER = Duration.ofSeconds(3);

  private final StateStore store;
  private final ScheduledExecutorService probe =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "wayleave-store-probe");
            t.setDaemon(true);
            return t;
          });
  private volatile long okAt = System.nanoTime();
  private volatile String lastError = "";
  private volatile long revision;

  private final String what;

  /** {@code what} names the store in messages, e.g. {@code etcd at [http://...]}. */
  StoreHealth(StateStore store, String what) {
    this.store = store;
    this.what = what;
  }

  void start() {
    probe.scheduleWithFixedDelay(this::probeOnce, 0, PROBE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void probeOnce() {
    try {
      store.get(Kind.ROOT);
      revision = store.revision();
      okAt = System.nanoTime();
      lastError = "";
    } catch (RuntimeException e) {
      lastError = e.getMessage();
    }
  }

  /**
   * Passes if the store answered lately.
   *
   * @throws StoreException saying what the store last said, or how long it has been silent
   */
  boolean check() {
    long silentMs = (System.nanoTime() - okAt) / 1_000_000;
    String error = lastError;
    if (!error.isEmpty()) {
      throw new StoreException(error);
    }
    if (silentMs > STALE_AFTER.toMillis()) {
      throw new StoreException(what + " has not answered for " + silentMs + " ms");
    }
    return true;
  }

  /** The store's revision at the last probe that succeeded. */
  long revision() {
    return revision;
  }

  @Override
  public void close() {
    probe.shutdownNow();
  }
}
