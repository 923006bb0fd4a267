package org.wayleave.controller.southbound;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Termination;
import org.wayleave.controller.core.CircuitEnds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StoreEvent;

/** Which device keys a batch of store changes should wake: only keys, never the events. */
public final class DeviceWakeups {
  private DeviceWakeups() {}

  /** Device ids whose desired configuration these changes may have touched. */
  public static Set<String> of(List<StoreEvent> events) {
    Set<String> devices = new TreeSet<>();
    for (StoreEvent e : events) {
      String key = e.kv().key();
      if (key.startsWith(Kind.CIRCUIT.prefix())) {
        addEnds(devices, e.kv());
        addEnds(devices, e.prevKv());
      } else if (key.startsWith(Kind.DEVICE.prefix())) {
        devices.add(key.substring(Kind.DEVICE.prefix().length()));
      }
    }
    return devices;
  }

  /**
   * As {@link #of}, with what woke each device: the circuits whose change touched it (an end there
   * before or after), or {@link #EVERYTHING} when the device itself changed.
   */
  public static Map<String, Set<String>> circuitsByDevice(List<StoreEvent> events) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (StoreEvent e : events) {
      String key = e.kv().key();
      if (key.startsWith(Kind.CIRCUIT.prefix())) {
        String id = key.substring(Kind.CIRCUIT.prefix().length());
        Set<String> devices = new TreeSet<>();
        addEnds(devices, e.kv());
        addEnds(devices, e.prevKv());
        for (String d : devices) {
          Set<String> ids = out.computeIfAbsent(d, k -> new TreeSet<>());
          if (ids != EVERYTHING) {
            ids.add(id);
          }
        }
      } else if (key.startsWith(Kind.DEVICE.prefix())) {
        out.put(key.substring(Kind.DEVICE.prefix().length()), EVERYTHING);
      }
    }
    return out;
  }

  /** In {@link #circuitsByDevice}: the device itself changed, so all of it is to look at again. */
  public static final Set<String> EVERYTHING = Collections.unmodifiableSet(new TreeSet<>());

  private static void addEnds(Set<String> devices, KeyValue kv) {
    if (kv == null || kv.value().length == 0) {
      return;
    }
    try {
      for (Termination t : CircuitEnds.of(Circuit.parseFrom(kv.value()))) {
        devices.add(t.getDevice());
      }
    } catch (InvalidProtocolBufferException ignored) {
      // the cache reports unreadable values; nothing to wake for them
    }
  }
}
