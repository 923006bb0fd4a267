package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wayleave.controller.northbound.InProcessController.camden;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Txn;

/** The cache counts circuits by stored phase without reading the circuits. */
class CacheStatusCountTest extends NorthboundTestSupport {
  @Test
  void countsStoredStatusesByPhaseAndForgetsDeletedCircuits() throws Exception {
    for (String id : new String[] {"LPSN-CAM-0001", "LPSN-CAM-0002", "LPSN-CAM-0003"}) {
      c.circuits.createCircuit(camden(id).build());
    }
    status("LPSN-CAM-0001", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    status("LPSN-CAM-0002", CircuitPhase.CIRCUIT_PHASE_ACTIVE);
    long rev = status("LPSN-CAM-0003", CircuitPhase.CIRCUIT_PHASE_DOWN);
    assertThat(c.cache.awaitRevision(rev, Duration.ofSeconds(10))).isTrue();

    assertThat(c.cache.statusCounts().getOrDefault(CircuitPhase.CIRCUIT_PHASE_ACTIVE, 0))
        .isEqualTo(2);
    assertThat(c.cache.statusCounts().getOrDefault(CircuitPhase.CIRCUIT_PHASE_DOWN, 0))
        .isEqualTo(1);
    assertThat(c.cache.statusCounts().getOrDefault(CircuitPhase.CIRCUIT_PHASE_FAILED, 0)).isZero();

    long del =
        c.store
            .txn(
                Txn.builder(new Audit("test", "drop a status"))
                    .delete(Kind.CIRCUIT_STATUS_PREFIX + "LPSN-CAM-0002")
                    .build())
            .revision();
    assertThat(c.cache.awaitRevision(del, Duration.ofSeconds(10))).isTrue();
    assertThat(c.cache.statusCounts().getOrDefault(CircuitPhase.CIRCUIT_PHASE_ACTIVE, 0))
        .isEqualTo(1);
  }

  private long status(String id, CircuitPhase phase) {
    return c.store
        .txn(
            Txn.builder(new Audit("test", "status of " + id))
                .put(
                    Kind.CIRCUIT_STATUS_PREFIX + id,
                    CircuitStatus.newBuilder().setPhase(phase).build().toByteArray())
                .build())
        .revision();
  }

  @Test
  void committedRatesFollowTheCacheWithoutItsLock() throws Exception {
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    var rates = org.wayleave.controller.core.CommittedRates.follow(c.cache);
    assertThat(rates.applyAsLong("LPSN-CAM-0001")).isEqualTo(10);
    assertThat(rates.applyAsLong("LPSN-CAM-0404")).isZero();

    var edit = camden("LPSN-CAM-0001");
    edit.getSpecBuilder().setCommittedMbps(20);
    long rev = c.circuits.updateCircuit(edit.build()).getMeta().getRevision();
    c.circuits.createCircuit(camden("LPSN-CAM-0002").build());
    assertThat(c.cache.awaitRevision(rev, Duration.ofSeconds(10))).isTrue();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rates.applyAsLong("LPSN-CAM-0001") == 20);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rates.applyAsLong("LPSN-CAM-0002") == 10);

    c.circuits.deleteCircuit(
        org.wayleave.api.v1.DeleteRequest.newBuilder().setId("LPSN-CAM-0001").build());
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rates.applyAsLong("LPSN-CAM-0001") == 0);
  }
}
