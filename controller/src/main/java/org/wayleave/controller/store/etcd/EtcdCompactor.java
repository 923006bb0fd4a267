package org.wayleave.controller.store.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.CompactOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.StoreException;

/**
 * Compacts etcd's history of old values, which the store no longer needs: every {@code interval} it
 * notes etcd's revision, and compacts at the one it noted the time before. What is compacted is at
 * least one interval old; {@code listAt} of a store revision older than that fails with {@code
 * CompactedException}, while watches and the audit trail, which read the audit records (live keys),
 * lose nothing. Run by the leader only: one compactor per cluster.
 */
public final class EtcdCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdCompactor.class);

  /** How far behind etcd's head compaction stays, by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  private final KV kv;
  private final Duration interval;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "wayleave-etcd-compactor");
            t.setDaemon(true);
            return t;
          });
  private long noted;
  private volatile long compactedAt;

  EtcdCompactor(KV kv, Duration interval) {
    this.kv = kv;
    this.interval = interval;
  }

  public void start() {
    timer.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long now =
          Etcd.await(kv.get(EtcdKeys.bytes("\0")), "revision for compaction")
              .getHeader()
              .getRevision();
      if (noted > compactedAt) {
        Etcd.await(kv.compact(noted, CompactOption.DEFAULT), "compaction at " + noted);
        compactedAt = noted;
        log.info("etcd compacted at revision {} (head {})", noted, now);
      }
      noted = now;
    } catch (StoreException e) {
      if (Etcd.isCompacted(e)) {
        compactedAt = noted; // someone else compacted further already
      } else {
        log.warn("etcd compaction skipped: {}", e.getMessage());
      }
    }
  }

  /** The etcd revision last compacted at (0: none yet). */
  public long compactedAt() {
    return compactedAt;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
