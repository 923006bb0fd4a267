package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.VlanPool;

/**
 * A batch's staged changes on top of a base view: what the state would be if the batch were
 * applied. Lookups see staged objects first; staged deletes hide base objects.
 */
final class Overlay implements StateView {
  private static final Object DELETED = new Object();

  private final StateView base;
  private final Map<Kind<?>, Map<String, Object>> staged = new HashMap<>();
  private final CircuitIndex index = new CircuitIndex();

  /** What the base's versions of staged circuits contributed, now hidden. */
  private final CircuitIndex masked = new CircuitIndex();

  Overlay(StateView base) {
    this.base = base;
    for (Kind<?> k : Kind.ALL) {
      staged.put(k, new HashMap<>());
    }
  }

  /** Stages {@code obj} in place of whatever stood under its id. */
  <T extends Message> void put(Kind<T> kind, T obj) {
    mask(kind, kind.idOf(obj));
    Object prev = staged.get(kind).put(kind.idOf(obj), obj);
    unindex(kind, prev);
    if (kind == Kind.CIRCUIT) {
      index.add((Circuit) obj);
    } else if (kind == Kind.VLAN_POOL) {
      index.addPool((VlanPool) obj);
    }
  }

  /** {@link #put} for a message known to be of {@code kind}. */
  void putAny(Kind<?> kind, Message obj) {
    putCast(kind, obj);
  }

  private <T extends Message> void putCast(Kind<T> kind, Message obj) {
    put(kind, kind.cast(obj));
  }

  /** Stages the removal of {@code id}. */
  void delete(Kind<?> kind, String id) {
    mask(kind, id);
    Object prev = staged.get(kind).put(id, DELETED);
    unindex(kind, prev);
  }

  /** The first time a base circuit is staged over, its contributions leave the base figures. */
  private void mask(Kind<?> kind, String id) {
    if (kind == Kind.CIRCUIT && !staged.get(kind).containsKey(id)) {
      Circuit base = this.base.get(Kind.CIRCUIT, id);
      if (base != null) {
        masked.add(base);
      }
    }
  }

  private void unindex(Kind<?> kind, Object prev) {
    if (prev instanceof Circuit c) {
      index.remove(c);
    } else if (prev instanceof VlanPool p) {
      index.removePool(p);
    }
  }

  @Override
  public <T extends Message> T get(Kind<T> kind, String id) {
    Object s = staged.get(kind).get(id);
    if (s == DELETED) {
      return null;
    }
    if (s != null) {
      return kind.cast((Message) s);
    }
    return base.get(kind, id);
  }

  @Override
  public <T extends Message> Collection<T> all(Kind<T> kind) {
    Map<String, Object> mine = staged.get(kind);
    Collection<T> out = new ArrayList<>();
    for (T obj : base.all(kind)) {
      if (!mine.containsKey(kind.idOf(obj))) {
        out.add(obj);
      }
    }
    for (Object s : mine.values()) {
      if (s != DELETED) {
        out.add(kind.cast((Message) s));
      }
    }
    return out;
  }

  @Override
  public Set<String> circuitsOn(String device, String port) {
    return merge(Kind.CIRCUIT, base.circuitsOn(device, port), index.on(device, port));
  }

  @Override
  public Set<String> circuitsOnDevice(String device) {
    return merge(Kind.CIRCUIT, base.circuitsOnDevice(device), index.onDevice(device));
  }

  @Override
  public Set<String> poolsOf(String device) {
    return merge(Kind.VLAN_POOL, base.poolsOf(device), index.poolsOf(device));
  }

  @Override
  public String termOwner(String device, String port, int sTag, int cTag) {
    String key = CircuitIndex.termKey(device, port, sTag, cTag);
    String mine = index.owner(key);
    if (mine != null) {
      return mine;
    }
    return masked.owner(key) != null ? null : base.termOwner(device, port, sTag, cTag);
  }

  /** The circuit outside this batch that uses the termination, or null. */
  String ownerOutsideBatch(String device, String port, int sTag, int cTag) {
    String key = CircuitIndex.termKey(device, port, sTag, cTag);
    return masked.owner(key) != null ? null : base.termOwner(device, port, sTag, cTag);
  }

  @Override
  public BitSet usedCTags(String device, String port, int sTag) {
    String key = CircuitIndex.tagKey(device, port, sTag);
    BitSet used = (BitSet) base.usedCTags(device, port, sTag).clone();
    used.andNot(masked.used(key));
    used.or(index.used(key));
    return used;
  }

  @Override
  public long committedMbps(String device, String port) {
    String key = CircuitIndex.portKey(device, port);
    return base.committedMbps(device, port) - masked.committed(key) + index.committed(key);
  }

  /** Base ids not staged (staged ones may have moved or gone), plus staged ids. */
  private Set<String> merge(Kind<?> kind, Set<String> fromBase, Set<String> fromStage) {
    Map<String, Object> mine = staged.get(kind);
    Set<String> out = new TreeSet<>(fromStage);
    for (String id : fromBase) {
      if (!mine.containsKey(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
