package org.wayleave.cli.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.Plan;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * The repository's {@code examples/} read cleanly and are valid against the seed they are written
 * for: checked by rule here, and by the controller's own planner on a seeded SQLite store.
 */
class ExamplesTest {
  @TempDir Path tmp;

  static Stream<Path> exampleFiles() throws Exception {
    try (Stream<Path> walk = Files.walk(Fixtures.examples())) {
      // examples/prometheus/ holds Prometheus configuration, not Wayleave manifests.
      Path prometheus = Fixtures.examples().resolve("prometheus");
      List<Path> files =
          walk.filter(p -> !p.startsWith(prometheus))
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
      assertThat(files).as("example manifests").hasSizeGreaterThanOrEqualTo(4);
      return files.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void everyExampleFileReadsCleanly(Path file) throws Exception {
    assertThat(Manifests.read(file)).as(file.toString()).isNotEmpty();
  }

  @Test
  void theExpectedExamplesAreThere() throws Exception {
    Path examples = Fixtures.examples();

    assertThat(ids(Manifests.read(examples.resolve("london"))))
        .containsExactly(
            "LPSN-SHS-0002",
            "LPSN-CAM-0002",
            "LPSN-HAC-0002",
            "LPSN-SWK-0002",
            "LPSN-WST-0002",
            "camden",
            "quillon-carrier",
            "camden-civic",
            "camden-depot",
            "rtr-camden-01",
            "pool-camden");
    assertThat(ids(Manifests.read(examples.resolve("eastern"))))
        .containsExactly("EPSN-ESX-0002", "EPSN-NFK-0002", "EPSN-HRT-0002");
    Circuit shared =
        circuit(
            Manifests.read(examples.resolve("london/brent-lewisham-shared-service.yaml")),
            "LPSN-SHS-0002");
    assertThat(shared.getSpec().getAEnd().getDevice()).isEqualTo("rtr-brent-01");
    assertThat(shared.getSpec().getBEnd().getDevice()).isEqualTo("rtr-lewisham-01");
    assertThat(shared.getSpec().getAEnd().getPort()).isEqualTo("ge-0/0/3");
    assertThat(Files.readString(examples.resolve("README.md")))
        .contains("./wayleave plan -f examples/london")
        .contains("./wayleave apply -f examples/london --wait");
  }

  /** The rules the examples promise, checked against the seed by hand. */
  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void examplesAgreeWithTheSeed(String region) throws Exception {
    List<Resource> seed = new ArrayList<>(Seeds.byName(region));
    seed.addAll(Seeds.exampleCircuits(region));
    Map<String, Resource> seeded = new HashMap<>();
    for (Resource r : seed) {
      seeded.put(Kinds.kindOf(r) + " " + Kinds.idOf(r), r);
    }
    List<ManifestItem> items = Manifests.read(Fixtures.examples().resolve(region));
    for (ManifestItem item : items) {
      Resource r = item.resource();
      Resource same = seeded.get(Kinds.kindOf(r) + " " + Kinds.idOf(r));
      if (!r.hasCircuit()) {
        if (same != null) {
          assertThat(r).as("%s must equal the seed, not fight it", item.where()).isEqualTo(same);
        }
        continue;
      }
      assertThat(same).as("%s must not reuse a seeded circuit id", item.where()).isNull();
      var spec = r.getCircuit().getSpec();
      Supplier supplier = seeded(seeded, "Supplier " + spec.getSupplier()).getSupplier();
      assertThat(supplier.getCouncilsList())
          .as("%s: supplier serves the council", item.where())
          .contains(spec.getCouncil());
      assertThat(spec.getAEnd().getDevice())
          .as(item.where())
          .isEqualTo("rtr-" + spec.getCouncil() + "-01");
      for (Termination end :
          spec.hasBEnd() ? List.of(spec.getAEnd(), spec.getBEnd()) : List.of(spec.getAEnd())) {
        assertThat(end.getPort()).as(item.where()).isIn("ge-0/0/1", "ge-0/0/2", "ge-0/0/3");
        if (end.hasCTag()) {
          String council = end.getDevice().replaceAll("^rtr-|-01$", "");
          assertThat(seeded)
              .as("%s: %s is a seeded router", item.where(), end.getDevice())
              .containsKey("Device " + end.getDevice());
          VlanPool pool = seeded(seeded, "VlanPool pool-" + council).getVlanPool();
          assertThat(pool.getRangesList().stream().anyMatch(rg -> inRange(rg, end.getCTag())))
              .as("%s: VLAN %d in the pool", item.where(), end.getCTag())
              .isTrue();
          assertThat(pool.getReservedList()).doesNotContain(end.getCTag());
        }
      }
    }
  }

  /** The controller's planner, on a store seeded as the demo seeds it, accepts the examples. */
  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void theControllerAcceptsTheExamplesOnTopOfTheSeed(String region) throws Exception {
    List<Resource> seed = new ArrayList<>(Seeds.byName(region));
    seed.addAll(Seeds.exampleCircuits(region));
    List<Resource> examples =
        ManifestReadTest.resources(Manifests.read(Fixtures.examples().resolve(region)));

    try (SqliteStateStore store = SqliteStateStore.open(tmp);
        ResourceCache cache = ResourceCache.load(store)) {
      DesiredStateService state = new DesiredStateService(store, cache, Clock.systemUTC());
      state.apply(Op.upserts(seed, "seed"), "test", "seed");
      DesiredStateService.Applied applied;
      try {
        applied = state.apply(Op.upserts(examples, "manifest"), "test", "apply examples");
      } catch (ApiException e) {
        throw new AssertionError(
            "the controller refused examples/" + region + ": " + e.violations(), e);
      }
      Plan plan = applied.plan();
      for (ResourceChange c : plan.changes()) {
        boolean inSeed =
            seed.stream()
                .anyMatch(
                    s ->
                        Kinds.kindOf(s).equals(Kinds.kindOf(c.getAfter()))
                            && Kinds.idOf(s).equals(c.getRef().getId()));
        assertThat(c.getAction())
            .as("%s %s", c.getRef().getKind(), c.getRef().getId())
            .isEqualTo(
                inSeed ? ChangeAction.CHANGE_ACTION_UNCHANGED : ChangeAction.CHANGE_ACTION_CREATE);
      }
      long created =
          plan.changes().stream()
              .filter(c -> c.getAction() == ChangeAction.CHANGE_ACTION_CREATE)
              .count();
      assertThat(created).isEqualTo(region.equals("london") ? 6 : 3);
      // Explicit VLANs are kept; the others were allocated.
      if (region.equals("london")) {
        assertThat(plan.allocations()).noneMatch(a -> a.getCircuit().equals("LPSN-HAC-0002"));
        assertThat(plan.allocations())
            .anyMatch(a -> a.getCircuit().equals("LPSN-SHS-0002") && a.getEnd().equals("b_end"));
      } else {
        assertThat(plan.allocations()).noneMatch(a -> a.getCircuit().equals("EPSN-NFK-0002"));
        assertThat(plan.allocations()).anyMatch(a -> a.getCircuit().equals("EPSN-ESX-0002"));
      }
    }
  }

  private static boolean inRange(VlanRange r, int id) {
    return id >= r.getFirst() && id <= r.getLast();
  }

  private static Resource seeded(Map<String, Resource> seeded, String key) {
    Resource r = seeded.get(key);
    if (r == null) {
      fail("not in the seed: " + key);
    }
    return r;
  }

  private static List<String> ids(List<ManifestItem> items) {
    return items.stream().map(i -> Kinds.idOf(i.resource())).toList();
  }

  private static Circuit circuit(List<ManifestItem> items, String id) {
    return items.stream()
        .map(i -> i.resource().getCircuit())
        .filter(c -> c.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
