package org.wayleave.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Termination;

/**
 * The cache's index of desired sub-interfaces gives exactly what {@link DeviceConfigs#desired}
 * derives from the circuits, through random adds, updates and removes, clashing names included
 * (which the planner refuses, but the index must not differ on them either).
 */
class DesiredSubInterfacesTest {
  private static final List<String> DEVICES = List.of("r1", "r2");

  /** The circuits by id, as a view with just what {@link DeviceConfigs#desired} reads. */
  private final TreeMap<String, Circuit> circuits = new TreeMap<>();

  @Test
  void matchesTheConfigurationDerivedFromTheCircuits() {
    Random random = new Random(18);
    DesiredSubInterfaces index = new DesiredSubInterfaces();
    for (int step = 0; step < 3000; step++) {
      String id = "C" + random.nextInt(60);
      Circuit before = circuits.remove(id);
      if (before != null) {
        index.remove(before);
      }
      if (random.nextInt(4) > 0) {
        Circuit after = circuit(id, random);
        circuits.put(id, after);
        index.add(after);
      }
      for (String d : DEVICES) {
        assertThat(index.config(d)).as("step %d, %s", step, d).isEqualTo(derived(d));
      }
    }
  }

  /** A circuit with one or two ends on the two devices, on few ports and tags, so names clash. */
  private static Circuit circuit(String id, Random random) {
    CircuitSpec.Builder spec = CircuitSpec.newBuilder().setCommittedMbps(1 + random.nextInt(5));
    spec.setAEnd(end(random));
    if (random.nextBoolean()) {
      spec.setBEnd(end(random));
    }
    return Circuit.newBuilder().setId(id).setSpec(spec).build();
  }

  private static Termination end(Random random) {
    Termination.Builder t =
        Termination.newBuilder()
            .setDevice(DEVICES.get(random.nextInt(2)))
            .setPort("ge-0/0/" + random.nextInt(2));
    if (random.nextInt(5) > 0) {
      t.setCTag(100 + random.nextInt(6));
    }
    if (random.nextInt(4) == 0) {
      t.setSTag(10);
    }
    return t.build();
  }

  private org.wayleave.api.v1.DeviceConfig derived(String device) {
    return DeviceConfigs.desired(view(), device);
  }

  private StateView view() {
    return new StateView() {
      @Override
      public <T extends Message> T get(Kind<T> kind, String id) {
        return kind == Kind.CIRCUIT ? kind.cast(circuits.get(id)) : null;
      }

      @Override
      public <T extends Message> Collection<T> all(Kind<T> kind) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Set<String> circuitsOn(String device, String port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Set<String> circuitsOnDevice(String device) {
        Set<String> ids = new TreeSet<>();
        for (Circuit c : circuits.values()) {
          if (CircuitEnds.of(c).stream().anyMatch(t -> t.getDevice().equals(device))) {
            ids.add(c.getId());
          }
        }
        return ids;
      }

      @Override
      public Set<String> poolsOf(String device) {
        throw new UnsupportedOperationException();
      }

      @Override
      public String termOwner(String device, String port, int sTag, int cTag) {
        throw new UnsupportedOperationException();
      }

      @Override
      public BitSet usedCTags(String device, String port, int sTag) {
        throw new UnsupportedOperationException();
      }

      @Override
      public long committedMbps(String device, String port) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
