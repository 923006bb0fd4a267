package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wayleave.agent.Fixtures.DEVICE;
import static org.wayleave.agent.Fixtures.sub;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimRouterTest {

  @Test
  void operStatusIsUpByDefaultAndSettableAndGoesWithTheSubInterface() throws Exception {
    SimRouter router = new SimRouter(DEVICE, List.of("ge-0/0/0"));
    router.put(sub("ge-0/0/0", 100, "LPSN-CAM-0001"));
    assertThat(router.operUp("ge-0/0/0.100")).contains(true);

    router.setOperUp("ge-0/0/0.100", false);
    assertThat(router.operUp("ge-0/0/0.100")).contains(false);
    router.put(sub("ge-0/0/0", 100, "LPSN-CAM-0001").toBuilder().setBandwidthMbps(5).build());
    assertThat(router.operUp("ge-0/0/0.100")).as("an update keeps oper status").contains(false);

    router.remove("ge-0/0/0.100");
    assertThat(router.operUp("ge-0/0/0.100")).isEmpty();
    router.setOperUp("ge-0/0/0.100", true);
    assertThat(router.operUp("ge-0/0/0.100")).as("no status for what is not there").isEmpty();
  }

  @Test
  void rejectsBadConstruction() {
    assertThatThrownBy(() -> new SimRouter("", List.of("ge-0/0/0")))
        .hasMessageContaining("deviceId");
    assertThatThrownBy(() -> new SimRouter(DEVICE, List.of(""))).hasMessageContaining("ports");
  }

  @Test
  void concurrentChangesFromManyThreadsAreAllKept() throws Exception {
    SimRouter router = new SimRouter(DEVICE, List.of("ge-0/0/0", "ge-0/0/1"));
    AtomicInteger heard = new AtomicInteger();
    router.addOutOfBandListener(heard::incrementAndGet);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 500 + 1;
        boolean console = t % 2 == 0;
        tasks.add(
            () -> {
              for (int v = base; v < base + 250; v++) {
                if (console) {
                  router.addForeign(sub("ge-0/0/1", v, "HAND-" + v));
                } else {
                  router.put(sub("ge-0/0/0", v, "LPSN-" + v));
                  router.config();
                }
              }
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(router.config().getSubInterfacesCount()).isEqualTo(1000);
    assertThat(router.mutations()).isEqualTo(1000);
    assertThat(heard).hasValue(500);
  }
}
