package org.wayleave.controller.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StateStoreContractTest;

/**
 * The store contract against a real etcd, started once for the class by {@link EtcdServer}; each
 * test gets a store in a namespace of its own, so it starts empty at revision 0.
 */
class EtcdStateStoreTest extends StateStoreContractTest {
  private static EtcdServer etcd;

  private String namespace;
  private EtcdStateStore current;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected StateStore openStore() {
    namespace = "/wayleave-test/" + UUID.randomUUID() + "/";
    current = EtcdStateStore.open(List.of(etcd.endpoint()), namespace);
    return current;
  }

  @Override
  protected StateStore reopenStore() {
    current.close();
    current = EtcdStateStore.open(List.of(etcd.endpoint()), namespace);
    return current;
  }

  // ------------------------------------------------------------------------------ etcd only

  @Test
  void storesInDifferentNamespacesOfOneClusterDoNotSeeEachOther() {
    put("/k/a", "mine");
    try (EtcdStateStore other =
        EtcdStateStore.open(
            List.of(etcd.endpoint()), "/wayleave-test/" + UUID.randomUUID() + "/")) {
      assertThat(other.revision()).isZero();
      assertThat(other.get("/k/a")).isEmpty();
      assertThat(other.list("").kvs()).isEmpty();
    }
    assertThat(store.revision()).isEqualTo(1);
  }

  @Test
  void aCandidateAloneInAnElectionLeadsUntilItLeaves() throws Exception {
    try (LeaderElection first = store.leaderElection("controllers", "first")) {
      first.campaign();
      assertThat(first.isLeader()).isTrue();
      first.close();
      assertThat(first.isLeader()).isFalse();
      // The second candidate can win only because the first resigned.
      try (LeaderElection second = store.leaderElection("controllers", "second")) {
        second.campaign();
        assertThat(second.isLeader()).isTrue();
      }
    }
  }
}
