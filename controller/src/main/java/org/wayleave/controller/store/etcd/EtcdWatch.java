package org.wayleave.controller.store.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch.Listener;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * One store watch, fed by the audit records (the store's change log). It reads the records after
 * its starting revision at one etcd revision, then watches the audit prefix from the next etcd
 * revision. Everything runs on the watch's own thread, so the listener is called in order and never
 * concurrently; a record at or below the last one handled is skipped (no duplicate), and one that
 * skips a revision, or an etcd stream that fails, ends or is compacted away, makes the watch read
 * the missing records again and watch anew from there (no gap). As the records are live keys,
 * compaction never removes them.
 */
final class EtcdWatch implements Watch {
  private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);
  private static final long RETRY_MILLIS = 200;

  private final Client client;
  private final EtcdKeys keys;
  private final String prefix;
  private final WatchListener listener;
  private final Consumer<EtcdWatch> onEnd;
  private final ScheduledExecutorService thread;
  private final EtcdAuditReader reader;

  // Touched only on the watch's thread (stopping also closes the etcd watcher).
  private long lastHandled;
  private long generation;
  private final AtomicReference<Watcher> watcher = new AtomicReference<>();

  /** Held around every listener call: an error never overlaps an event. */
  private final Object listenerLock = new Object();

  private volatile boolean ended;

  EtcdWatch(
      Client client,
      EtcdKeys keys,
      String prefix,
      WatchListener listener,
      Consumer<EtcdWatch> onEnd) {
    this.client = client;
    this.keys = keys;
    this.prefix = prefix;
    this.listener = listener;
    this.onEnd = onEnd;
    this.reader = new EtcdAuditReader(client.getKVClient(), keys);
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "etcd-watch " + prefix);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts delivering every revision after {@code fromRevision}. */
  void start(long fromRevision) {
    onThread(
        () -> {
          lastHandled = fromRevision;
          resync();
        });
  }

  /** Reads the records after the last one handled, then watches from the etcd revision read at. */
  private void resync() {
    if (ended) {
      return;
    }
    closeWatcher();
    long gen = ++generation;
    try {
      long readAt = reader.history(lastHandled, 0, this::handle);
      if (ended) {
        return;
      }
      WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(readAt + 1).build();
      watcher.set(client.getWatchClient().watch(keys.auditPrefix(), opt, streamListener(gen)));
      if (ended) {
        closeWatcher();
      }
    } catch (RuntimeException e) {
      log.warn("watch of {} could not catch up, trying again: {}", prefix, e.getMessage());
      retryLater();
    }
  }

  /** Moves what the etcd stream of generation {@code gen} says onto the watch's thread. */
  private Listener streamListener(long gen) {
    return new Listener() {
      @Override
      public void onNext(WatchResponse response) {
        onThread(() -> onResponse(gen, response));
      }

      @Override
      public void onError(Throwable error) {
        onThread(() -> onStreamEnd(gen, error));
      }

      @Override
      public void onCompleted() {
        onThread(() -> onStreamEnd(gen, null));
      }
    };
  }

  private void onResponse(long gen, WatchResponse response) {
    if (gen != generation || ended) {
      return;
    }
    for (WatchEvent e : response.getEvents()) {
      if (e.getEventType() != WatchEvent.EventType.PUT) {
        continue;
      }
      AuditRecord record = EtcdCodec.decodeAudit(e.getKeyValue().getValue().getBytes());
      if (record.revision() <= lastHandled) {
        continue;
      }
      if (record.revision() != lastHandled + 1) {
        // A revision went missing from the stream: read it from the log.
        resync();
        return;
      }
      handle(record);
    }
  }

  private void onStreamEnd(long gen, Throwable error) {
    if (gen != generation || ended) {
      return;
    }
    if (error != null && !Etcd.isCompacted(error)) {
      log.warn("etcd watch stream of {} failed, resuming: {}", prefix, error.getMessage());
    } else {
      log.debug("etcd watch stream of {} ended, resuming after {}", prefix, lastHandled);
    }
    resync();
  }

  /** Hands {@code record}'s changes under the prefix to the listener. */
  private void handle(AuditRecord record) {
    if (ended || record.revision() <= lastHandled) {
      return;
    }
    lastHandled = record.revision();
    List<StoreEvent> mine = new ArrayList<>();
    for (StoreEvent e : record.changes()) {
      if (e.kv().key().startsWith(prefix)) {
        mine.add(e);
      }
    }
    if (mine.isEmpty()) {
      return;
    }
    synchronized (listenerLock) {
      if (ended) {
        return;
      }
      try {
        listener.onEvents(record.revision(), List.copyOf(mine));
      } catch (RuntimeException e) {
        log.warn("watch listener of {} failed at revision {}", prefix, record.revision(), e);
      }
    }
  }

  private void retryLater() {
    if (ended) {
      return;
    }
    try {
      thread.schedule(this::resync, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      log.debug("watch of {} already shut down", prefix);
    }
  }

  private void onThread(Runnable task) {
    try {
      thread.execute(task);
    } catch (RuntimeException e) {
      log.debug("watch of {} already shut down", prefix);
    }
  }

  private void closeWatcher() {
    Watcher w = watcher.getAndSet(null);
    if (w != null) {
      try {
        w.close();
      } catch (RuntimeException e) {
        log.debug("closing an etcd watcher failed", e);
      }
    }
  }

  /**
   * Ends the watch with {@code error} (the store closed): one {@code onError}, on the caller's
   * thread once any event being delivered is done, and nothing after.
   */
  void fail(Throwable error) {
    if (end()) {
      stop();
      synchronized (listenerLock) {
        try {
          listener.onError(error);
        } catch (RuntimeException e) {
          log.warn("watch listener of {} failed on error", prefix, e);
        }
      }
    }
  }

  @Override
  public void close() {
    if (end()) {
      stop();
    }
  }

  /** Closes the etcd stream and stops the thread, interrupting an etcd read it may wait on. */
  private void stop() {
    closeWatcher();
    thread.shutdownNow();
  }

  private boolean end() {
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
    }
    onEnd.accept(this);
    return true;
  }
}
