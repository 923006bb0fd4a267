package org.wayleave.controller.store.sqlite;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.WatchListener;

/**
 * The store's watchers: registers each {@link Subscription}, hands every committed batch to all of
 * them, and runs their deliveries (history replay, then live batches) on daemon threads of its own.
 */
final class WatchHub {
  private final Path dbPath;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final ExecutorService dispatcher;

  WatchHub(Path dbPath) {
    this.dbPath = dbPath;
    AtomicInteger n = new AtomicInteger();
    this.dispatcher =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "wayleave-store-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Registers a watcher of the revisions after {@code from}, history up to {@code replayTo}. Call
   * under the store's write lock, with {@code replayTo} the store's revision: every revision up to
   * it then comes from history and every later one from {@link #publish}, none missed or twice.
   */
  Subscription register(String prefix, WatchListener listener, long from, long replayTo) {
    Subscription sub = new Subscription(this, prefix, listener, from, replayTo);
    subscriptions.add(sub);
    return sub;
  }

  /** Starts a registered watcher's delivery: its history first, then the live batches. */
  void start(Subscription sub) {
    dispatcher.execute(() -> sub.guarded(sub::replayThenDrain));
  }

  /** Hands the changes committed at {@code rev} to every watcher. */
  void publish(long rev, List<StoreEvent> events) {
    for (Subscription s : subscriptions) {
      s.offer(rev, events);
    }
  }

  /** The database file, for a watcher's history connection. */
  Path dbPath() {
    return dbPath;
  }

  /** Runs a delivery task on the hub's threads. */
  void execute(Runnable task) {
    dispatcher.execute(task);
  }

  void remove(Subscription sub) {
    subscriptions.remove(sub);
  }

  /** Ends every watch with "store closed" and waits (up to 5 s) for deliveries under way. */
  void close() {
    for (Subscription s : subscriptions) {
      s.fail(new StoreException("store closed"));
    }
    dispatcher.shutdown();
    try {
      dispatcher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
