package org.wayleave.controller.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;

/**
 * Every device's desired sub-interfaces, kept beside the desired-state cache as circuits come and
 * go, so a device's configuration is read off in one pass instead of being derived again from every
 * circuit on the device (a lookup among all circuits and a {@link SubInterfaces#of} each): the
 * device reconciler needs it at every wake, and a router carries hundreds of circuits. Gives
 * exactly what {@link DeviceConfigs#desired} derives. Not thread-safe: the cache guards it.
 */
final class DesiredSubInterfaces {
  /** One circuit end's sub-interface; {@code end} orders a circuit's ends, a_end first. */
  private record Owned(String device, String circuit, int end, SubInterface sub) {}

  /**
   * Of two ends claiming one name (which the planner never lets happen), the one {@link
   * DeviceConfigs#desired} keeps: it puts them in circuit id order, a_end first, the last winning.
   */
  private static final Comparator<Owned> ORDER =
      Comparator.comparing(Owned::circuit).thenComparingInt(Owned::end);

  private final Map<String, TreeMap<String, Owned>> byDevice = new HashMap<>();

  /** Ends that lost their name to another: a state the planner refuses, kept only to be exact. */
  private final List<Owned> shadowed = new ArrayList<>();

  void add(Circuit c) {
    for (Owned o : owned(c)) {
      TreeMap<String, Owned> subs = byDevice.computeIfAbsent(o.device(), d -> new TreeMap<>());
      Owned was = subs.get(o.sub().getName());
      if (was == null) {
        subs.put(o.sub().getName(), o);
      } else if (ORDER.compare(o, was) > 0) {
        subs.put(o.sub().getName(), o);
        shadowed.add(was);
      } else {
        shadowed.add(o);
      }
    }
  }

  void remove(Circuit c) {
    for (Owned o : owned(c)) {
      if (!shadowed.isEmpty() && shadowed.remove(o)) {
        continue;
      }
      String name = o.sub().getName();
      TreeMap<String, Owned> subs = byDevice.get(o.device());
      if (subs == null || !o.equals(subs.get(name))) {
        continue;
      }
      subs.remove(name);
      promoteShadowed(o.device(), name, subs);
      if (subs.isEmpty()) {
        byDevice.remove(o.device());
      }
    }
  }

  /** The sub-interfaces of {@code c}'s ends that carry a c-tag, a_end first. */
  private static List<Owned> owned(Circuit c) {
    List<Termination> ends = CircuitEnds.of(c);
    List<Owned> out = new ArrayList<>(ends.size());
    for (int i = 0; i < ends.size(); i++) {
      Termination t = ends.get(i);
      if (t.hasCTag()) {
        out.add(new Owned(t.getDevice(), c.getId(), i, SubInterfaces.of(c, t)));
      }
    }
    return out;
  }

  /** After the holder of {@code name} left, the best end it shadowed takes the name. */
  private void promoteShadowed(String device, String name, TreeMap<String, Owned> subs) {
    Owned best = null;
    for (Owned o : shadowed) {
      if (o.sub().getName().equals(name)
          && o.device().equals(device)
          && (best == null || ORDER.compare(o, best) > 0)) {
        best = o;
      }
    }
    if (best != null) {
      shadowed.remove(best);
      subs.put(name, best);
    }
  }

  /** {@code device}'s desired configuration: every sub-interface it should carry, by name. */
  DeviceConfig config(String device) {
    DeviceConfig.Builder b = DeviceConfig.newBuilder().setDeviceId(device);
    TreeMap<String, Owned> subs = byDevice.get(device);
    if (subs != null) {
      for (Owned o : subs.values()) {
        b.addSubInterfaces(o.sub());
      }
    }
    return b.build();
  }
}
