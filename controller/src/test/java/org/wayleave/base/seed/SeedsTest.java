package org.wayleave.base.seed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.SiteKind;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.core.Validation;
import org.wayleave.controller.core.Violations;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

class SeedsTest {

  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern CIRCUIT_ID = Pattern.compile("[A-Z0-9][A-Z0-9-]{2,62}");

  /** A region's inventory and example circuits, indexed by kind and id. */
  private record Inv(
      Map<String, Council> councils,
      Map<String, Supplier> suppliers,
      Map<String, Site> sites,
      Map<String, Device> devices,
      Map<String, VlanPool> pools,
      Map<String, Circuit> circuits) {

    static Inv of(String name) {
      List<Resource> all = new ArrayList<>(Seeds.byName(name));
      all.addAll(Seeds.exampleCircuits(name));
      return new Inv(
          index(all, Resource::hasCouncil, r -> r.getCouncil(), Council::getId),
          index(all, Resource::hasSupplier, r -> r.getSupplier(), Supplier::getId),
          index(all, Resource::hasSite, r -> r.getSite(), Site::getId),
          index(all, Resource::hasDevice, r -> r.getDevice(), Device::getId),
          index(all, Resource::hasVlanPool, r -> r.getVlanPool(), VlanPool::getId),
          index(all, Resource::hasCircuit, r -> r.getCircuit(), Circuit::getId));
    }

    private static <T> Map<String, T> index(
        List<Resource> all,
        Predicate<Resource> has,
        Function<Resource, T> get,
        Function<T, String> id) {
      Map<String, T> out = new HashMap<>();
      for (Resource r : all) {
        if (has.test(r)) {
          T v = get.apply(r);
          assertThat(out.put(id.apply(v), v)).as("duplicate id %s", id.apply(v)).isNull();
        }
      }
      return out;
    }

    String councilOfDevice(String deviceId) {
      return sites.get(devices.get(deviceId).getSite()).getCouncil();
    }

    Set<String> suppliersOf(String councilId) {
      return suppliers.values().stream()
          .filter(s -> s.getCouncilsList().contains(councilId))
          .map(Supplier::getId)
          .collect(Collectors.toSet());
    }
  }

  // --- councils ---------------------------------------------------------------------------------

  @Test
  void londonHas33CouncilsWithTheRealGssCodes() {
    List<Council> councils =
        Seeds.london().stream().filter(Resource::hasCouncil).map(Resource::getCouncil).toList();

    assertThat(councils).hasSize(33);
    assertThat(councils).extracting(Council::getId).doesNotHaveDuplicates();
    assertThat(councils).extracting(Council::getGssCode).doesNotHaveDuplicates();
    assertThat(councils)
        .extracting(Council::getGssCode)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.rangeClosed(1, 33).mapToObj(i -> String.format("E09%06d", i)).toList());
    assertThat(councils).allSatisfy(c -> assertThat(c.getRegion()).isEqualTo("london"));
  }

  @Test
  void londonSpotChecks() {
    Map<String, Council> councils = Inv.of("london").councils();

    assertThat(councils.get("camden"))
        .returns("London Borough of Camden", Council::getName)
        .returns("E09000007", Council::getGssCode);
    assertThat(councils.get("westminster"))
        .returns("City of Westminster", Council::getName)
        .returns("E09000033", Council::getGssCode);
    assertThat(councils.get("barnet"))
        .returns("London Borough of Barnet", Council::getName)
        .returns("E09000003", Council::getGssCode);
    assertThat(councils.get("city-of-london"))
        .returns("City of London Corporation", Council::getName)
        .returns("E09000001", Council::getGssCode);
    assertThat(councils.get("barking-and-dagenham").getGssCode()).isEqualTo("E09000002");
    assertThat(councils.get("greenwich"))
        .returns("Royal Borough of Greenwich", Council::getName)
        .returns("E09000011", Council::getGssCode);
    assertThat(councils.get("kensington-and-chelsea"))
        .returns("Royal Borough of Kensington and Chelsea", Council::getName)
        .returns("E09000020", Council::getGssCode);
    assertThat(councils.get("kingston-upon-thames"))
        .returns("Royal Borough of Kingston upon Thames", Council::getName)
        .returns("E09000021", Council::getGssCode);
    assertThat(councils.get("brent").getGssCode()).isEqualTo("E09000005");
    assertThat(councils.get("lewisham").getGssCode()).isEqualTo("E09000023");
    assertThat(councils.get("tower-hamlets").getGssCode()).isEqualTo("E09000030");
  }

  @Test
  void easternHasTheFiveCountyCouncils() {
    Map<String, Council> councils = Inv.of("eastern").councils();

    assertThat(councils.values())
        .extracting(Council::getId, Council::getGssCode, Council::getName)
        .containsExactlyInAnyOrder(
            tuple("cambridgeshire", "E10000003", "Cambridgeshire County Council"),
            tuple("essex", "E10000012", "Essex County Council"),
            tuple("hertfordshire", "E10000015", "Hertfordshire County Council"),
            tuple("norfolk", "E10000020", "Norfolk County Council"),
            tuple("suffolk", "E10000029", "Suffolk County Council"));
    assertThat(councils.values()).allSatisfy(c -> assertThat(c.getRegion()).isEqualTo("eastern"));
  }

  // --- structure --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void inventoryIsInDependencyOrder(String name) {
    List<Integer> order =
        Seeds.byName(name).stream().map(r -> r.getKindCase().getNumber()).toList();
    // Resource oneof numbers: council 1, supplier 2, site 3, device 4, vlan_pool 5.
    assertThat(order).isSorted();
    assertThat(Set.copyOf(order)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    assertThat(Seeds.exampleCircuits(name)).allMatch(Resource::hasCircuit);
  }

  @Test
  void namedAccessorsMatchByName() {
    assertThat(Seeds.byName("london")).isEqualTo(Seeds.london());
    assertThat(Seeds.byName("eastern")).isEqualTo(Seeds.eastern());
    assertThat(Seeds.NAMES).containsExactly("london", "eastern");
  }

  @Test
  void regionsDoNotShareIds() {
    Set<String> london = ids(Seeds.london());
    london.addAll(ids(Seeds.exampleCircuits("london")));
    Set<String> eastern = ids(Seeds.eastern());
    eastern.addAll(ids(Seeds.exampleCircuits("eastern")));
    assertThat(london).doesNotContainAnyElementsOf(eastern);
  }

  private static Set<String> ids(List<Resource> resources) {
    Set<String> out = new HashSet<>();
    for (Resource r : resources) {
      out.add(
          switch (r.getKindCase()) {
            case COUNCIL -> "council/" + r.getCouncil().getId();
            case SUPPLIER -> "supplier/" + r.getSupplier().getId();
            case SITE -> "site/" + r.getSite().getId();
            case DEVICE -> "device/" + r.getDevice().getId();
            case VLAN_POOL -> "pool/" + r.getVlanPool().getId();
            case CIRCUIT -> "circuit/" + r.getCircuit().getId();
            case KIND_NOT_SET -> throw new AssertionError("empty resource");
          });
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void bookkeepingIsLeftUnset(String name) {
    List<Resource> all = new ArrayList<>(Seeds.byName(name));
    all.addAll(Seeds.exampleCircuits(name));
    for (Resource r : all) {
      switch (r.getKindCase()) {
        case COUNCIL -> assertThat(r.getCouncil().hasMeta()).isFalse();
        case SUPPLIER -> assertThat(r.getSupplier().hasMeta()).isFalse();
        case SITE -> assertThat(r.getSite().hasMeta()).isFalse();
        case DEVICE -> assertThat(r.getDevice().hasMeta()).isFalse();
        case VLAN_POOL -> assertThat(r.getVlanPool().hasMeta()).isFalse();
        case CIRCUIT -> {
          Circuit c = r.getCircuit();
          assertThat(c.hasMeta()).isFalse();
          assertThat(c.hasStatus()).isFalse();
          assertThat(c.getSpec().getGeneration()).isZero();
        }
        case KIND_NOT_SET -> throw new AssertionError("empty resource");
      }
    }
  }

  // --- ids --------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void idsMatchTheirPatterns(String name) {
    Inv inv = Inv.of(name);
    List<String> slugs = new ArrayList<>();
    slugs.addAll(inv.councils().keySet());
    slugs.addAll(inv.suppliers().keySet());
    slugs.addAll(inv.sites().keySet());
    slugs.addAll(inv.devices().keySet());
    slugs.addAll(inv.pools().keySet());
    inv.councils().values().forEach(c -> slugs.add(c.getRegion()));
    assertThat(slugs).allSatisfy(s -> assertThat(s).matches(SLUG));

    String prefix = name.equals("london") ? "LPSN" : "EPSN";
    assertThat(inv.circuits().keySet())
        .allSatisfy(
            id -> {
              assertThat(id).matches(CIRCUIT_ID);
              assertThat(id).matches(prefix + "-[A-Z]{3}-\\d{4}");
            });
    for (Council c : inv.councils().values()) {
      assertThat(inv.sites()).containsKey(c.getId() + "-civic");
      assertThat(inv.devices()).containsKey("rtr-" + c.getId() + "-01");
      assertThat(inv.pools()).containsKey("pool-" + c.getId());
    }
  }

  @Test
  void circuitCouncilCodesAreUniqueWithinRegion() {
    for (String name : Seeds.NAMES) {
      List<String> codes =
          Seeds.exampleCircuits(name).stream()
              .map(r -> r.getCircuit().getId().split("-")[1])
              .toList();
      assertThat(codes).as(name).doesNotHaveDuplicates();
    }
    assertThat(Inv.of("london").circuits()).hasSize(34).containsKeys("LPSN-CAM-0001");
    assertThat(Inv.of("eastern").circuits()).hasSize(5).containsKeys("EPSN-ESX-0001");
  }

  // --- references -------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void everyReferenceResolves(String name) {
    Inv inv = Inv.of(name);

    for (Supplier s : inv.suppliers().values()) {
      assertThat(s.getName()).isNotBlank();
      assertThat(s.getCouncilsList()).isNotEmpty().doesNotHaveDuplicates();
      assertThat(inv.councils().keySet()).containsAll(s.getCouncilsList());
    }

    Map<String, List<Site>> sitesByCouncil =
        inv.sites().values().stream().collect(Collectors.groupingBy(Site::getCouncil));
    assertThat(sitesByCouncil.keySet()).isEqualTo(inv.councils().keySet());
    for (Map.Entry<String, List<Site>> e : sitesByCouncil.entrySet()) {
      assertThat(e.getValue()).hasSize(2);
      assertThat(e.getValue())
          .filteredOn(s -> s.getKind() == SiteKind.SITE_KIND_CIVIC_CENTRE)
          .singleElement()
          .returns(e.getKey() + "-civic", Site::getId);
      assertThat(e.getValue())
          .filteredOn(s -> s.getKind() != SiteKind.SITE_KIND_CIVIC_CENTRE)
          .singleElement()
          .extracting(Site::getKind)
          .isIn(
              SiteKind.SITE_KIND_LIBRARY,
              SiteKind.SITE_KIND_SCHOOL,
              SiteKind.SITE_KIND_DATA_CENTRE);
      assertThat(e.getValue())
          .allSatisfy(
              s -> {
                assertThat(s.getName()).isNotBlank();
                assertThat(s.getAddress()).isNotBlank();
              });
    }

    for (Device d : inv.devices().values()) {
      assertThat(inv.sites()).containsKey(d.getSite());
      String council = inv.sites().get(d.getSite()).getCouncil();
      assertThat(d.getId()).isEqualTo("rtr-" + council + "-01");
      assertThat(d.getSite()).isEqualTo(council + "-civic");
    }

    for (VlanPool p : inv.pools().values()) {
      assertThat(inv.devices()).containsKey(p.getDevice());
      Device d = inv.devices().get(p.getDevice());
      Set<String> portNames =
          d.getPortsList().stream().map(Port::getName).collect(Collectors.toSet());
      assertThat(portNames).containsAll(p.getPortsList());
      assertThat(p.getId()).isEqualTo("pool-" + inv.councilOfDevice(d.getId()));
    }
    // A port is covered by at most one pool.
    Map<String, Long> coverage =
        inv.pools().values().stream()
            .flatMap(p -> p.getPortsList().stream().map(port -> p.getDevice() + " " + port))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(coverage.values()).allMatch(n -> n == 1);

    for (Circuit c : inv.circuits().values()) {
      var spec = c.getSpec();
      assertThat(inv.councils()).containsKey(spec.getCouncil());
      assertThat(inv.suppliers()).containsKey(spec.getSupplier());
      assertTerminationResolves(inv, spec.getAEnd());
      assertThat(inv.councilOfDevice(spec.getAEnd().getDevice())).isEqualTo(spec.getCouncil());
      if (spec.hasBEnd()) {
        assertTerminationResolves(inv, spec.getBEnd());
      }
    }
  }

  private static void assertTerminationResolves(Inv inv, Termination t) {
    assertThat(inv.devices()).containsKey(t.getDevice());
    Port port =
        inv.devices().get(t.getDevice()).getPortsList().stream()
            .filter(p -> p.getName().equals(t.getPort()))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no port " + t.getPort() + " on " + t.getDevice()));
    assertThat(port.getRole()).isNotEqualTo(PortRole.PORT_ROLE_MANAGEMENT);
    assertThat(t.hasCTag()).as("c_tag left for the controller to allocate").isFalse();
    assertThat(t.hasSTag()).isFalse();
    boolean pooled =
        inv.pools().values().stream()
            .anyMatch(
                p -> p.getDevice().equals(t.getDevice()) && p.getPortsList().contains(t.getPort()));
    assertThat(pooled).as("a pool covers %s %s", t.getDevice(), t.getPort()).isTrue();
  }

  // --- suppliers --------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void everyCouncilHasAtLeastTwoSuppliers(String name) {
    Inv inv = Inv.of(name);
    assertThat(inv.suppliers()).hasSizeBetween(4, 5);
    for (String council : inv.councils().keySet()) {
      assertThat(inv.suppliersOf(council)).as(council).hasSizeGreaterThanOrEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void everyExampleCircuitsSupplierServesItsCouncils(String name) {
    Inv inv = Inv.of(name);
    for (Circuit c : inv.circuits().values()) {
      var spec = c.getSpec();
      assertThat(inv.suppliers().get(spec.getSupplier()).getCouncilsList())
          .as(c.getId())
          .contains(spec.getCouncil());
      if (spec.hasBEnd()) {
        assertThat(inv.suppliers().get(spec.getSupplier()).getCouncilsList())
            .as(c.getId() + " far end")
            .contains(inv.councilOfDevice(spec.getBEnd().getDevice()));
      }
    }
  }

  // --- devices, pools, circuits -----------------------------------------------------------------

  @Test
  void loopbackAddressesNeverUseAZeroOrBroadcastHostByte() {
    assertThat(Seeds.loopback(1, 0)).isEqualTo("127.1.0.1");
    assertThat(Seeds.loopback(1, 253)).isEqualTo("127.1.0.254");
    assertThat(Seeds.loopback(1, 254)).isEqualTo("127.1.1.1");
    Set<String> seen = new HashSet<>();
    for (int n = 0; n < Seeds.MAX_SCALE_DEVICES; n++) {
      String a = Seeds.loopback(16, n);
      assertThat(seen.add(a)).isTrue();
      String host = a.substring(a.lastIndexOf('.') + 1);
      assertThat(host).isNotIn("0", "255");
    }
  }

  @Test
  void scaleRoutersSpeakV2cAndSnmpPortCanBeMovedForTests() {
    Device d =
        Seeds.scale(3).stream().filter(r -> r.hasDevice()).findFirst().orElseThrow().getDevice();
    assertThat(d.getSnmp().getVersion()).isEqualTo(SnmpVersion.SNMP_VERSION_V2C);
    assertThat(d.getSnmp().getCommunityRef()).isEqualTo(Seeds.SCALE_COMMUNITY_REF);
    assertThat(d.getSnmp().getAllowV2C()).as("v2c must be allowed per device").isTrue();
    Violations v = new Violations();
    Validation.check(Kind.DEVICE, d, v);
    assertThat(v.list()).isEmpty();
    assertThat(Seeds.secretRefs(Seeds.scale(3))).containsExactly(Seeds.SCALE_COMMUNITY_REF);
    assertThat(Seeds.withSnmpPort(Seeds.london(), 20161).stream().filter(r -> r.hasDevice()))
        .allSatisfy(r -> assertThat(r.getDevice().getSnmp().getPort()).isEqualTo(20161));
    assertThat(Seeds.secretRefs(Seeds.london()))
        .hasSize(66)
        .contains("snmp/rtr-camden-01/auth", "snmp/rtr-camden-01/priv");
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void devicesAreLoopbackSnmpV3RoutersWithTheStandardPorts(String name) {
    Set<String> addresses = new HashSet<>();
    for (Device d : Inv.of(name).devices().values()) {
      assertThat(d.getManagementAddress())
          .startsWith(name.equals("london") ? "127.1.0." : "127.2.0.");
      assertThat(addresses.add(d.getManagementAddress()))
          .as("%s has an address of its own", d.getId())
          .isTrue();
      assertThat(d.getSnmp().getPort()).isEqualTo(Seeds.SNMP_PORT);
      assertThat(d.getVendor()).isNotBlank();
      assertThat(d.getModel()).isNotBlank();
      assertThat(d.getKeepUnownedVlans()).isFalse();
      var snmp = d.getSnmp();
      assertThat(snmp.getVersion()).isEqualTo(SnmpVersion.SNMP_VERSION_V3);
      assertThat(snmp.getUser()).isEqualTo("wayleave");
      assertThat(snmp.getAuthProtocol()).isEqualTo(SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256);
      assertThat(snmp.getPrivProtocol()).isEqualTo(SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128);
      assertThat(snmp.getAuthSecretRef()).isEqualTo("snmp/" + d.getId() + "/auth");
      assertThat(snmp.getPrivSecretRef()).isEqualTo("snmp/" + d.getId() + "/priv");
      assertThat(snmp.getCommunityRef()).isEmpty();
      assertThat(snmp.getAllowV2C()).isFalse();
      assertThat(d.getPortsList())
          .extracting(Port::getName, Port::getRole, Port::getSpeedMbps)
          .containsExactly(
              tuple("ge-0/0/0", PortRole.PORT_ROLE_UPLINK, 10_000L),
              tuple("ge-0/0/1", PortRole.PORT_ROLE_ACCESS, 1_000L),
              tuple("ge-0/0/2", PortRole.PORT_ROLE_ACCESS, 1_000L),
              tuple("ge-0/0/3", PortRole.PORT_ROLE_ACCESS, 1_000L),
              tuple("fxp0", PortRole.PORT_ROLE_MANAGEMENT, 1_000L));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void poolsHaveTheStandardRanges(String name) {
    for (VlanPool p : Inv.of(name).pools().values()) {
      assertThat(p.getPortsList()).containsExactly("ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3");
      assertThat(p.getRangesList())
          .extracting(VlanRange::getFirst, VlanRange::getLast)
          .containsExactly(tuple(100, 999), tuple(2000, 2999));
      assertThat(p.getReservedList()).containsExactly(999);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void accessCircuitsOnePerCouncil(String name) {
    Inv inv = Inv.of(name);
    List<Circuit> access =
        inv.circuits().values().stream()
            .filter(c -> c.getSpec().getKind() == CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
            .toList();
    assertThat(access)
        .extracting(c -> c.getSpec().getCouncil())
        .containsExactlyInAnyOrderElementsOf(inv.councils().keySet());
    for (Circuit c : access) {
      var spec = c.getSpec();
      assertThat(spec.getAEnd().getDevice()).isEqualTo("rtr-" + spec.getCouncil() + "-01");
      assertThat(spec.getAEnd().getPort()).isEqualTo("ge-0/0/1");
      assertThat(spec.hasBEnd()).isFalse();
      assertThat(spec.getCommittedMbps()).isEqualTo(100);
      assertThat(spec.getAdminState()).isEqualTo(AdminState.ADMIN_STATE_ENABLED);
      assertThat(spec.getDescription()).isNotBlank();
    }
  }

  @Test
  void londonHasTheBrentLewishamSharedServiceCircuit() {
    Inv inv = Inv.of("london");
    Circuit shs = inv.circuits().get("LPSN-SHS-0001");
    assertThat(shs).isNotNull();
    var spec = shs.getSpec();
    assertThat(spec.getKind()).isEqualTo(CircuitKind.CIRCUIT_KIND_SHARED_SERVICE);
    assertThat(spec.getCouncil()).isEqualTo("brent");
    assertThat(spec.getAEnd().getDevice()).isEqualTo("rtr-brent-01");
    assertThat(spec.getAEnd().getPort()).isEqualTo("ge-0/0/2");
    assertThat(spec.getBEnd().getDevice()).isEqualTo("rtr-lewisham-01");
    assertThat(spec.getBEnd().getPort()).isEqualTo("ge-0/0/2");
    assertThat(spec.getCommittedMbps()).isEqualTo(200);
    assertThat(spec.getAdminState()).isEqualTo(AdminState.ADMIN_STATE_ENABLED);
    assertThat(spec.getDescription()).isNotBlank();
    assertThat(inv.suppliersOf("brent")).contains(spec.getSupplier());
    assertThat(inv.suppliersOf("lewisham")).contains(spec.getSupplier());

    assertThat(Inv.of("eastern").circuits().values())
        .noneMatch(c -> c.getSpec().getKind() == CircuitKind.CIRCUIT_KIND_SHARED_SERVICE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"london", "eastern"})
  void noTwoCircuitsShareATermination(String name) {
    List<String> ends = new ArrayList<>();
    for (Circuit c : Inv.of(name).circuits().values()) {
      ends.add(c.getSpec().getAEnd().getDevice() + " " + c.getSpec().getAEnd().getPort());
      if (c.getSpec().hasBEnd()) {
        ends.add(c.getSpec().getBEnd().getDevice() + " " + c.getSpec().getBEnd().getPort());
      }
    }
    // Tags are allocated by the controller; distinct ports keep the demo unambiguous.
    assertThat(ends).doesNotHaveDuplicates();
  }

  // --- byName -----------------------------------------------------------------------------------

  @Test
  void byNameRejectsAnUnknownNameListingTheValidOnes() {
    assertThatThrownBy(() -> Seeds.byName("scotland"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scotland")
        .hasMessageContaining("london")
        .hasMessageContaining("eastern");
    assertThatThrownBy(() -> Seeds.exampleCircuits("scotland"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("london")
        .hasMessageContaining("eastern");
    assertThatThrownBy(() -> Seeds.byName(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("london");
  }

  @Test
  void listsAreImmutable() {
    assertThatThrownBy(() -> Seeds.london().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Seeds.exampleCircuits("eastern").clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void scaleGeneratesAValidInventoryOfTheAskedSize() throws Exception {
    List<Resource> inv = Seeds.scale(250);
    assertThat(inv.stream().filter(Resource::hasCouncil).count()).isEqualTo(3);
    assertThat(inv.stream().filter(Resource::hasDevice).map(r -> r.getDevice().getId()))
        .hasSize(250)
        .doesNotHaveDuplicates()
        .contains(Seeds.scaleDeviceId(1), Seeds.scaleDeviceId(250));
    // The real planner accepts it: every reference resolves and every rule holds.
    Path dir = Files.createTempDirectory("scale-seed");
    try (var store = SqliteStateStore.open(dir);
        var cache = ResourceCache.load(store)) {
      var state = new DesiredStateService(store, cache, Clock.systemUTC());
      assertThat(state.apply(Op.upserts(inv, "r"), "test", "scale").changes()).hasSize(inv.size());
    }
    assertThatThrownBy(() -> Seeds.scale(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("devices");
  }
}
