package org.wayleave.controller.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * One watcher: replays history from a private connection, then delivers the live batches its {@link
 * WatchHub} offers, in revision order, one batch at a time.
 */
final class Subscription implements Watch {
  private static final Logger log = LoggerFactory.getLogger(Subscription.class);

  private final WatchHub hub;
  private final String prefix;
  private final WatchListener listener;
  private final long from;
  private final long replayTo;
  private final ArrayDeque<Batch> pending = new ArrayDeque<>();
  private boolean replaying = true;
  private boolean draining;
  private volatile boolean stopped;

  private record Batch(long rev, List<StoreEvent> events) {}

  Subscription(WatchHub hub, String prefix, WatchListener listener, long from, long replayTo) {
    this.hub = hub;
    this.prefix = prefix;
    this.listener = listener;
    this.from = from;
    this.replayTo = replayTo;
  }

  void offer(long rev, List<StoreEvent> events) {
    if (rev <= from) {
      return;
    }
    List<StoreEvent> mine = new ArrayList<>();
    for (StoreEvent e : events) {
      if (e.kv().key().startsWith(prefix)) {
        mine.add(e);
      }
    }
    if (mine.isEmpty()) {
      return;
    }
    boolean schedule;
    synchronized (this) {
      if (stopped) {
        return;
      }
      pending.add(new Batch(rev, List.copyOf(mine)));
      schedule = !replaying && !draining;
      if (schedule) {
        draining = true;
      }
    }
    if (schedule) {
      hub.execute(() -> guarded(this::drain));
    }
  }

  /**
   * Runs a delivery task so that nothing it throws, not even an Error, can stall the watch
   * silently: the watcher is told and the watch ends.
   */
  void guarded(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      log.error("watch on {} failed", prefix, t);
      fail(new StoreException("watch delivery failed: " + t, t));
      if (t instanceof Error e && !(t instanceof LinkageError)) {
        throw e;
      }
    }
  }

  void replayThenDrain() {
    if (from < replayTo) {
      try {
        replay();
      } catch (SQLException | RuntimeException e) {
        fail(new StoreException("watch replay failed: " + e.getMessage(), e));
        return;
      }
    }
    synchronized (this) {
      replaying = false;
      draining = true;
    }
    drain();
  }

  private void replay() throws SQLException {
    try (Connection c = SqliteSchema.connect(hub.dbPath());
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT * FROM log WHERE rev > ? AND rev <= ? AND "
                    + Rows.keyRange("key", prefix)
                    + " ORDER BY rev, seq")) {
      ps.setLong(1, from);
      ps.setLong(2, replayTo);
      Rows.bindKeyRange(ps, 3, prefix);
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        long curRev = -1;
        List<StoreEvent> batch = new ArrayList<>();
        while (rs.next() && !stopped) {
          long rev = rs.getLong("rev");
          if (rev != curRev && !batch.isEmpty()) {
            deliver(curRev, batch);
            batch = new ArrayList<>();
          }
          curRev = rev;
          batch.add(Rows.eventFromLog(rs, rev));
        }
        if (!batch.isEmpty() && !stopped) {
          deliver(curRev, batch);
        }
      }
    }
  }

  private void drain() {
    while (true) {
      Batch b;
      synchronized (this) {
        b = pending.poll();
        if (b == null || stopped) {
          draining = false;
          return;
        }
      }
      deliver(b.rev, b.events);
    }
  }

  private void deliver(long rev, List<StoreEvent> events) {
    if (stopped) {
      return;
    }
    try {
      listener.onEvents(rev, List.copyOf(events));
    } catch (RuntimeException e) {
      log.warn("watch listener on {} threw; closing the watch", prefix, e);
      fail(e);
    }
  }

  void fail(Throwable t) {
    close();
    try {
      listener.onError(t);
    } catch (RuntimeException e) {
      log.debug("watch listener onError threw", e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      stopped = true;
      pending.clear();
    }
    hub.remove(this);
  }
}
