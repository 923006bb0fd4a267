package org.wayleave.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * Random batches against a real store. The planner only looks at the changed circuits and at
 * incrementally kept indexes. So, after every batch:
 *
 * <ul>
 *   <li>its device diffs must equal the diff of each device's full configuration before and after;
 *   <li>the indexes must equal ones rebuilt from scratch;
 *   <li>no termination may be shared and no port oversubscribed.
 * </ul>
 */
class PlannerPropertyTest {
  static final List<String> DEVICES = List.of("camden", "islington", "hackney");
  static final List<String> PORTS = List.of("ge-0/0/1", "ge-0/0/2", "ge-0/0/3");

  @TempDir Path dir;

  @Test
  void incrementalPlanningAgreesWithFullRecomputation() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    try (SqliteStateStore store = SqliteStateStore.open(dir);
        ResourceCache cache = ResourceCache.load(store)) {
      DesiredStateService state = new DesiredStateService(store, cache, Clock.systemUTC());
      state.apply(Op.upserts(Seeds.london(), "seed"), "test", "seed");

      int accepted = 0;
      int refused = 0;
      for (int round = 0; round < 60; round++) {
        List<Op> ops = randomBatch(rnd, cache);
        Map<String, DeviceConfig> before = configs(cache);
        DesiredStateService.Applied applied;
        try {
          applied = state.apply(ops, "test", "round " + round);
          accepted++;
        } catch (ApiException e) {
          refused++;
          assertThat(configs(cache))
              .as("refused batch changed nothing (seed %d)", seed)
              .isEqualTo(before);
          continue;
        }
        Map<String, DeviceConfig> after = configs(cache);
        Map<String, DeviceDiff> expected = new TreeMap<>();
        for (String d : new TreeSet<>(after.keySet())) {
          DeviceDiff diff = DeviceConfigs.diff(before.get(d), after.get(d));
          if (diff.getChangesCount() > 0) {
            expected.put(d, diff);
          }
        }
        Map<String, DeviceDiff> planned = new TreeMap<>();
        applied.plan().deviceDiffs().forEach(x -> planned.put(x.getDevice(), x));
        assertThat(planned).as("device diffs, round %d, seed %d", round, seed).isEqualTo(expected);
        assertIndexesMatchScratch(cache, seed);
      }
      assertThat(accepted).as("some batches must apply (seed %d)", seed).isGreaterThan(10);
      assertThat(refused).as("some batches must be refused (seed %d)", seed).isGreaterThan(0);
    }
  }

  private static List<Op> randomBatch(Random rnd, ResourceCache cache) {
    List<Op> ops = new ArrayList<>();
    List<Circuit> existing = cache.list(Kind.CIRCUIT);
    Set<String> used = new HashSet<>();
    int n = 1 + rnd.nextInt(8);
    for (int i = 0; i < n; i++) {
      int dice = rnd.nextInt(10);
      if (dice < 2 && !existing.isEmpty()) {
        Circuit victim = existing.get(rnd.nextInt(existing.size()));
        if (used.add(victim.getId())) {
          ops.add(Op.delete(Kind.CIRCUIT, victim.getId(), 0, "deletes[" + i + "]"));
        }
        continue;
      }
      String id;
      if (dice < 5 && !existing.isEmpty()) {
        id = existing.get(rnd.nextInt(existing.size())).getId();
      } else {
        id = String.format("LPSN-T-%05d", rnd.nextInt(400));
      }
      if (!used.add(id)) {
        continue;
      }
      String council = DEVICES.get(rnd.nextInt(DEVICES.size()));
      Termination.Builder a =
          Termination.newBuilder()
              .setDevice("rtr-" + council + "-01")
              .setPort(PORTS.get(rnd.nextInt(PORTS.size())));
      if (rnd.nextInt(3) == 0) {
        a.setCTag(100 + rnd.nextInt(12)); // small range: clashes happen
      }
      if (rnd.nextInt(5) == 0) {
        a.setSTag(10 + rnd.nextInt(2));
      }
      Circuit c =
          Circuit.newBuilder()
              .setId(id)
              .setSpec(
                  CircuitSpec.newBuilder()
                      .setCouncil(council)
                      .setSupplier("wayfarer-networks")
                      .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                      .setAEnd(a)
                      .setCommittedMbps(1 + rnd.nextInt(300))
                      .setAdminState(
                          rnd.nextInt(6) == 0
                              ? AdminState.ADMIN_STATE_DISABLED
                              : AdminState.ADMIN_STATE_ENABLED))
              .build();
      Circuit current = cache.get(Kind.CIRCUIT, id);
      if (current != null && current.getSpec().getCouncil().equals(council) == false) {
        c =
            c.toBuilder()
                .setSpec(
                    c.getSpec().toBuilder()
                        .setCouncil(current.getSpec().getCouncil())
                        .setAEnd(a.setDevice("rtr-" + current.getSpec().getCouncil() + "-01")))
                .build();
      }
      ops.add(Op.write(Op.Mode.UPSERT, Kind.CIRCUIT, c, "resources[" + i + "]"));
    }
    if (ops.isEmpty()) {
      ops.add(
          Op.write(
              Op.Mode.UPSERT,
              Kind.CIRCUIT,
              Circuit.newBuilder()
                  .setId("LPSN-T-99999")
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil("camden")
                          .setSupplier("wayfarer-networks")
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice("rtr-camden-01")
                                  .setPort("ge-0/0/1"))
                          .setCommittedMbps(1))
                  .build(),
              "r"));
    }
    return ops;
  }

  private static Map<String, DeviceConfig> configs(ResourceCache cache) {
    Map<String, DeviceConfig> out = new TreeMap<>();
    cache.readLock().lock();
    try {
      for (String council : DEVICES) {
        String d = "rtr-" + council + "-01";
        out.put(d, DeviceConfigs.desired(cache, d));
      }
    } finally {
      cache.readLock().unlock();
    }
    return out;
  }

  private static void assertIndexesMatchScratch(ResourceCache cache, long seed) {
    Map<String, String> owners = new HashMap<>();
    Map<String, BitSet> tags = new HashMap<>();
    Map<String, Long> committed = new HashMap<>();
    for (Circuit c : cache.list(Kind.CIRCUIT)) {
      for (Termination t : CircuitEnds.of(c)) {
        committed.merge(
            t.getDevice() + "|" + t.getPort(), c.getSpec().getCommittedMbps(), Long::sum);
        int s = t.hasSTag() ? t.getSTag() : 0;
        assertThat(
                owners.put(
                    t.getDevice() + "|" + t.getPort() + "|" + s + "|" + t.getCTag(), c.getId()))
            .as("termination shared (seed %d)", seed)
            .isNull();
        tags.computeIfAbsent(t.getDevice() + "|" + t.getPort() + "|" + s, k -> new BitSet())
            .set(t.getCTag());
      }
    }
    cache.readLock().lock();
    try {
      for (String council : DEVICES) {
        String d = "rtr-" + council + "-01";
        for (String p : PORTS) {
          long sum = committed.getOrDefault(d + "|" + p, 0L);
          assertThat(cache.committedMbps(d, p))
              .as("committed %s %s (seed %d)", d, p, seed)
              .isEqualTo(sum);
          assertThat(sum)
              .as("port %s %s oversubscribed (seed %d)", d, p, seed)
              .isLessThanOrEqualTo(1000);
          for (int s : new int[] {0, 10, 11}) {
            BitSet want = tags.getOrDefault(d + "|" + p + "|" + s, new BitSet());
            assertThat(cache.usedCTags(d, p, s))
                .as("tags %s %s %d (seed %d)", d, p, s, seed)
                .isEqualTo(want);
            for (int tag = want.nextSetBit(0); tag >= 0; tag = want.nextSetBit(tag + 1)) {
              assertThat(cache.termOwner(d, p, s, tag))
                  .isEqualTo(owners.get(d + "|" + p + "|" + s + "|" + tag));
            }
          }
        }
      }
    } finally {
      cache.readLock().unlock();
    }
  }
}
