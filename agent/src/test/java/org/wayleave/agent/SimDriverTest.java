package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wayleave.agent.Fixtures.DEVICE;
import static org.wayleave.agent.Fixtures.config;
import static org.wayleave.agent.Fixtures.qinq;
import static org.wayleave.agent.Fixtures.sub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.time.Ticker;

class SimDriverTest {
  private final List<Duration> slept = new ArrayList<>();
  private SimRouter router;
  private SimDriver driver;

  @BeforeEach
  void setUp() {
    router =
        new SimRouter(DEVICE, List.of("ge-0/0/0", "ge-0/0/1"), Ticker.sleepingWith(slept::add));
    driver = new SimDriver(router);
  }

  @Test
  void createsWhatIsMissingAndReadsItBackSortedByName() throws Exception {
    SubInterface b = sub("ge-0/0/1", 200, "LPSN-CAM-0002");
    SubInterface a = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    DeviceConfig desired =
        DeviceConfig.newBuilder()
            .setDeviceId(DEVICE)
            .addSubInterfaces(b)
            .addSubInterfaces(a)
            .build();

    ApplyOutcome outcome = driver.apply(desired, false);

    assertThat(outcome.complete()).isTrue();
    assertThat(outcome.actual()).isEqualTo(config(a, b));
    assertThat(driver.read().getSubInterfacesList()).containsExactly(a, b);
    assertThat(router.journal()).containsExactly("create ge-0/0/0.100", "create ge-0/0/1.200");
  }

  @Test
  void appliesOnlyTheDifference() throws Exception {
    SubInterface keep = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    SubInterface change = sub("ge-0/0/0", 101, "LPSN-CAM-0002");
    SubInterface drop = sub("ge-0/0/0", 102, "LPSN-CAM-0003");
    driver.apply(config(keep, change, drop), false);
    int before = router.mutations();

    SubInterface changed = change.toBuilder().setBandwidthMbps(500).setAdminUp(false).build();
    SubInterface added = sub("ge-0/0/1", 300, "LPSN-CAM-0004");
    ApplyOutcome outcome = driver.apply(config(keep, changed, added), false);

    assertThat(outcome.complete()).isTrue();
    assertThat(router.mutations() - before).isEqualTo(3);
    assertThat(router.journal().subList(before, router.mutations()))
        .containsExactly("delete ge-0/0/0.102", "update ge-0/0/0.101", "create ge-0/0/1.300");
    assertThat(outcome.actual()).isEqualTo(config(keep, changed, added));
  }

  @Test
  void applyingTheSameDesiredTwiceChangesNothingTheSecondTime() throws Exception {
    DeviceConfig desired =
        config(sub("ge-0/0/0", 100, "LPSN-CAM-0001"), qinq("ge-0/0/1", 20, 100, "LPSN-CAM-0002"));
    driver.apply(desired, false);
    int after = router.mutations();
    assertThat(after).isEqualTo(2);

    ApplyOutcome again = driver.apply(desired, false);

    assertThat(again.complete()).isTrue();
    assertThat(router.mutations()).isEqualTo(after);
    assertThat(again.actual()).isEqualTo(desired);
  }

  @Test
  void keepUnownedLeavesForeignSubInterfacesAloneAndOtherwiseRemovesThem() throws Exception {
    SubInterface foreign = sub("ge-0/0/1", 999, "HAND-MADE");
    router.addForeign(foreign);
    SubInterface ours = sub("ge-0/0/0", 100, "LPSN-CAM-0001");

    ApplyOutcome kept = driver.apply(config(ours), true);
    assertThat(kept.actual().getSubInterfacesList()).containsExactly(ours, foreign);

    ApplyOutcome removed = driver.apply(config(ours), false);
    assertThat(removed.actual().getSubInterfacesList()).containsExactly(ours);
    assertThat(router.journal()).endsWith("delete ge-0/0/1.999");
  }

  @Test
  void aFailingItemIsReportedWhileTheOthersApply() throws Exception {
    SubInterface good = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    SubInterface bad = sub("ge-0/0/0", 101, "LPSN-CAM-0002");
    SubInterface alsoGood = sub("ge-0/0/1", 102, "LPSN-CAM-0003");
    router.failItem(bad.getName(), "TCAM full");

    ApplyOutcome outcome = driver.apply(config(good, bad, alsoGood), false);

    assertThat(outcome.itemErrors())
        .containsExactly(
            ItemError.newBuilder()
                .setName("ge-0/0/0.101")
                .setAlias("LPSN-CAM-0002")
                .setMessage("TCAM full")
                .build());
    assertThat(outcome.actual().getSubInterfacesList()).containsExactly(good, alsoGood);
    assertThat(router.get(bad.getName())).isEmpty();

    router.clearFailures();
    ApplyOutcome retried = driver.apply(config(good, bad, alsoGood), false);
    assertThat(retried.complete()).isTrue();
    assertThat(router.journal()).endsWith("create ge-0/0/0.101");
  }

  @Test
  void failAppliesFailsEveryItemAndLeavesTheRouterAsItWas() throws Exception {
    SubInterface existing = sub("ge-0/0/0", 100, "LPSN-CAM-0001");
    driver.apply(config(existing), false);
    int before = router.mutations();
    router.failApplies("commit failed: configuration database locked");

    ApplyOutcome outcome =
        driver.apply(
            config(
                existing.toBuilder().setBandwidthMbps(9).build(),
                sub("ge-0/0/1", 5, "LPSN-CAM-0002")),
            false);

    assertThat(outcome.itemErrors())
        .extracting(ItemError::getName)
        .containsExactly("ge-0/0/0.100", "ge-0/0/1.5");
    assertThat(outcome.itemErrors())
        .extracting(ItemError::getMessage)
        .containsOnly("commit failed: configuration database locked");
    assertThat(router.mutations()).isEqualTo(before);
    assertThat(outcome.actual()).isEqualTo(config(existing));
  }

  @Test
  void aSubInterfaceOnAPortThatDoesNotExistFailsThatItem() throws Exception {
    ApplyOutcome outcome =
        driver.apply(
            config(sub("xe-9/9/9", 100, "LPSN-CAM-0001"), sub("ge-0/0/0", 100, "LPSN-CAM-0002")),
            false);

    assertThat(outcome.itemErrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("xe-9/9/9.100");
              assertThat(e.getAlias()).isEqualTo("LPSN-CAM-0001");
              assertThat(e.getMessage()).contains("port 'xe-9/9/9' does not exist");
            });
    assertThat(outcome.actual().getSubInterfacesList())
        .extracting(SubInterface::getName)
        .containsExactly("ge-0/0/0.100");
  }

  @Test
  void qinqSubInterfacesAreNamedPortSTagCTag() throws Exception {
    SubInterface q = qinq("ge-0/0/1", 300, 42, "LPSN-CAM-0007");
    assertThat(q.getName()).isEqualTo("ge-0/0/1.300.42");
    SubInterface misnamed =
        qinq("ge-0/0/1", 300, 43, "LPSN-CAM-0008").toBuilder().setName("ge-0/0/1.43").build();

    ApplyOutcome outcome = driver.apply(config(q, misnamed), false);

    assertThat(outcome.actual().getSubInterfacesList()).containsExactly(q);
    assertThat(outcome.itemErrors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getName()).isEqualTo("ge-0/0/1.43");
              assertThat(e.getMessage()).contains("name: must be 'ge-0/0/1.300.43'");
            });
  }

  @Test
  void tagsOutOfRangeFailTheItem() throws Exception {
    SubInterface vlan4095 = sub("ge-0/0/0", 4095, "LPSN-CAM-0001");
    ApplyOutcome outcome = driver.apply(config(vlan4095), false);
    assertThat(outcome.itemErrors())
        .singleElement()
        .extracting(ItemError::getMessage)
        .isEqualTo("c_tag: VLAN id must be within 1-4094 (got 4095)");
  }

  @Test
  void anotherDevicesConfigOrDuplicateNamesAreRejectedWhole() {
    DeviceConfig other =
        config(sub("ge-0/0/0", 100, "X")).toBuilder().setDeviceId("rtr-hackney-01").build();
    assertThatThrownBy(() -> driver.apply(other, false))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining(
            "desired.device_id: 'rtr-hackney-01' is not this router ('rtr-camden-01')");

    SubInterface s = sub("ge-0/0/0", 100, "X");
    DeviceConfig dup = DeviceConfig.newBuilder().addSubInterfaces(s).addSubInterfaces(s).build();
    assertThatThrownBy(() -> driver.apply(dup, false))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("name 'ge-0/0/0.100' appears more than once");
    assertThat(router.mutations()).isZero();
  }

  @Test
  void anUnreachableRouterFailsReadAndApply() {
    router.failRouter("no route to host");
    assertThatThrownBy(() -> driver.read())
        .isInstanceOf(DriverException.class)
        .hasMessage("no route to host");
    assertThatThrownBy(() -> driver.apply(config(sub("ge-0/0/0", 100, "X")), false))
        .isInstanceOf(DriverException.class);
    assertThat(router.mutations()).isZero();
    router.clearFailures();
    assertThat(router.unreachable()).isEmpty();
  }

  @Test
  void eachApplyWaitsTheApplyDelayThroughTheSleeper() throws Exception {
    router.setApplyDelay(Duration.ofMillis(250));
    driver.apply(config(sub("ge-0/0/0", 100, "X")), false);
    driver.apply(config(sub("ge-0/0/0", 100, "X")), false);
    assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
    assertThatThrownBy(() -> router.setApplyDelay(Duration.ofMillis(-1)))
        .hasMessageContaining("applyDelay");
  }

  @Test
  void outOfBandListenersHearConsoleChangesButNotApplies() throws Exception {
    AtomicInteger heard = new AtomicInteger();
    driver.onOutOfBandChange(heard::incrementAndGet);

    driver.apply(
        config(sub("ge-0/0/0", 100, "LPSN-CAM-0001"), sub("ge-0/0/0", 101, "LPSN-CAM-0002")),
        false);
    driver.apply(config(sub("ge-0/0/0", 100, "LPSN-CAM-0001")), false);
    assertThat(heard).hasValue(0);

    assertThat(router.deleteBehindTheBack("ge-0/0/0.100")).isTrue();
    assertThat(heard).hasValue(1);
    router.addForeign(sub("ge-0/0/1", 7, "HAND-MADE"));
    assertThat(heard).hasValue(2);
    router.addForeign(sub("ge-0/0/1", 7, "HAND-MADE"));
    assertThat(heard).as("re-adding an identical one is no change").hasValue(2);
    assertThat(router.deleteBehindTheBack("ge-0/0/0.100")).isFalse();
    assertThat(heard).hasValue(2);
    assertThat(driver.read().getSubInterfacesList())
        .extracting(SubInterface::getName)
        .containsExactly("ge-0/0/1.7");
  }
}
