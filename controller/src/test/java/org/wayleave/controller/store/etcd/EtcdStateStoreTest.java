package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StateStoreContractTest;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

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

  @Test
  void aSecondCandidateWaitsWhileTheFirstLeadsAndTakesOverWhenItLeaves() throws Exception {
    LeaderElection first = store.leaderElection("controllers", "first");
    first.campaign();
    try (LeaderElection second = store.leaderElection("controllers", "second")) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> campaigning =
            pool.submit(
                () -> {
                  second.campaign();
                  return null;
                });
        TimeUnit.MILLISECONDS.sleep(500);
        assertThat(campaigning).isNotDone();
        assertThat(second.isLeader()).isFalse();
        assertThat(first.isLeader()).isTrue();

        first.close();
        campaigning.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(second.isLeader()).isTrue();
        assertThat(first.isLeader()).isFalse();
      } finally {
        pool.shutdownNow();
        first.close();
      }
    }
  }

  @Test
  void theCompactorCompactsOneIntervalBehindAndTheAuditTrailSurvives() throws Exception {
    long r1 = put("/c/a", "a1");
    long r2 = put("/c/a", "a2");
    try (EtcdCompactor compactor = ((EtcdStateStore) store).compactor(Duration.ofMillis(200))) {
      compactor.start();
      // Nothing older than one interval is compacted at first; then the history behind it is.
      await().atMost(WAIT).until(() -> compactor.compactedAt() > 0);
      long r3 = put("/c/b", "b1");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThatThrownBy(() -> store.listAt("/c/", r1))
                      .isInstanceOf(CompactedException.class));
      assertThat(keys(store.listAt("/c/", r3))).containsExactly("/c/a", "/c/b");
      // The audit trail and watches from before the compaction lose nothing.
      assertThat(store.audit("/c/", 0, 10))
          .extracting(AuditRecord::revision)
          .containsExactly(r3, r2, r1);
      Collected rec = new Collected();
      try (Watch w = store.watch("/c/", r1, rec)) {
        await().atMost(WAIT).until(() -> rec.lastRevision() >= r3 || !rec.errors.isEmpty());
        assertThat(rec.errors).isEmpty();
        assertThat(rec.revisions).containsExactly(r2, r3);
      }
    }
  }

  @Test
  void listAtARevisionEtcdCompactedFailsAsCompactedWhileWatchHistoryIsKept() throws Exception {
    long r1 = put("/h/a", "a1");
    long r2 = put("/h/a", "a2");
    long r3 = put("/h/b", "b1");
    compactEtcd();

    assertThatThrownBy(() -> store.listAt("/h/", r1)).isInstanceOf(CompactedException.class);
    assertThatThrownBy(() -> store.listAt("/h/", r2)).isInstanceOf(CompactedException.class);
    // etcd keeps its newest revision, which still shows the latest store revision.
    assertThat(keys(store.listAt("/h/", r3))).containsExactly("/h/a", "/h/b");

    // The watch history is the audit log, which compaction does not touch.
    Collected rec = new Collected();
    try (Watch w = store.watch("/h/", r1, rec)) {
      await().atMost(WAIT).until(() -> rec.lastRevision() >= r3 || !rec.errors.isEmpty());
      assertThat(rec.errors).isEmpty();
      assertThat(rec.revisions).containsExactly(r2, r3);
      StoreEvent update = rec.events.get(0);
      assertThat(update.prevKv().value()).isEqualTo("a1".getBytes(UTF_8));
    }
  }

  @Test
  void aWatchCarriesOnWithoutGapOrDuplicateWhenEtcdRestarts() throws Exception {
    try (EtcdServer own = EtcdServer.start();
        EtcdStateStore s = EtcdStateStore.open(List.of(own.endpoint()), "/restart/")) {
      Collected rec = new Collected();
      Watch w = s.watch("/w/", 0, rec);
      long r1 = putRetrying(s, "/w/a", "1");
      await().atMost(WAIT).until(() -> rec.lastRevision() >= r1);

      own.restart();
      long r2 = putRetrying(s, "/w/a", "2");
      long r3 = putRetrying(s, "/w/b", "3");

      await().atMost(WAIT).until(() -> rec.lastRevision() >= r3 || !rec.errors.isEmpty());
      assertThat(rec.errors).isEmpty();
      assertThat(List.of(r1, r2, r3)).containsExactly(1L, 2L, 3L);
      assertThat(rec.revisions).containsExactly(r1, r2, r3);
      w.close();
    }
  }

  @Test
  void aTxnNamingMoreKeysThanEtcdTakesInOneTxnIsReadInPartsAndGuardedByTheRevision() {
    int n = 300;
    for (int i = 0; i < 3; i++) {
      put("/big/existing" + i, "x");
    }
    Txn.Builder t = newTxn();
    for (int i = 0; i < n; i++) {
      t.compare(Compare.absent("/big/c" + i));
    }
    for (int i = 0; i < 3; i++) {
      t.compare(Compare.modRevision("/big/existing" + i, i + 1));
    }
    for (int i = 0; i < 100; i++) {
      t.put("/big/p" + i, bytes("v" + i));
    }
    TxnResult r = store.txn(t.build());
    assertThat(r.succeeded()).isTrue();
    assertThat(r.revision()).isEqualTo(4);
    assertThat(store.list("/big/p").kvs()).hasSize(100);
    // A compare beyond the first part of the read is checked too.
    TxnResult stale =
        store.txn(
            newTxn()
                .compare(Compare.absent("/big/p99"))
                .compare(Compare.modRevision("/big/existing2", 2))
                .put("/big/q", bytes("q"))
                .build());
    assertThat(stale.succeeded()).isFalse();
  }

  @Test
  void aTxnChangingMoreKeysThanEtcdTakesIsRefusedWithNothingWritten() {
    Txn.Builder t = newTxn();
    for (int i = 0; i < 200; i++) {
      t.put("/many/" + i, bytes("v"));
    }
    assertThatThrownBy(() -> store.txn(t.build()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("max-txn-ops");
    assertThat(store.revision()).isZero();
    assertThat(store.list("/many/").kvs()).isEmpty();
  }

  /** Puts, trying again while the client reconnects to a restarted etcd. */
  private static long putRetrying(StateStore s, String key, String value)
      throws InterruptedException {
    StoreException last = null;
    for (int attempt = 0; attempt < 60; attempt++) {
      try {
        TxnResult r = s.txn(Txn.builder(AUDIT).put(key, value.getBytes(UTF_8)).build());
        assertThat(r.succeeded()).isTrue();
        return r.revision();
      } catch (StoreException e) {
        last = e;
        TimeUnit.MILLISECONDS.sleep(250);
      }
    }
    throw last;
  }

  /** Compacts the test etcd up to its current revision, physically. */
  private static void compactEtcd() throws Exception {
    try (Client c = Client.builder().endpoints(etcd.endpoint()).build()) {
      long now =
          c.getKVClient()
              .get(ByteSequence.from("/", UTF_8))
              .get(10, TimeUnit.SECONDS)
              .getHeader()
              .getRevision();
      c.getKVClient()
          .compact(now, CompactOption.builder().withCompactPhysical(true).build())
          .get(10, TimeUnit.SECONDS);
    }
  }

  /** What a watch delivered (the contract's recorder is not reachable from here). */
  private static final class Collected implements WatchListener {
    final List<Long> revisions = new CopyOnWriteArrayList<>();
    final List<StoreEvent> events = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onEvents(long revision, List<StoreEvent> batch) {
      revisions.add(revision);
      events.addAll(batch);
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }

    long lastRevision() {
      return revisions.isEmpty() ? 0 : revisions.get(revisions.size() - 1);
    }
  }
}
