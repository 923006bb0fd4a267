package org.wayleave.controller.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.controller.store.StoreEvent;

/**
 * Each circuit's committed bandwidth by circuit id, kept beside the desired-state cache so the SNMP
 * poller's thread reads it without taking the cache's lock. It looks one up for every interface of
 * every poll; through the cache, at 10,000 routers polled while 100,000 statuses were written, that
 * thread spent most of its time waiting on the lock the status writes held (JFR), and every poll
 * waited with it.
 */
public final class CommittedRates implements ToLongFunction<String> {
  private final ResourceCache cache;
  private final ConcurrentHashMap<String, Long> mbps = new ConcurrentHashMap<>();

  private CommittedRates(ResourceCache cache) {
    this.cache = cache;
  }

  /** Follows {@code cache} from now on, starting from what it holds. */
  public static CommittedRates follow(ResourceCache cache) {
    CommittedRates r = new CommittedRates(cache);
    // Listen first, then fill: a change meanwhile is read again from the cache either way.
    cache.addListener(
        (rev, events) -> {
          for (StoreEvent e : events) {
            String key = e.kv().key();
            if (key.startsWith(Kind.CIRCUIT.prefix())) {
              r.refresh(key.substring(Kind.CIRCUIT.prefix().length()));
            }
          }
        });
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      r.refresh(c.getId());
    }
    return r;
  }

  private void refresh(String id) {
    Circuit c = cache.get(Kind.CIRCUIT, id);
    if (c == null) {
      mbps.remove(id);
    } else {
      mbps.put(id, c.getSpec().getCommittedMbps());
    }
  }

  /** The committed bandwidth of circuit {@code id} in Mbit/s, or 0 for no such circuit. */
  @Override
  public long applyAsLong(String id) {
    Long v = mbps.get(id);
    return v == null ? 0 : v;
  }
}
