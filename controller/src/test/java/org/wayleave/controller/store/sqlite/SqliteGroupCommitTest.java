package org.wayleave.controller.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;

/**
 * Group commit: transactions that queue while one commits are committed together, in one SQLite
 * transaction, each with its own revision, compare, audit row and watch event, exactly as if one
 * after the other. A first transaction whose fence blocks holds the write lock so the others queue
 * deterministically.
 */
class SqliteGroupCommitTest {
  @TempDir Path dir;

  private SqliteStateStore store;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  /** A fence that holds, after waiting for the test to let it go. */
  private final Fence blocking =
      new Fence() {
        @Override
        public boolean holds() {
          holding.countDown();
          try {
            return release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }

        @Override
        public long term() {
          return 1;
        }
      };

  private static final Fence LOST =
      new Fence() {
        @Override
        public boolean holds() {
          return false;
        }

        @Override
        public long term() {
          return 0;
        }
      };

  @BeforeEach
  void open() {
    store = SqliteStateStore.open(dir);
  }

  @AfterEach
  void close() throws InterruptedException {
    release.countDown();
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    store.close();
  }

  private static Txn.Builder put(String key, String value) {
    return Txn.builder(new Audit("test", "put " + key)).put(key, value.getBytes(UTF_8));
  }

  /** Starts {@code first} (which holds the lock in its fence), then {@code queued} behind it. */
  private List<Future<TxnResult>> queuedBehind(Txn first, List<Txn> queued) throws Exception {
    List<Future<TxnResult>> out = new ArrayList<>();
    out.add(pool.submit(() -> store.txn(first)));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    for (Txn t : queued) {
      out.add(pool.submit(() -> store.txn(t)));
    }
    // Every one queued behind the first, which still holds the write lock.
    await().atMost(Duration.ofSeconds(10)).until(() -> store.queued() == queued.size());
    return out;
  }

  @Test
  void transactionsQueuedWhileOneCommitsShareOneCommitAndKeepTheirOwnRevisions() throws Exception {
    List<Long> watched = new CopyOnWriteArrayList<>();
    store.watch("/g/", 0, (rev, events) -> watched.add(rev));
    long groupsBefore = store.groups();
    List<Txn> queued = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queued.add(put("/g/k" + i, "v" + i).build());
    }

    List<Future<TxnResult>> results =
        queuedBehind(put("/g/first", "x").fence(blocking).build(), queued);
    release.countDown();

    List<Long> revisions = new ArrayList<>();
    for (Future<TxnResult> f : results) {
      TxnResult r = f.get(10, TimeUnit.SECONDS);
      assertThat(r.succeeded()).isTrue();
      revisions.add(r.revision());
    }
    assertThat(revisions).doesNotHaveDuplicates().hasSize(21);
    assertThat(revisions.stream().mapToLong(Long::longValue).max().getAsLong()).isEqualTo(21);
    // The first committed alone, the twenty queued behind it together.
    assertThat(store.groups() - groupsBefore).isEqualTo(2);
    for (int i = 0; i < 20; i++) {
      assertThat(new String(store.get("/g/k" + i).orElseThrow().value(), UTF_8)).isEqualTo("v" + i);
    }
    // One audit row and one watch delivery per transaction, in revision order.
    List<AuditRecord> audit = store.audit("/g/", Long.MAX_VALUE, 100);
    assertThat(audit).hasSize(21);
    await().until(() -> watched.size() == 21);
    assertThat(watched).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aCompareSeesTheTransactionsQueuedBeforeItInTheSameGroup() throws Exception {
    long rev = store.txn(put("/g/a", "0").build()).revision();
    // Both expect /g/a at rev; as one after the other, the second must fail.
    Txn one = put("/g/a", "1").compare(Compare.modRevision("/g/a", rev)).build();
    Txn two = put("/g/a", "2").compare(Compare.modRevision("/g/a", rev)).build();

    List<Future<TxnResult>> results =
        queuedBehind(put("/g/first", "x").fence(blocking).build(), List.of(one, two));
    release.countDown();

    boolean first = results.get(1).get(10, TimeUnit.SECONDS).succeeded();
    boolean second = results.get(2).get(10, TimeUnit.SECONDS).succeeded();
    assertThat(first ^ second).as("exactly one of the two wins").isTrue();
    String won = first ? "1" : "2";
    assertThat(new String(store.get("/g/a").orElseThrow().value(), UTF_8)).isEqualTo(won);
  }

  @Test
  void aLostFenceInAGroupRefusesOnlyItsOwnTransaction() throws Exception {
    Txn refused = put("/g/deposed", "x").fence(LOST).build();
    Txn kept = put("/g/kept", "y").build();

    List<Future<TxnResult>> results =
        queuedBehind(put("/g/first", "x").fence(blocking).build(), List.of(refused, kept));
    release.countDown();

    assertThat(results.get(0).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    try {
      results.get(1).get(10, TimeUnit.SECONDS);
      fail("a deposed leader's write was committed");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(NotLeaderException.class);
    }
    assertThat(results.get(2).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(store.get("/g/deposed")).isEmpty();
    assertThat(store.get("/g/kept")).isPresent();
  }
}
