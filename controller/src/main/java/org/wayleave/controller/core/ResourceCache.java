package org.wayleave.controller.core;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.Range;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * An in-memory mirror of the desired state, rebuilt from the store by list + watch from the
 * listing's revision, with the indexes validation needs. The store stays the only source of truth:
 * this cache is only ever changed by store events, in revision order.
 *
 * <p>Readers hold {@link #readLock()} while they look at several objects that must agree.
 */
public final class ResourceCache implements StateView, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResourceCache.class);

  private final Map<Kind<?>, TreeMap<String, Message>> objects = new HashMap<>();

  /** The same by id, for lookups: a TreeMap compares a dozen long ids a lookup at 100,000. */
  private final Map<Kind<?>, HashMap<String, Message>> byId = new HashMap<>();

  private final Map<String, CircuitStatus> statuses = new HashMap<>();
  private final CircuitIndex index = new CircuitIndex();
  private final DesiredSubInterfaces subInterfaces = new DesiredSubInterfaces();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Condition advanced = lock.writeLock().newCondition();
  private final List<CacheListener> listeners = new CopyOnWriteArrayList<>();
  private volatile long revision;
  private volatile Throwable failure;
  private Watch watch;

  /** Told after the cache applied a revision; called on the store's watch thread. */
  public interface CacheListener {
    void onApplied(long revision, List<StoreEvent> events);
  }

  private ResourceCache() {
    for (Kind<?> k : Kind.ALL) {
      objects.put(k, new TreeMap<>());
      byId.put(k, new HashMap<>());
    }
  }

  /** Loads every object from {@code store} and follows it from then on. */
  public static ResourceCache load(StateStore store) {
    ResourceCache cache = new ResourceCache();
    Range range = store.list(Kind.ROOT);
    cache.lock.writeLock().lock();
    try {
      for (KeyValue kv : range.kvs()) {
        cache.put(kv);
      }
      cache.revision = range.revision();
    } finally {
      cache.lock.writeLock().unlock();
    }
    cache.watch =
        store.watch(
            Kind.ROOT,
            range.revision(),
            new WatchListener() {
              @Override
              public void onEvents(long rev, List<StoreEvent> events) {
                cache.apply(rev, events);
              }

              @Override
              public void onError(Throwable error) {
                cache.fail(error);
              }
            });
    log.info(
        "desired-state cache loaded: {} objects at revision {}",
        range.kvs().size(),
        range.revision());
    return cache;
  }

  public void addListener(CacheListener l) {
    listeners.add(l);
  }

  void apply(long rev, List<StoreEvent> events) {
    lock.writeLock().lock();
    try {
      for (StoreEvent e : events) {
        if (e.type() == StoreEvent.Type.PUT) {
          put(e.kv());
        } else {
          remove(e.kv().key());
        }
      }
      revision = rev;
      advanced.signalAll();
    } finally {
      lock.writeLock().unlock();
    }
    for (CacheListener l : listeners) {
      try {
        l.onApplied(rev, events);
      } catch (RuntimeException ex) {
        log.warn("cache listener failed at revision {}", rev, ex);
      }
    }
  }

  private void fail(Throwable error) {
    lock.writeLock().lock();
    try {
      failure = error;
      advanced.signalAll();
    } finally {
      lock.writeLock().unlock();
    }
    log.error("desired-state cache lost its store watch", error);
  }

  private void put(KeyValue kv) {
    String key = kv.key();
    if (key.startsWith(Kind.CIRCUIT_STATUS_PREFIX)) {
      try {
        statuses.put(
            key.substring(Kind.CIRCUIT_STATUS_PREFIX.length()),
            CircuitStatus.parseFrom(kv.value()));
      } catch (InvalidProtocolBufferException e) {
        throw new StoreException("stored value of " + key + " is not a circuit status", e);
      }
      return;
    }
    Kind<?> kind = Kind.ofKey(key);
    if (kind == null) {
      return;
    }
    Hint hint = hints.isEmpty() ? null : hints.remove(key);
    Message obj =
        hint != null && hint.bytes == kv.value()
            ? withRevisions(kind, hint.obj, kv)
            : withRevisions(kind, kv);
    String objId = kind.idOfAny(obj);
    byId.get(kind).put(objId, obj);
    Message prev = objects.get(kind).put(objId, obj);
    reindex(kind, prev, obj);
  }

  private static <T extends Message> T withRevisions(Kind<T> kind, KeyValue kv) {
    return withRevisions(kind, kind.parse(kv.key(), kv.value()), kv);
  }

  private static <T extends Message> T withRevisions(Kind<T> kind, Message parsed, KeyValue kv) {
    T obj = kind.cast(parsed);
    ObjectMeta meta =
        kind.metaOf(obj).toBuilder()
            .setRevision(kv.modRevision())
            .setCreateRevision(kv.createRevision())
            .build();
    return kind.withMeta(obj, meta);
  }

  private void remove(String key) {
    if (key.startsWith(Kind.CIRCUIT_STATUS_PREFIX)) {
      statuses.remove(key.substring(Kind.CIRCUIT_STATUS_PREFIX.length()));
      return;
    }
    Kind<?> kind = Kind.ofKey(key);
    if (kind == null) {
      return;
    }
    String objId = key.substring(kind.prefix().length());
    byId.get(kind).remove(objId);
    Message prev = objects.get(kind).remove(objId);
    reindex(kind, prev, null);
  }

  private void reindex(Kind<?> kind, Message prev, Message next) {
    if (kind == Kind.CIRCUIT) {
      if (prev != null) {
        index.remove((Circuit) prev);
        subInterfaces.remove((Circuit) prev);
      }
      if (next != null) {
        index.add((Circuit) next);
        subInterfaces.add((Circuit) next);
      }
    } else if (kind == Kind.VLAN_POOL) {
      if (prev != null) {
        index.removePool((VlanPool) prev);
      }
      if (next != null) {
        index.addPool((VlanPool) next);
      }
    }
  }

  /** The revision of the last change applied. */
  public long revision() {
    return revision;
  }

  /**
   * Waits until the cache has applied {@code rev}.
   *
   * @return false on timeout
   * @throws StoreException if the cache lost its watch
   */
  public boolean awaitRevision(long rev, Duration timeout) throws InterruptedException {
    if (revision >= rev) {
      return true;
    }
    long nanos = timeout.toNanos();
    lock.writeLock().lock();
    try {
      while (revision < rev) {
        if (failure != null) {
          throw new StoreException("desired-state cache failed: " + failure.getMessage(), failure);
        }
        if (nanos <= 0) {
          return false;
        }
        nanos = advanced.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Held by readers that look at several objects which must agree. */
  public ReentrantReadWriteLock.ReadLock readLock() {
    return lock.readLock();
  }

  @Override
  public <T extends Message> T get(Kind<T> kind, String id) {
    lock.readLock().lock();
    try {
      Message m = byId.get(kind).get(id);
      return m == null ? null : kind.cast(m);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The circuit with its status merged in, or null. */
  public Circuit circuitWithStatus(String id) {
    lock.readLock().lock();
    try {
      Circuit c = (Circuit) byId.get(Kind.CIRCUIT).get(id);
      return c == null ? null : withStatus(c);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Circuits with a stored status, by phase, in one pass (one never given one: PENDING). */
  public Map<CircuitPhase, Integer> statusCounts() {
    Map<CircuitPhase, Integer> out = new EnumMap<>(CircuitPhase.class);
    lock.readLock().lock();
    try {
      for (CircuitStatus st : statuses.values()) {
        out.merge(st.getPhase(), 1, Integer::sum);
      }
    } finally {
      lock.readLock().unlock();
    }
    return out;
  }

  /**
   * The phase of {@code c} as stored, or its implicit PENDING, without {@link #withStatus}' copy.
   */
  public CircuitPhase phaseOf(Circuit c) {
    CircuitStatus st = statuses.get(c.getId());
    return st != null ? st.getPhase() : CircuitStatuses.initial(c).getPhase();
  }

  /** {@code c} with its current status, or the implicit PENDING status of a new circuit. */
  public Circuit withStatus(Circuit c) {
    CircuitStatus st = statuses.get(c.getId());
    return c.toBuilder().setStatus(st != null ? st : CircuitStatuses.initial(c)).build();
  }

  @Override
  public <T extends Message> Collection<T> all(Kind<T> kind) {
    return list(kind);
  }

  /** Every object of a kind, sorted by id. */
  public <T extends Message> List<T> list(Kind<T> kind) {
    lock.readLock().lock();
    try {
      List<T> out = new ArrayList<>(objects.get(kind).size());
      for (Message m : objects.get(kind).values()) {
        out.add(kind.cast(m));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Objects of a kind with id greater than {@code afterId} (all if empty), sorted, as a live view.
   * Callers must hold {@link #readLock()} while iterating.
   */
  public <T extends Message> Collection<Message> tail(Kind<T> kind, String afterId) {
    TreeMap<String, Message> m = objects.get(kind);
    return Collections.unmodifiableCollection(
        afterId.isEmpty() ? m.values() : m.tailMap(afterId, false).values());
  }

  public int count(Kind<?> kind) {
    lock.readLock().lock();
    try {
      return objects.get(kind).size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Set<String> circuitsOn(String device, String port) {
    return index.on(device, port);
  }

  /**
   * {@code device}'s desired configuration, as {@link DeviceConfigs#desired} derives it from the
   * circuits on the device, read off an index the cache keeps as they change: one pass over the
   * device's sub-interfaces, no lookup per circuit.
   */
  public DeviceConfig desiredConfig(String device) {
    lock.readLock().lock();
    try {
      return subInterfaces.config(device);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public String termOwner(String device, String port, int sTag, int cTag) {
    return index.owner(CircuitIndex.termKey(device, port, sTag, cTag));
  }

  @Override
  public BitSet usedCTags(String device, String port, int sTag) {
    return index.used(CircuitIndex.tagKey(device, port, sTag));
  }

  @Override
  public long committedMbps(String device, String port) {
    return index.committed(CircuitIndex.portKey(device, port));
  }

  /**
   * This cache as a view that takes no lock per lookup, for a caller that holds {@link #readLock()}
   * for the whole of its work (the planner).
   */
  public StateView unlocked() {
    return unlocked;
  }

  private final StateView unlocked =
      new StateView() {
        @Override
        public <T extends Message> T get(Kind<T> kind, String id) {
          Message m = byId.get(kind).get(id);
          return m == null ? null : kind.cast(m);
        }

        @Override
        public <T extends Message> Collection<T> all(Kind<T> kind) {
          List<T> out = new ArrayList<>(objects.get(kind).size());
          for (Message m : objects.get(kind).values()) {
            out.add(kind.cast(m));
          }
          return out;
        }

        @Override
        public Set<String> circuitsOn(String device, String port) {
          return ResourceCache.this.circuitsOn(device, port);
        }

        @Override
        public Set<String> circuitsOnDevice(String device) {
          return ResourceCache.this.circuitsOnDevice(device);
        }

        @Override
        public Set<String> poolsOf(String device) {
          return ResourceCache.this.poolsOf(device);
        }

        @Override
        public String termOwner(String device, String port, int sTag, int cTag) {
          return ResourceCache.this.termOwner(device, port, sTag, cTag);
        }

        @Override
        public BitSet usedCTags(String device, String port, int sTag) {
          return ResourceCache.this.usedCTags(device, port, sTag);
        }

        @Override
        public long committedMbps(String device, String port) {
          return ResourceCache.this.committedMbps(device, port);
        }
      };

  // ------------------------------------------------------------------ write hints

  private record Hint(byte[] bytes, Message obj) {}

  /** Replaced, never cleared: clearing walks a table as large as the largest batch made it. */
  private volatile ConcurrentHashMap<String, Hint> hints = new ConcurrentHashMap<>();

  /**
   * {@code key} is about to be written with exactly {@code bytes}, encoding {@code obj}: an event
   * with that very array takes the object instead of parsing (never changes what is held).
   */
  public void expect(String key, byte[] bytes, Message obj) {
    hints.put(key, new Hint(bytes, obj));
  }

  /** Drops hints that were not used (the write failed or wrote other bytes). */
  public void forgetHints() {
    if (!hints.isEmpty()) {
      hints = new ConcurrentHashMap<>();
    }
  }

  @Override
  public Set<String> circuitsOnDevice(String device) {
    return index.onDevice(device);
  }

  @Override
  public Set<String> poolsOf(String device) {
    return index.poolsOf(device);
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
  }

  /** Waits for {@code rev} up to a generous bound; false if it was not reached. */
  boolean awaitRevisionQuietly(long rev) {
    try {
      awaitRevisionOrThrow(rev);
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  /** Waits for {@code rev} up to a generous bound; a miss means the store watch is stuck. */
  public void awaitRevisionOrThrow(long rev) {
    try {
      if (!awaitRevision(rev, Duration.ofSeconds(30))) {
        throw new StoreException(
            "desired-state cache did not reach revision " + rev + " within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted waiting for revision " + rev, e);
    }
  }
}
