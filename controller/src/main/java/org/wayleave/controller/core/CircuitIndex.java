package org.wayleave.controller.core;

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

  void add(Circuit c) {
    for (Termination t : CircuitEnds.of(c)) {
      byPort.computeIfAbsent(t.getDevice(), d -> new HashMap<>())
          .computeIfAbsent(t.getPort(), p -> new TreeSet<>())
          .add(c.getId());
      byDevice.computeIfAbsent(t.getDevice(), d -> new TreeSet<>()).add(c.getId());
    }
  }

  void remove(Circuit c) {
    for (Termination t : CircuitEnds.of(c)) {
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

  Set<String> poolsOf(String device) {
    Set<String> ids = poolsByDevice.get(device);
    return ids == null ? Set.of() : Collections.unmodifiableSet(ids);
  }
}
