package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;
import static org.wayleave.controller.northbound.InProcessController.camden;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.HistoryResponse;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.Txn;

class HistoryTest extends NorthboundTestSupport {
  private static final int STATUS_WRITES = 3_000;

  /**
   * After a failover the leader writes a status for every circuit, so the newest audit records are
   * thousands of status writes, which history skips. Asking for the newest change took a store
   * round trip per skipped record (over 10 s on etcd in CI); it must read them in pages.
   */
  @Test
  void theNewestChangeBehindThousandsOfStatusWritesIsFoundInAFewReads() {
    var created = c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    for (int i = 0; i < STATUS_WRITES; i++) {
      c.store.txn(
          Txn.builder(new Audit("controller", "status of LPSN-CAM-0001 in term 1"))
              .put(
                  Kind.CIRCUIT_STATUS_PREFIX + "LPSN-CAM-0001",
                  ("phase " + i).getBytes(StandardCharsets.UTF_8))
              .build());
    }
    StateStore store = spy(c.store);

    HistoryResponse newest =
        History.of(store, HistoryRequest.newBuilder().setLimit(1).build(), Scope.all());

    assertThat(newest.getEntriesList()).hasSize(1);
    assertThat(newest.getEntries(0).getRevision()).isEqualTo(created.getMeta().getCreateRevision());
    assertThat(newest.getEntries(0).getChanges(0).getRef().getId()).isEqualTo("LPSN-CAM-0001");
    verify(store, atMost(STATUS_WRITES / History.READ + 1)).audit(anyString(), anyLong(), anyInt());
  }

  @Test
  void pagesStillEndWhereTheStoreEnds() {
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    c.circuits.createCircuit(camden("LPSN-CAM-0002").build());

    HistoryResponse all =
        History.of(c.store, HistoryRequest.newBuilder().setLimit(1000).build(), Scope.all());
    HistoryResponse older =
        History.of(
            c.store,
            HistoryRequest.newBuilder()
                .setLimit(1)
                .setBeforeRevision(all.getEntries(0).getRevision())
                .build(),
            Scope.all());

    assertThat(all.getEntriesList()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(older.getEntriesList()).containsExactly(all.getEntries(1));
  }
}
