package org.wayleave.controller.core;

import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;

/** Secondary indexes: circuits by device port and by device, pools by device. Not thread-safe. */
final class CircuitIndex {
  private final Map<String, Map<String, Set<String>>> byPort = new HashMap<>();
  private final Map<String, Set<String>> byDevice = new HashMap<>();
  private final Map<String, Set<String>> poolsByDevice = new HashMap<>();

  /** Termination key to the circuit using it. */
  private final Map<String, String> termOwner = new HashMap<>();

  /** (device, port, s-tag) to the c-tags in use there. */
  private final Map<String, BitSet> usedTags = new HashMap<>();

  /** (device, port) to the committed Mbit/s of the circuit ends on it. */
  private final Map<String, Long> committed = new HashMap<>();

  static String portKey(String device, String port) {
    return device + '\0' + port;
  }

  static String tagKey(String device, String port, int sTag) {
    return device + '\0' + port + '\0' + sTag;
  }

  static String termKey(String device, String port, int sTag, int cTag) {
    return device + '\0' + port + '\0' + sTag + '\0' + cTag;
  }

  static String termKey(Termination t) {
    return termKey(t.getDevice(), t.getPort(), t.hasSTag() ? t.getSTag() : 0, t.getCTag());
  }

  static String tagKey(Termination t) {
    return tagKey(t.getDevice(), t.getPort(), t.hasSTag() ? t.getSTag() : 0);
  }

  void add(Circuit c) {
    for (Termination t : CircuitEnds.of(c)) {
      committed.merge(
          portKey(t.getDevice(), t.getPort()), c.getSpec().getCommittedMbps(), Long::sum);
      if (t.hasCTag()) {
        termOwner.put(termKey(t), c.getId());
        usedTags.computeIfAbsent(tagKey(t), k -> new BitSet(VlanRules.MAX + 1)).set(t.getCTag());
      }
      byPort
          .computeIfAbsent(t.getDevice(), d -> new HashMap<>())
          .computeIfAbsent(t.getPort(), p -> new TreeSet<>())
          .add(c.getId());
      byDevice.computeIfAbsent(t.getDevice(), d -> new TreeSet<>()).add(c.getId());
    }
  }

  void remove(Circuit c) {
    for (Termination t : CircuitEnds.of(c)) {
      committed.computeIfPresent(
          portKey(t.getDevice(), t.getPort()),
          (k, v) ->
              v - c.getSpec().getCommittedMbps() == 0 ? null : v - c.getSpec().getCommittedMbps());
      if (t.hasCTag() && termOwner.remove(termKey(t), c.getId())) {
        BitSet used = usedTags.get(tagKey(t));
        if (used != null) {
          used.clear(t.getCTag());
          if (used.isEmpty()) {
            usedTags.remove(tagKey(t));
          }
        }
      }
      Map<String, Set<String>> ports = byPort.get(t.getDevice());
      if (ports != null) {
        Set<String> ids = ports.get(t.getPort());
        if (ids != null) {
          ids.remove(c.getId());
          if (ids.isEmpty()) {
            ports.remove(t.getPort());
          }
        }
        if (ports.isEmpty()) {
          byPort.remove(t.getDevice());
        }
      }
      Set<String> ids = byDevice.get(t.getDevice());
      if (ids != null) {
        ids.remove(c.getId());
        if (ids.isEmpty()) {
          byDevice.remove(t.getDevice());
        }
      }
    }
  }

  void addPool(VlanPool p) {
    poolsByDevice.computeIfAbsent(p.getDevice(), d -> new TreeSet<>()).add(p.getId());
  }

  void removePool(VlanPool p) {
    Set<String> ids = poolsByDevice.get(p.getDevice());
    if (ids != null) {
      ids.remove(p.getId());
      if (ids.isEmpty()) {
        poolsByDevice.remove(p.getDevice());
      }
    }
  }

  Set<String> on(String device, String port) {
    Map<String, Set<String>> ports = byPort.get(device);
    Set<String> ids = ports == null ? null : ports.get(port);
    return ids == null ? Set.of() : Collections.unmodifiableSet(ids);
  }

  Set<String> onDevice(String device) {
    Set<String> ids = byDevice.get(device);
    return ids == null ? Set.of() : Collections.unmodifiableSet(ids);
  }

  /** The circuit using this termination, or null. */
  String owner(String termKey) {
    return termOwner.get(termKey);
  }

  /** The c-tags in use under (device, port, s-tag); a live view, empty if none. */
  BitSet used(String tagKey) {
    BitSet b = usedTags.get(tagKey);
    return b == null ? EMPTY : b;
  }

  long committed(String portKey) {
    return committed.getOrDefault(portKey, 0L);
  }

  private static final BitSet EMPTY = new BitSet(0);

  Set<String> poolsOf(String device) {
    Set<String> ids = poolsByDevice.get(device);
    return ids == null ? Set.of() : Collections.unmodifiableSet(ids);
  }
}
