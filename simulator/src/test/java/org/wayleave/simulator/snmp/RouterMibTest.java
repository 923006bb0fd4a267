package org.wayleave.simulator.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.simulator.SimDevice.PortSpec;

/**
 * The SNMP view of a router on a hand-moved clock: walk order, indexes, the traffic model and the
 * faults.
 */
class RouterMibTest {
  static final List<PortSpec> PORTS =
      List.of(
          new PortSpec("xe-1/0/0", 10_000, "uplink"),
          new PortSpec("ge-0/0/1", 1_000, "council LAN"),
          new PortSpec("ge-0/0/2", 1_000, ""));
  static final String SUB = "ge-0/0/1.100";

  final AtomicLong clock = new AtomicLong(1_000_000_000L);
  SimRouter router;
  RouterMib mib;

  @BeforeEach
  void setUp() throws Exception {
    router = new SimRouter("rtr-test-01", PORTS.stream().map(PortSpec::name).toList());
    router.put(sub(SUB, "ge-0/0/1", 100, "LPSN-T-0001", 100));
    router.put(sub("ge-0/0/1.200", "ge-0/0/1", 200, "LPSN-T-0002", 200));
    router.put(sub("ge-0/0/2.300", "ge-0/0/2", 300, "LPSN-T-0003", 1_000));
    mib = new RouterMib(router, PORTS, clock::get);
  }

  static SubInterface sub(String name, String port, int vlan, String alias, long mbps) {
    return SubInterface.newBuilder()
        .setName(name)
        .setPort(port)
        .setCTag(vlan)
        .setAlias(alias)
        .setBandwidthMbps(mbps)
        .setAdminUp(true)
        .build();
  }

  void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  MibView.IfRow row(String name) {
    return mib.view().row(name).orElseThrow(() -> new AssertionError("no row " + name));
  }

  int ifIndex(String name) {
    return row(name).ifIndex();
  }

  static OID oid(String s) {
    return new OID(s);
  }

  // ---- walk order ----

  @Test
  void aWalkFollowsStrictLexicographicOrderTableByTableColumnByColumn() {
    MibView view = mib.view();
    List<OID> walked = new ArrayList<>();
    VariableBinding vb = view.next(oid("0"));
    while (!vb.getVariable().isException()) {
      walked.add(vb.getOid());
      vb = view.next(vb.getOid());
    }
    assertThat(vb.getVariable()).isEqualTo(Null.endOfMibView);
    List<OID> expected =
        new ArrayList<>(
            List.of(
                oid("1.3.6.1.2.1.1.1.0"),
                oid("1.3.6.1.2.1.1.3.0"),
                oid("1.3.6.1.2.1.1.5.0"),
                oid("1.3.6.1.2.1.2.1.0")));
    for (int column : new int[] {1, 2, 3, 5, 7, 8, 10, 13, 14, 16, 20}) {
      for (int i = 1; i <= 6; i++) {
        expected.add(oid("1.3.6.1.2.1.2.2.1." + column + "." + i));
      }
    }
    for (int column : new int[] {1, 6, 10, 15, 18}) {
      for (int i = 1; i <= 6; i++) {
        expected.add(oid("1.3.6.1.2.1.31.1.1.1." + column + "." + i));
      }
    }
    assertThat(walked).containsExactlyElementsOf(expected);
    for (int i = 1; i < walked.size(); i++) {
      assertThat(walked.get(i).compareTo(walked.get(i - 1))).isPositive();
    }
  }

  @Test
  void getNextFromAnywhereFindsTheNextInstance() {
    MibView view = mib.view();
    assertThat(view.next(oid("1.3.6.1.2.1.2.2.1.4")).getOid())
        .as("ifMtu is not shown: on to ifSpeed")
        .isEqualTo(oid("1.3.6.1.2.1.2.2.1.5.1"));
    assertThat(view.next(oid("1.3.6.1.2.1.2.2.1.2.6")).getOid())
        .isEqualTo(oid("1.3.6.1.2.1.2.2.1.3.1"));
    assertThat(view.next(oid("1.3.6.1.2.1.2.2.1.2.3.99")).getOid())
        .isEqualTo(oid("1.3.6.1.2.1.2.2.1.2.4"));
    assertThat(view.next(oid("1.3.6.1.2.1.2.2.1.2.4294967295")).getOid())
        .as("sub-identifiers compare unsigned")
        .isEqualTo(oid("1.3.6.1.2.1.2.2.1.3.1"));
    assertThat(view.next(oid("1.3.6.1.2.1.3")).getOid()).isEqualTo(oid("1.3.6.1.2.1.31.1.1.1.1.1"));
    assertThat(view.next(oid("1.3.6.1.2.1.1.3.0")).getOid()).isEqualTo(oid("1.3.6.1.2.1.1.5.0"));
    VariableBinding end = view.next(oid("1.3.6.1.2.1.31.1.1.1.18.6"));
    assertThat(end.getOid()).isEqualTo(oid("1.3.6.1.2.1.31.1.1.1.18.6"));
    assertThat(end.getVariable()).isEqualTo(Null.endOfMibView);
    assertThat(view.next(oid("1.4")).getVariable()).isEqualTo(Null.endOfMibView);
  }

  @Test
  void getOfAnUnknownInstanceIsNoSuchInstanceAndOfAnUnknownObjectNoSuchObject() {
    MibView view = mib.view();
    assertThat(view.get(oid("1.3.6.1.2.1.1.5.0")).getVariable().toString())
        .isEqualTo("rtr-test-01");
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.2.1")).getVariable().toString())
        .isEqualTo("xe-1/0/0");
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.2.99")).getVariable())
        .isEqualTo(Null.noSuchInstance);
    assertThat(view.get(oid("1.3.6.1.2.1.1.3")).getVariable()).isEqualTo(Null.noSuchInstance);
    assertThat(view.get(oid("1.3.6.1.2.1.1.3.1")).getVariable()).isEqualTo(Null.noSuchInstance);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.4.1")).getVariable()).isEqualTo(Null.noSuchObject);
    assertThat(view.get(oid("1.3.6.1.4.1.9.1")).getVariable()).isEqualTo(Null.noSuchObject);
  }

  @Test
  void rowsShowPortsAndSubInterfacesAsIfMibDoes() {
    MibView view = mib.view();
    assertThat(view.get(oid("1.3.6.1.2.1.2.1.0")).getVariable().toInt()).isEqualTo(6);
    int port = ifIndex("xe-1/0/0");
    int sub = ifIndex(SUB);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.3." + port)).getVariable().toInt()).isEqualTo(6);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.3." + sub)).getVariable().toInt()).isEqualTo(135);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.5." + port)).getVariable().toLong())
        .as("10 Gbit/s caps at the Gauge32 maximum")
        .isEqualTo(4_294_967_295L);
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.15." + port)).getVariable().toLong())
        .isEqualTo(10_000);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.5." + sub)).getVariable().toLong())
        .isEqualTo(100_000_000L);
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.15." + sub)).getVariable().toLong())
        .isEqualTo(100);
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.18." + sub)).getVariable().toString())
        .isEqualTo("LPSN-T-0001");
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.18." + port)).getVariable().toString())
        .isEqualTo("uplink");
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.1." + sub)).getVariable().toString())
        .isEqualTo(SUB);
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.6." + sub)).getVariable())
        .isInstanceOf(Counter64.class);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.10." + sub)).getVariable())
        .isInstanceOf(Counter32.class);
  }

  // ---- indexes ----

  @Test
  void portsAreIndexedInTheRoutersOrderAndSubInterfacesKeepTheirIndexWithoutReuse()
      throws Exception {
    assertThat(ifIndex("xe-1/0/0")).isEqualTo(1);
    assertThat(ifIndex("ge-0/0/1")).isEqualTo(2);
    assertThat(ifIndex("ge-0/0/2")).isEqualTo(3);
    assertThat(ifIndex(SUB)).isEqualTo(4);
    assertThat(ifIndex("ge-0/0/1.200")).isEqualTo(5);
    assertThat(ifIndex("ge-0/0/2.300")).isEqualTo(6);

    router.remove(SUB);
    router.put(sub("ge-0/0/2.400", "ge-0/0/2", 400, "LPSN-T-0004", 10));
    assertThat(mib.view().row(SUB)).isEmpty();
    assertThat(ifIndex("ge-0/0/2.400"))
        .as("the next free index, not the deleted one's")
        .isEqualTo(7);
    assertThat(ifIndex("ge-0/0/1.200")).isEqualTo(5);
    router.put(sub(SUB, "ge-0/0/1", 100, "LPSN-T-0001", 100));
    assertThat(ifIndex(SUB)).as("an index is never reused within a boot").isEqualTo(8);
    assertThat(mib.view().rows())
        .extracting(MibView.IfRow::ifIndex)
        .containsExactly(1, 2, 3, 5, 6, 7, 8);

    mib.reboot();
    assertThat(mib.view().rows())
        .extracting(MibView.IfRow::name)
        .containsExactly(
            "xe-1/0/0",
            "ge-0/0/1",
            "ge-0/0/2",
            SUB,
            "ge-0/0/1.200",
            "ge-0/0/2.300",
            "ge-0/0/2.400");
    assertThat(mib.view().rows())
        .extracting(MibView.IfRow::ifIndex)
        .containsExactly(1, 2, 3, 4, 5, 6, 7);
  }

  // ---- traffic ----

  @Test
  void countersOnlyGrowAndPortsCarryTheirSubInterfaces() {
    mib.view();
    Random random = new Random(42);
    Map<String, long[]> last = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      advance(Duration.ofMillis(random.nextInt(120_000)));
      MibView view = mib.view();
      for (MibView.IfRow r : view.rows()) {
        long[] now = {r.inOctets(), r.outOctets(), r.inErrors(), r.inDiscards()};
        long[] before = last.put(r.name(), now);
        if (before != null) {
          for (int k = 0; k < now.length; k++) {
            assertThat(now[k])
                .as("counter %d of %s", k, r.name())
                .isGreaterThanOrEqualTo(before[k]);
          }
        }
      }
      MibView.IfRow port = view.row("ge-0/0/1").orElseThrow();
      long subs =
          view.row(SUB).orElseThrow().inOctets()
              + view.row("ge-0/0/1.200").orElseThrow().inOctets();
      assertThat(port.inOctets()).isGreaterThanOrEqualTo(subs);
    }
    assertThat(last.get(SUB)[0]).isPositive();
    assertThat(last.get(SUB)[2]).as("no errors without a fault").isZero();
  }

  @Test
  void theSameInstantReadsTheSameWhateverWasReadBetween() {
    RouterMib twin = new RouterMib(router, PORTS, clock::get);
    twin.view();
    mib.view();
    for (int i = 0; i < 100; i++) {
      advance(Duration.ofSeconds(7));
      mib.view(); // read often; the twin is read only at the end
    }
    assertThat(twin.view().row(SUB).orElseThrow().inOctets())
        .isCloseTo(mib.view().row(SUB).orElseThrow().inOctets(), within(2L));
  }

  @Test
  void aSubInterfaceCarriesItsLoadTimesItsBandwidth() {
    MibView.IfRow before = row(SUB);
    advance(Duration.ofSeconds(60));
    MibView.IfRow after = row(SUB);
    double inBps = (after.inOctets() - before.inOctets()) * 8 / 60.0;
    double outBps = (after.outOctets() - before.outOctets()) * 8 / 60.0;
    double inLoad = TrafficModel.load(SUB, TrafficModel.IN);
    double outLoad = TrafficModel.load(SUB, TrafficModel.OUT);
    assertThat(inLoad).isBetween(0.2, 0.6);
    assertThat(inBps)
        .isBetween(
            inLoad * 100e6 * (1 - TrafficModel.SWING), inLoad * 100e6 * (1 + TrafficModel.SWING));
    assertThat(outBps)
        .isBetween(
            outLoad * 100e6 * (1 - TrafficModel.SWING), outLoad * 100e6 * (1 + TrafficModel.SWING));
  }

  @Test
  void counter32IsTheLow32BitsOfTheCounter64AndWraps() {
    mib.view();
    advance(Duration.ofHours(2));
    MibView view = mib.view();
    int i = ifIndex("ge-0/0/2.300");
    long hc = view.get(oid("1.3.6.1.2.1.31.1.1.1.6." + i)).getVariable().toLong();
    long c32 = view.get(oid("1.3.6.1.2.1.2.2.1.10." + i)).getVariable().toLong();
    assertThat(hc).as("two hours at 20-60 %% of 1 Gbit/s").isGreaterThan(1L << 32);
    assertThat(c32).isEqualTo(hc & 0xFFFF_FFFFL).isLessThan(hc);
    long hcOut = view.get(oid("1.3.6.1.2.1.31.1.1.1.10." + i)).getVariable().toLong();
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.16." + i)).getVariable().toLong())
        .isEqualTo(hcOut & 0xFFFF_FFFFL);
  }

  // ---- faults ----

  @Test
  void aRebootRestartsUptimeAndEveryCounterAndLosesWhatTheyHeld() {
    advance(Duration.ofHours(1));
    MibView before = mib.view();
    assertThat(before.sysUpTimeTicks()).isEqualTo(360_000);
    assertThat(before.row("ge-0/0/1").orElseThrow().inOctets()).isPositive();
    mib.errorBurst(SUB, 10, Duration.ofSeconds(1));
    advance(Duration.ofSeconds(2));
    assertThat(row(SUB).inErrors()).isEqualTo(10);

    mib.reboot();
    MibView after = mib.view();
    assertThat(after.sysUpTimeTicks()).isZero();
    assertThat(after.rows())
        .allSatisfy(
            r -> {
              assertThat(r.inOctets()).isZero();
              assertThat(r.outOctets()).isZero();
              assertThat(r.inErrors()).isZero();
            });
    assertThat(mib.boots()).isEqualTo(2);
    advance(Duration.ofSeconds(10));
    MibView later = mib.view();
    assertThat(later.sysUpTimeTicks()).isEqualTo(1_000);
    assertThat(later.row(SUB).orElseThrow().inOctets())
        .isPositive()
        .isLessThan(10 * 100_000_000L / 8);
  }

  @Test
  void aLinkDownStopsTrafficAndShowsOperDown() {
    mib.setLinkUp(SUB, false);
    assertThat(router.operUp(SUB)).contains(false);
    MibView.IfRow down = row(SUB);
    assertThat(down.operUp()).isFalse();
    assertThat(down.adminUp()).isTrue();
    assertThat(mib.view().get(oid("1.3.6.1.2.1.2.2.1.8." + down.ifIndex())).getVariable().toInt())
        .isEqualTo(2);
    advance(Duration.ofSeconds(60));
    assertThat(row(SUB).inOctets()).isEqualTo(down.inOctets());

    mib.setLinkUp(SUB, true);
    advance(Duration.ofSeconds(60));
    assertThat(row(SUB).operUp()).isTrue();
    assertThat(row(SUB).inOctets()).isGreaterThan(down.inOctets());
  }

  @Test
  void aPortDownTakesItsSubInterfacesDown() {
    mib.setLinkUp("ge-0/0/1", false);
    MibView.IfRow before = row("ge-0/0/1.200");
    assertThat(row("ge-0/0/1").operUp()).isFalse();
    assertThat(before.operUp()).isFalse();
    assertThat(row("ge-0/0/2.300").operUp()).isTrue();
    advance(Duration.ofSeconds(60));
    assertThat(row("ge-0/0/1.200").inOctets()).isEqualTo(before.inOctets());
    mib.setLinkUp("ge-0/0/1", true);
    assertThat(row("ge-0/0/1.200").operUp()).isTrue();
  }

  @Test
  void anAdminDownSubInterfaceIsOperDownAndCarriesNothing() throws Exception {
    router.put(sub(SUB, "ge-0/0/1", 100, "LPSN-T-0001", 100).toBuilder().setAdminUp(false).build());
    MibView.IfRow before = row(SUB);
    assertThat(before.adminUp()).isFalse();
    assertThat(before.operUp()).isFalse();
    assertThat(mib.view().get(oid("1.3.6.1.2.1.2.2.1.7." + before.ifIndex())).getVariable().toInt())
        .isEqualTo(2);
    advance(Duration.ofSeconds(60));
    assertThat(row(SUB).inOctets()).isEqualTo(before.inOctets());
  }

  @Test
  void aFlappingInterfaceTogglesEveryPeriodAndCarriesHalfTheTime() {
    MibView.IfRow start = row(SUB);
    mib.flap(SUB, Duration.ofMillis(500));
    advance(Duration.ofMillis(100));
    assertThat(row(SUB).operUp()).isFalse();
    advance(Duration.ofMillis(500));
    assertThat(row(SUB).operUp()).isTrue();
    advance(Duration.ofMillis(500));
    assertThat(row(SUB).operUp()).isFalse();
    advance(Duration.ofMillis(98_900)); // 100 s of flapping in all
    double carried = (row(SUB).inOctets() - start.inOctets()) * 8 / 100.0;
    double steady = TrafficModel.load(SUB, TrafficModel.IN) * 100e6;
    assertThat(carried)
        .isBetween(
            steady * 0.5 * (1 - TrafficModel.SWING), steady * 0.5 * (1 + TrafficModel.SWING));

    mib.flap(SUB, Duration.ZERO);
    assertThat(row(SUB).operUp()).isTrue();
    assertThat(mib.activeFaults()).isEmpty();
  }

  @Test
  void aCongestedInterfaceRunsAtThatShareOfItsBandwidthAndDiscardsTheExcess() {
    mib.congest(SUB, 120);
    MibView.IfRow before = row(SUB);
    MibView.IfRow portBefore = row("ge-0/0/1");
    advance(Duration.ofSeconds(60));
    MibView.IfRow after = row(SUB);
    assertThat((after.inOctets() - before.inOctets()) * 8 / 60.0).isCloseTo(120e6, within(1e3));
    assertThat((after.outOctets() - before.outOctets()) * 8 / 60.0).isCloseTo(120e6, within(1e3));
    // 20 Mbit/s too much for 60 s, in 1000-byte packets.
    assertThat(after.inDiscards() - before.inDiscards()).isCloseTo(150_000L, within(2L));
    assertThat(row("ge-0/0/1").inOctets() - portBefore.inOctets())
        .isGreaterThan(after.inOctets() - before.inOctets());

    mib.congest(SUB, 0);
    MibView.IfRow calm = row(SUB);
    advance(Duration.ofSeconds(60));
    assertThat((row(SUB).inOctets() - calm.inOctets()) * 8 / 60.0).isLessThan(0.6 * 1.1 * 100e6);
    assertThat(row(SUB).inDiscards()).isEqualTo(calm.inDiscards());
  }

  @Test
  void anErrorBurstGrowsInErrorsAtItsRateForItsDuration() {
    mib.errorBurst(SUB, 50, Duration.ofSeconds(10));
    advance(Duration.ofSeconds(4));
    assertThat(row(SUB).inErrors()).isEqualTo(200);
    advance(Duration.ofSeconds(20));
    assertThat(row(SUB).inErrors()).isEqualTo(500);
    advance(Duration.ofSeconds(60));
    MibView view = mib.view();
    assertThat(view.row(SUB).orElseThrow().inErrors()).isEqualTo(500);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.14." + ifIndex(SUB))).getVariable().toLong())
        .isEqualTo(500);
    assertThat(view.rows())
        .filteredOn(r -> !r.name().equals(SUB))
        .allSatisfy(r -> assertThat(r.inErrors()).isZero());
    assertThat(view.rows()).allSatisfy(r -> assertThat(r.outErrors()).isZero());
  }

  @Test
  void withoutIfXTableTheRouterAnswersAsAnOldDevice() {
    mib.setIfXTable(false);
    MibView view = mib.view();
    assertThat(view.get(oid("1.3.6.1.2.1.31.1.1.1.6.1")).getVariable())
        .isEqualTo(Null.noSuchObject);
    assertThat(view.next(oid("1.3.6.1.2.1.31")).getVariable()).isEqualTo(Null.endOfMibView);
    assertThat(view.next(oid("1.3.6.1.2.1.2.2.1.20.6")).getVariable()).isEqualTo(Null.endOfMibView);
    assertThat(view.get(oid("1.3.6.1.2.1.2.2.1.10.1")).getVariable()).isInstanceOf(Counter32.class);
    mib.setIfXTable(true);
    assertThat(mib.view().get(oid("1.3.6.1.2.1.31.1.1.1.6.1")).getVariable())
        .isInstanceOf(Counter64.class);
  }

  @Test
  void silenceAndLossDecideWhetherToAnswer() {
    assertThat(mib.shouldAnswer()).isTrue();
    mib.setSilent(true);
    assertThat(mib.shouldAnswer()).isFalse();
    mib.setSilent(false);
    mib.setLossPercent(30);
    int answered = 0;
    for (int i = 0; i < 1_000; i++) {
      answered += mib.shouldAnswer() ? 1 : 0;
    }
    assertThat(answered).isBetween(620, 780);
    mib.setLossPercent(100);
    assertThat(mib.shouldAnswer()).isFalse();
    assertThatThrownBy(() -> mib.setLossPercent(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent");
  }

  @Test
  void clearingFaultsUndoesThemAll() {
    mib.setLinkUp(SUB, false);
    mib.setLinkUp("ge-0/0/2", false);
    mib.flap("ge-0/0/1.200", Duration.ofSeconds(1));
    mib.congest("xe-1/0/0", 150);
    mib.setSilent(true);
    mib.setLossPercent(10);
    mib.setIfXTable(false);
    assertThat(mib.activeFaults()).hasSize(7);
    mib.clearFaults();
    assertThat(mib.activeFaults()).isEmpty();
    assertThat(router.operUp(SUB)).contains(true);
    assertThat(mib.view().rows()).allSatisfy(r -> assertThat(r.operUp()).as(r.name()).isTrue());
    assertThat(mib.shouldAnswer()).isTrue();
    assertThat(mib.hasIfXTable()).isTrue();
  }

  @Test
  void faultsOnAnUnknownInterfaceNameIt() {
    assertThatThrownBy(() -> mib.setLinkUp("ge-9/9/9", false))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining("interface")
        .hasMessageContaining("ge-9/9/9");
    assertThatThrownBy(() -> mib.congest(SUB, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent");
    assertThatThrownBy(() -> mib.errorBurst(SUB, -5, Duration.ofSeconds(1)))
        .hasMessageContaining("perSecond");
  }
}
