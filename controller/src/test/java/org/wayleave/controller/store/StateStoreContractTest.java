package org.wayleave.controller.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link StateStore} implementation passes. An implementation's test extends
 * this class and says how to open a store and how to restart it on the same data; every test here
 * then runs against it.
 *
 * <p>Each test starts from a new, empty store (revision 0). Keys are compared in code-point order
 * (which is UTF-8 byte order, the order both SQLite and etcd sort in).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StateStoreContractTest {

  /** How long any asynchronous expectation may take before the test fails. */
  protected static final Duration WAIT = Duration.ofSeconds(15);

  protected static final Audit AUDIT = new Audit("test:contract", "contract test");

  /** Code-point order, the same as UTF-8 byte order. */
  protected static final Comparator<String> KEY_ORDER =
      (a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());

  /** The store under test; replaced by {@link #restart()}. */
  protected StateStore store;

  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final List<ExecutorService> executors = new CopyOnWriteArrayList<>();

  /** A new, empty store (revision 0) for one test. */
  protected abstract StateStore openStore();

  /**
   * Closes the store most recently returned by {@link #openStore()} or this method, and opens a new
   * one on the same backing data: a restart of the controller.
   */
  protected abstract StateStore reopenStore();

  @BeforeEach
  void openFreshStore() {
    store = openStore();
  }

  @AfterEach
  void closeEverything() throws InterruptedException {
    for (Watch w : watches) {
      w.close();
    }
    for (ExecutorService e : executors) {
      e.shutdownNow();
      e.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (store != null) {
      store.close();
    }
  }

  /** Restarts the store on the same data; {@link #store} is the new instance afterwards. */
  protected final void restart() {
    store = reopenStore();
  }

  // ------------------------------------------------------------------------------------ helpers

  protected static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  protected static String str(byte[] b) {
    return new String(b, UTF_8);
  }

  protected static Txn.Builder newTxn() {
    return Txn.builder(AUDIT);
  }

  /** Commits {@code txn}, which must succeed, and returns its revision. */
  protected long commit(Txn.Builder txn) {
    TxnResult r = store.txn(txn.build());
    assertThat(r.succeeded()).as("txn succeeded").isTrue();
    return r.revision();
  }

  protected long put(String key, String value) {
    return commit(newTxn().put(key, bytes(value)));
  }

  protected long delete(String key) {
    return commit(newTxn().delete(key));
  }

  protected String valueOf(String key) {
    return store.get(key).map(kv -> str(kv.value())).orElse(null);
  }

  protected List<String> keys(Range range) {
    return range.kvs().stream().map(KeyValue::key).toList();
  }

  protected Watch watch(String prefix, long fromRevision, Recorder recorder) {
    Watch w = store.watch(prefix, fromRevision, recorder);
    watches.add(w);
    return w;
  }

  protected ExecutorService executor(int threads) {
    ExecutorService e = Executors.newFixedThreadPool(threads);
    executors.add(e);
    return e;
  }

  /** Waits until {@code recorder} has been handed revision {@code revision} (or later). */
  protected static void awaitDelivered(Recorder recorder, long revision) {
    await()
        .atMost(WAIT)
        .until(() -> !recorder.errors.isEmpty() || recorder.lastRevision() >= revision);
    assertThat(recorder.errors).as("watch errors").isEmpty();
  }

  /** A change as a comparable string: {@code PUT key=value} or {@code DELETE key}. */
  protected static String describe(StoreEvent e) {
    return e.type() == StoreEvent.Type.PUT
        ? "PUT " + e.kv().key() + "=" + str(e.kv().value())
        : "DELETE " + e.kv().key();
  }

  protected static List<String> describeSorted(List<StoreEvent> events) {
    return events.stream().map(StateStoreContractTest::describe).sorted().toList();
  }

  /** One {@code onEvents} call. */
  protected record Batch(long revision, List<StoreEvent> events) {}

  /** Records what a watch delivers, and whether it was ever called concurrently. */
  protected static final class Recorder implements WatchListener {
    final List<Batch> batches = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger overlappingCalls = new AtomicInteger();
    private final AtomicBoolean inCall = new AtomicBoolean();

    @Override
    public void onEvents(long revision, List<StoreEvent> events) {
      if (!inCall.compareAndSet(false, true)) {
        overlappingCalls.incrementAndGet();
      }
      try {
        batches.add(new Batch(revision, List.copyOf(events)));
      } finally {
        inCall.set(false);
      }
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }

    List<Long> revisions() {
      return batches.stream().map(Batch::revision).toList();
    }

    long lastRevision() {
      List<Batch> b = batches;
      return b.isEmpty() ? 0 : b.get(b.size() - 1).revision();
    }

    List<StoreEvent> events() {
      return batches.stream().flatMap(b -> b.events().stream()).toList();
    }

    /** Every batch is non-empty and every event in it carries the batch's revision. */
    void assertWellFormed() {
      assertThat(overlappingCalls).as("concurrent onEvents calls").hasValue(0);
      assertThat(errors).as("watch errors").isEmpty();
      for (Batch b : batches) {
        assertThat(b.events()).as("events of revision %d", b.revision()).isNotEmpty();
        assertThat(b.events())
            .as("events of revision %d", b.revision())
            .allSatisfy(e -> assertThat(e.revision()).isEqualTo(b.revision()));
      }
      assertThat(revisions())
          .as("one call per revision, ascending")
          .isSorted()
          .doesNotHaveDuplicates();
    }
  }

  // ------------------------------------------------------------------------- get, put, delete

  @Test
  void newStoreIsEmptyAtRevisionZero() {
    assertThat(store.revision()).isZero();
    assertThat(store.list("").kvs()).isEmpty();
    assertThat(store.list("").revision()).isZero();
    assertThat(store.audit("", 0, 10)).isEmpty();
  }

  @Test
  void getOfAbsentKeyIsEmpty() {
    assertThat(store.get("/wayleave/v1/circuits/nope")).isEmpty();
    put("/wayleave/v1/circuits/other", "x");
    assertThat(store.get("/wayleave/v1/circuits/nope")).isEmpty();
    // A key is not found through a prefix of it, nor a longer one.
    assertThat(store.get("/wayleave/v1/circuits/othe")).isEmpty();
    assertThat(store.get("/wayleave/v1/circuits/other2")).isEmpty();
  }

  @Test
  void putThenGetReturnsTheValueStampedWithTheTxnRevisionAtVersionOne() {
    put("/k/before", "x");
    long rev = put("/k/a", "hello");

    assertThat(rev).isEqualTo(2);
    assertThat(store.revision()).isEqualTo(rev);
    KeyValue kv = store.get("/k/a").orElseThrow();
    assertThat(kv.key()).isEqualTo("/k/a");
    assertThat(str(kv.value())).isEqualTo("hello");
    assertThat(kv.createRevision()).isEqualTo(rev);
    assertThat(kv.modRevision()).isEqualTo(rev);
    assertThat(kv.version()).isEqualTo(1);
  }

  @Test
  void secondPutKeepsCreateRevisionAndBumpsModRevisionAndVersion() {
    long created = put("/k/a", "v1");
    put("/k/other", "x");
    long updated = put("/k/a", "v2");
    long updatedAgain = put("/k/a", "v3");

    assertThat(updated).isEqualTo(created + 2);
    KeyValue kv = store.get("/k/a").orElseThrow();
    assertThat(str(kv.value())).isEqualTo("v3");
    assertThat(kv.createRevision()).isEqualTo(created);
    assertThat(kv.modRevision()).isEqualTo(updatedAgain);
    assertThat(kv.version()).isEqualTo(3);
  }

  @Test
  void deleteRemovesTheKeyAndARecreatedKeyStartsAgainAtVersionOne() {
    put("/k/a", "v1");
    put("/k/a", "v2");
    long deleted = delete("/k/a");
    assertThat(store.get("/k/a")).isEmpty();
    assertThat(store.revision()).isEqualTo(deleted);

    long recreated = put("/k/a", "again");
    KeyValue kv = store.get("/k/a").orElseThrow();
    assertThat(kv.createRevision()).isEqualTo(recreated);
    assertThat(kv.modRevision()).isEqualTo(recreated);
    assertThat(kv.version()).isEqualTo(1);
    assertThat(str(kv.value())).isEqualTo("again");
  }

  @Test
  void emptyAndBinaryValuesRoundTrip() {
    // A protobuf message with only default fields serialises to zero bytes.
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    long rev = commit(newTxn().put("/k/empty", new byte[0]).put("/k/binary", binary));

    KeyValue empty = store.get("/k/empty").orElseThrow();
    assertThat(empty.value()).isEmpty();
    assertThat(empty.modRevision()).isEqualTo(rev);
    assertThat(store.get("/k/binary").orElseThrow().value()).isEqualTo(binary);
    assertThat(store.list("/k/").kvs()).hasSize(2);
  }

  @Test
  void closedStoreRefusesWork() {
    put("/k/a", "v");
    store.close();
    assertThatThrownBy(() -> store.get("/k/a")).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.txn(newTxn().put("/k/b", bytes("v")).build()))
        .isInstanceOf(StoreException.class);
    store.close(); // idempotent
  }

  // ------------------------------------------------------------------------------- revisions

  @Test
  void everyWritingTxnMovesTheRevisionByExactlyOne() {
    put("/r/x", "0");
    List<Txn.Builder> txns =
        List.of(
            newTxn().put("/r/a", bytes("1")),
            newTxn().put("/r/b", bytes("2")).put("/r/c", bytes("3")).put("/r/d", bytes("4")),
            newTxn().put("/r/a", bytes("5")),
            newTxn().delete("/r/b"),
            newTxn().delete("/r/c").delete("/r/never-existed").put("/r/e", bytes("6")),
            newTxn().compare(Compare.absent("/r/f")).put("/r/f", bytes("7")));
    long previous = store.revision();
    for (Txn.Builder t : txns) {
      long rev = commit(t);
      assertThat(rev).isEqualTo(previous + 1);
      assertThat(store.revision()).isEqualTo(rev);
      previous = rev;
    }
  }

  @Test
  void allKeysOfOneTxnShareItsRevision() {
    put("/r/old", "o");
    put("/r/gone", "g");
    long rev =
        commit(
            newTxn()
                .put("/r/a", bytes("a"))
                .put("/r/b", bytes("b"))
                .put("/r/old", bytes("o2"))
                .delete("/r/gone"));

    assertThat(store.list("/r/").kvs())
        .extracting(KeyValue::key, KeyValue::modRevision)
        .containsExactly(tuple("/r/a", rev), tuple("/r/b", rev), tuple("/r/old", rev));
    assertThat(store.audit("/r/", 0, 1).get(0).changes())
        .extracting(StoreEvent::revision)
        .containsOnly(rev)
        .hasSize(4);
  }

  @Test
  void txnThatWritesNothingSucceedsWithoutMovingTheRevision() {
    put("/r/a", "a");
    long rev = put("/r/b", "b");

    TxnResult empty = store.txn(newTxn().build());
    assertThat(empty.succeeded()).isTrue();
    assertThat(empty.revision()).isEqualTo(rev);

    TxnResult deletesOfAbsent =
        store.txn(newTxn().delete("/r/absent").delete("/r/also-absent").build());
    assertThat(deletesOfAbsent.succeeded()).isTrue();
    assertThat(deletesOfAbsent.revision()).isEqualTo(rev);

    TxnResult onlyCompares =
        store.txn(
            newTxn()
                .compare(Compare.absent("/r/c"))
                .compare(Compare.modRevision("/r/b", rev))
                .build());
    assertThat(onlyCompares.succeeded()).isTrue();
    assertThat(onlyCompares.revision()).isEqualTo(rev);

    assertThat(store.revision()).isEqualTo(rev);
    assertThat(store.list("").revision()).isEqualTo(rev);
    assertThat(store.audit("", 0, 10))
        .extracting(AuditRecord::revision)
        .containsExactly(rev, rev - 1);
    // The next write takes the very next revision: nothing was used up.
    assertThat(put("/r/c", "c")).isEqualTo(rev + 1);
  }

  // ------------------------------------------------------------------------------------ list

  @Test
  void listReturnsOnlyKeysUnderThePrefixSortedWithTheRevisionItWasReadAt() {
    for (String k : List.of("/a/2", "/b/1", "/a/10", "/ab", "/a", "/a/1", "/a/1/x", "/", "/0")) {
      put(k, "v" + k);
    }
    put("/a/gone", "x");
    long last = delete("/a/gone");

    Range range = store.list("/a/");
    assertThat(keys(range)).containsExactly("/a/1", "/a/1/x", "/a/10", "/a/2");
    assertThat(range.kvs()).allSatisfy(kv -> assertThat(str(kv.value())).isEqualTo("v" + kv.key()));
    assertThat(range.revision()).isEqualTo(last);

    assertThat(keys(store.list("/a")))
        .containsExactly("/a", "/a/1", "/a/1/x", "/a/10", "/a/2", "/ab");
    assertThat(keys(store.list("/a/1"))).containsExactly("/a/1", "/a/1/x", "/a/10");
    assertThat(keys(store.list("/c/"))).isEmpty();
    assertThat(store.list("/c/").revision()).isEqualTo(last);
  }

  @Test
  void listOfTheEmptyPrefixReturnsEveryKeySorted() {
    List<String> all =
        List.of(
            "/wayleave/v1/circuits/LPSN-CAM-0001",
            "/a",
            "a",
            "~",
            "\u00e9t\u00e9",
            "\u4e2d/x",
            "\ufffd",
            "\uffff/max-bmp",
            "\ud83d\ude00/emoji");
    for (String k : all) {
      put(k, k);
    }

    Range range = store.list("");
    assertThat(keys(range)).containsExactlyInAnyOrderElementsOf(all);
    assertThat(keys(range)).isSortedAccordingTo(KEY_ORDER);
    assertThat(range.revision()).isEqualTo(all.size());
    // Prefixes made of characters outside ASCII work too.
    assertThat(keys(store.list("\ud83d\ude00"))).containsExactly("\ud83d\ude00/emoji");
    assertThat(keys(store.list("\uffff"))).containsExactly("\uffff/max-bmp");
    assertThat(keys(store.list("\u4e2d"))).containsExactly("\u4e2d/x");
  }

  // -------------------------------------------------------------------------------- compares

  @Test
  void absentCompareOnAnExistingKeyFailsTheWholeTxn() {
    long r1 = put("/c/k", "v1");
    put("/c/doomed", "d");
    long before = store.revision();

    TxnResult r =
        store.txn(
            newTxn()
                .compare(Compare.absent("/c/k"))
                .put("/c/k", bytes("v2"))
                .put("/c/new", bytes("n"))
                .delete("/c/doomed")
                .build());

    assertThat(r.succeeded()).isFalse();
    assertThat(r.revision()).isEqualTo(before);
    assertThat(store.revision()).isEqualTo(before);
    KeyValue k = store.get("/c/k").orElseThrow();
    assertThat(str(k.value())).isEqualTo("v1");
    assertThat(k.modRevision()).isEqualTo(r1);
    assertThat(k.version()).isEqualTo(1);
    assertThat(store.get("/c/new")).isEmpty();
    assertThat(valueOf("/c/doomed")).isEqualTo("d");
    assertThat(store.audit("", 0, 10))
        .extracting(AuditRecord::revision)
        .containsExactly(before, r1);
  }

  @Test
  void absentCompareOnAnAbsentOrDeletedKeyHolds() {
    assertThat(commit(newTxn().compare(Compare.absent("/c/k")).put("/c/k", bytes("v1"))))
        .isEqualTo(1);
    delete("/c/k");
    long rev = commit(newTxn().compare(Compare.absent("/c/k")).put("/c/k", bytes("v2")));
    assertThat(rev).isEqualTo(3);
    assertThat(valueOf("/c/k")).isEqualTo("v2");
  }

  @Test
  void modRevisionCompareFailsWhenStaleAndSucceedsWhenCurrent() {
    long r1 = put("/c/k", "v1");
    long r2 = put("/c/k", "v2");

    TxnResult stale =
        store.txn(
            newTxn().compare(Compare.modRevision("/c/k", r1)).put("/c/k", bytes("stale")).build());
    assertThat(stale.succeeded()).isFalse();
    assertThat(stale.revision()).isEqualTo(r2);
    assertThat(valueOf("/c/k")).isEqualTo("v2");

    TxnResult ahead =
        store.txn(
            newTxn()
                .compare(Compare.modRevision("/c/k", r2 + 1))
                .put("/c/k", bytes("ahead"))
                .build());
    assertThat(ahead.succeeded()).isFalse();

    TxnResult onAbsent =
        store.txn(
            newTxn()
                .compare(Compare.modRevision("/c/nope", r2))
                .put("/c/nope", bytes("x"))
                .build());
    assertThat(onAbsent.succeeded()).isFalse();
    assertThat(store.get("/c/nope")).isEmpty();
    assertThat(store.revision()).isEqualTo(r2);

    TxnResult current =
        store.txn(
            newTxn().compare(Compare.modRevision("/c/k", r2)).put("/c/k", bytes("v3")).build());
    assertThat(current.succeeded()).isTrue();
    assertThat(current.revision()).isEqualTo(r2 + 1);
    KeyValue kv = store.get("/c/k").orElseThrow();
    assertThat(str(kv.value())).isEqualTo("v3");
    assertThat(kv.version()).isEqualTo(3);
    assertThat(kv.modRevision()).isEqualTo(r2 + 1);
  }

  @Test
  void failedTxnWithSeveralPutsWritesNoneOfThem() {
    long kRev = put("/c/k", "v1");
    long before = store.revision();
    Recorder rec = new Recorder();
    watch("/c/", 0, rec);

    // Every compare but the last holds: all of them are checked, and one failing is enough.
    Txn.Builder txn =
        newTxn()
            .compare(Compare.absent("/c/p0"))
            .compare(Compare.modRevision("/c/k", kRev))
            .compare(Compare.absent("/c/k"));
    for (int i = 0; i < 10; i++) {
      txn.put("/c/p" + i, bytes("x" + i));
    }
    TxnResult r = store.txn(txn.build());

    assertThat(r.succeeded()).isFalse();
    assertThat(store.revision()).isEqualTo(before);
    assertThat(keys(store.list("/c/"))).containsExactly("/c/k");
    for (int i = 0; i < 10; i++) {
      assertThat(store.get("/c/p" + i)).isEmpty();
    }
    assertThat(store.audit("/c/", 0, 10)).extracting(AuditRecord::revision).containsExactly(kRev);

    // The failed txn is invisible to watchers too: the next thing they see is the next write.
    long next = put("/c/after", "a");
    assertThat(next).isEqualTo(before + 1);
    awaitDelivered(rec, next);
    assertThat(rec.revisions()).containsExactly(next);
  }

  @Test
  void txnBuilderRefusesAKeyTwice() {
    assertThatThrownBy(() -> newTxn().put("/k", bytes("1")).put("/k", bytes("2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/k");
    assertThatThrownBy(() -> newTxn().put("/k", bytes("1")).delete("/k"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> newTxn().delete("/k").put("/k", bytes("1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> newTxn().delete("/k").delete("/k"))
        .isInstanceOf(IllegalArgumentException.class);
    // Different keys, and compares on a key that is also written, are fine.
    Txn ok =
        newTxn()
            .compare(Compare.absent("/k"))
            .put("/k", bytes("1"))
            .put("/k2", bytes("2"))
            .delete("/k3")
            .build();
    assertThat(ok.puts()).containsOnlyKeys("/k", "/k2");
    assertThat(ok.deletes()).containsExactly("/k3");
    assertThatThrownBy(() -> Txn.builder(null).build()).isInstanceOf(NullPointerException.class);
  }

  // ----------------------------------------------------------------------------------- watch

  @Test
  void watchFromZeroDeliversOnlyLaterChanges() {
    put("/w/a", "1");
    put("/w/b", "2");
    Recorder rec = new Recorder();
    watch("/w/", 0, rec);
    long r3 = put("/w/a", "3");
    long r4 = put("/w/c", "4");

    awaitDelivered(rec, r4);
    rec.assertWellFormed();
    assertThat(rec.revisions()).containsExactly(r3, r4);
    assertThat(rec.events())
        .extracting(StateStoreContractTest::describe)
        .containsExactly("PUT /w/a=3", "PUT /w/c=4");
  }

  @Test
  void watchFromARevisionReplaysExactlyTheLaterChangesThenLiveOnes() {
    List<Long> revs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      revs.add(put("/w/k" + i, "v" + i));
    }
    Recorder rec = new Recorder();
    watch("/w/", revs.get(2), rec);
    long live = put("/w/live", "L");

    awaitDelivered(rec, live);
    rec.assertWellFormed();
    assertThat(rec.revisions()).containsExactly(revs.get(3), revs.get(4), revs.get(5), live);
    assertThat(rec.events())
        .extracting(StateStoreContractTest::describe)
        .containsExactly("PUT /w/k3=v3", "PUT /w/k4=v4", "PUT /w/k5=v5", "PUT /w/live=L");
  }

  @Test
  void watchFromARevisionTheStoreHasNotReachedDeliversOnlyWhatComesAfterIt() {
    long now = put("/w/a", "1");
    Recorder rec = new Recorder();
    watch("/w/", now + 2, rec);
    put("/w/a", "2");
    put("/w/a", "3");
    long r4 = put("/w/a", "4");
    long r5 = put("/w/a", "5");

    awaitDelivered(rec, r5);
    rec.assertWellFormed();
    assertThat(rec.revisions()).containsExactly(r4, r5);
  }

  @Test
  void oneCallPerRevisionWithOnlyTheEventsUnderThePrefix() {
    put("/w/c", "c0");
    put("/w/b", "b0");
    Recorder live = new Recorder();
    watch("/w/", 0, live);
    long from = store.revision();

    long other = put("/x/1", "not mine");
    long sibling = put("/wx", "not mine either");
    long mixed =
        commit(
            newTxn()
                .put("/w/a", bytes("a1"))
                .put("/x/2", bytes("not mine"))
                .put("/w/b", bytes("b1"))
                .delete("/w/c"));
    long otherDelete = delete("/x/1");
    long single = put("/w/d", "d1");

    awaitDelivered(live, single);
    Recorder history = new Recorder();
    watch("/w/", from, history);
    awaitDelivered(history, single);

    for (Recorder rec : List.of(live, history)) {
      rec.assertWellFormed();
      assertThat(rec.revisions())
          .containsExactly(mixed, single)
          .doesNotContain(other, sibling, otherDelete);
      assertThat(describeSorted(rec.batches.get(0).events()))
          .containsExactly("DELETE /w/c", "PUT /w/a=a1", "PUT /w/b=b1");
      assertThat(rec.events()).allSatisfy(e -> assertThat(e.kv().key()).startsWith("/w/"));
    }
  }

  @Test
  void eventsCarryThePreviousValueAndDeletesCarryPrevKv() {
    put("/x/first", "so that a watch can start from just before r1 (0 would mean now)");
    Recorder live = new Recorder();
    watch("/w/", 0, live);
    long r1 = put("/w/k", "v1");
    long r2 = put("/w/k", "v2");
    long r3 = delete("/w/k");
    awaitDelivered(live, r3);

    Recorder history = new Recorder();
    watch("/w/", r1 - 1, history);
    awaitDelivered(history, r3);

    for (Recorder rec : List.of(live, history)) {
      rec.assertWellFormed();
      List<StoreEvent> events = rec.events();
      assertThat(events).hasSize(3);

      StoreEvent create = events.get(0);
      assertThat(create.type()).isEqualTo(StoreEvent.Type.PUT);
      assertThat(create.kv()).isEqualTo(new KeyValue("/w/k", bytes("v1"), r1, r1, 1));
      assertThat(create.prevKv()).isNull();

      StoreEvent update = events.get(1);
      assertThat(update.type()).isEqualTo(StoreEvent.Type.PUT);
      assertThat(update.kv()).isEqualTo(new KeyValue("/w/k", bytes("v2"), r1, r2, 2));
      assertThat(update.prevKv()).isEqualTo(new KeyValue("/w/k", bytes("v1"), r1, r1, 1));

      StoreEvent del = events.get(2);
      assertThat(del.type()).isEqualTo(StoreEvent.Type.DELETE);
      assertThat(del.kv().key()).isEqualTo("/w/k");
      assertThat(del.kv().value()).isEmpty();
      assertThat(del.kv().modRevision()).isEqualTo(r3);
      assertThat(del.revision()).isEqualTo(r3);
      assertThat(del.prevKv()).isEqualTo(new KeyValue("/w/k", bytes("v2"), r1, r2, 2));
    }
  }

  @Test
  void closingAWatchStopsDelivery() {
    Recorder closed = new Recorder();
    Watch w = watch("/w/", 0, closed);
    Recorder fence = new Recorder();
    watch("/w/", 0, fence);

    long first = put("/w/a", "1");
    awaitDelivered(closed, first);
    w.close();
    w.close(); // idempotent
    put("/w/a", "2");
    long last = put("/w/a", "3");

    awaitDelivered(fence, last);
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(3))
        .until(() -> closed.revisions().equals(List.of(first)));
    assertThat(closed.errors).isEmpty();
  }

  @Test
  void closingTheStoreEndsItsWatchesWithAnError() {
    Recorder rec = new Recorder();
    watch("/w/", 0, rec);
    store.close();
    await().atMost(WAIT).until(() -> !rec.errors.isEmpty());
    assertThat(rec.errors).hasSize(1);
    assertThat(rec.batches).isEmpty();
  }

  /**
   * The core guarantee, under load: watches opened while another thread writes, from a past
   * revision, from "now", and from a listing's revision, each see exactly the committed changes
   * under their prefix after their starting point, in order, one call per revision, with no gap and
   * no duplicate; and a listing plus its watch rebuild the final state exactly.
   */
  @Test
  void watchesOpenedDuringConcurrentWritesSeeEveryLaterChangeExactlyOnce() throws Exception {
    // revision -> the changes under /w/ it committed (absent: the txn touched only /x/).
    ConcurrentSkipListMap<Long, List<String>> committed = new ConcurrentSkipListMap<>();
    int history = 40;
    int concurrent = 500;
    for (int i = 0; i < history; i++) {
      writeMixed(i, committed);
    }
    long pastRevision =
        committed.keySet().stream().skip(committed.size() / 2).findFirst().orElseThrow();

    AtomicInteger written = new AtomicInteger();
    ExecutorService writerThread = executor(1);
    Future<?> writer =
        writerThread.submit(
            () -> {
              for (int i = history; i < history + concurrent; i++) {
                writeMixed(i, committed);
                written.incrementAndGet();
              }
              return null;
            });

    await().atMost(WAIT).until(() -> written.get() >= 50 || writer.isDone());
    Recorder fromPast = new Recorder();
    watch("/w/", pastRevision, fromPast);
    long beforeNowWatch = store.revision();
    Recorder fromNow = new Recorder();
    watch("/w/", 0, fromNow);
    long afterNowWatch = store.revision();
    await().atMost(WAIT).until(() -> written.get() >= 150 || writer.isDone());
    Range listed = store.list("/w/");
    Recorder fromListing = new Recorder();
    watch("/w/", listed.revision(), fromListing);

    writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(written).hasValue(concurrent);
    long lastWatched = committed.lastKey();
    // A watch is owed something only if a change under /w/ came after its start: the writer may
    // well have finished before the listing was taken.
    awaitDelivered(fromPast, lastWatched);
    if (lastWatched > beforeNowWatch) {
      awaitDelivered(fromNow, lastWatched);
    }
    if (lastWatched > listed.revision()) {
      awaitDelivered(fromListing, lastWatched);
    }

    // From a past revision: exactly the committed changes after it.
    assertDeliveredExactly(fromPast, committed.tailMap(pastRevision, false));
    // From a listing's revision: exactly the changes after the listing...
    assertDeliveredExactly(fromListing, committed.tailMap(listed.revision(), false));
    // ... and listing + events = the final state.
    Map<String, KeyValue> rebuilt = new TreeMap<>();
    listed.kvs().forEach(kv -> rebuilt.put(kv.key(), kv));
    for (StoreEvent e : fromListing.events()) {
      if (e.type() == StoreEvent.Type.PUT) {
        rebuilt.put(e.kv().key(), e.kv());
      } else {
        assertThat(rebuilt.remove(e.kv().key())).as("deleted key existed").isNotNull();
      }
    }
    Map<String, KeyValue> finalState = new TreeMap<>();
    store.list("/w/").kvs().forEach(kv -> finalState.put(kv.key(), kv));
    assertThat(rebuilt).isEqualTo(finalState);
    // From "now": a gap-free tail of the committed changes, starting after the watch call began.
    fromNow.assertWellFormed();
    if (fromNow.batches.isEmpty()) {
      // Only possible if the writer was done by the time the watch was registered.
      assertThat(committed.tailMap(afterNowWatch, false)).isEmpty();
    } else {
      long firstNow = fromNow.batches.get(0).revision();
      assertThat(firstNow).isGreaterThan(beforeNowWatch);
      assertDeliveredExactly(fromNow, committed.tailMap(firstNow, true));
    }
  }

  private void assertDeliveredExactly(Recorder rec, Map<Long, List<String>> expected) {
    rec.assertWellFormed();
    assertThat(rec.revisions()).containsExactlyElementsOf(expected.keySet());
    for (Batch b : rec.batches) {
      assertThat(describeSorted(b.events()))
          .as("events of revision %d", b.revision())
          .isEqualTo(expected.get(b.revision()));
    }
  }

  /** Txn number {@code i} of a deterministic mix of puts, updates, deletes and other prefixes. */
  private void writeMixed(int i, Map<Long, List<String>> committed) {
    Txn.Builder t = newTxn();
    List<String> mine = new ArrayList<>();
    switch (i % 5) {
      case 0 -> t.put("/x/" + i, bytes("other prefix"));
      case 1 -> {
        t.put("/w/k" + (i % 37), bytes("v" + i));
        mine.add("PUT /w/k" + (i % 37) + "=v" + i);
      }
      case 2 -> {
        t.put("/w/t" + i, bytes("t" + i)).put("/x/t" + i, bytes("other prefix"));
        mine.add("PUT /w/t" + i + "=t" + i);
      }
      case 3 -> {
        t.put("/w/k" + (i % 37), bytes("u" + i)).put("/w/m" + (i % 11), bytes("m" + i));
        mine.add("PUT /w/k" + (i % 37) + "=u" + i);
        mine.add("PUT /w/m" + (i % 11) + "=m" + i);
      }
      default -> {
        // Deletes the /w/t key written two txns ago (it exists) and an absent one (no event).
        t.delete("/w/t" + (i - 2)).delete("/w/never" + i);
        mine.add("DELETE /w/t" + (i - 2));
      }
    }
    long rev = commit(t);
    if (!mine.isEmpty()) {
      committed.put(rev, mine.stream().sorted().toList());
    }
  }

  // --------------------------------------------------------------------------------- restart

  @Test
  void committedStateSurvivesARestart() {
    long created = put("/s/a", "a1");
    long updated = put("/s/a", "a2");
    put("/s/b", "b");
    long last = delete("/s/b");
    List<AuditRecord> auditBefore = store.audit("", 0, 100);

    restart();

    assertThat(store.revision()).isEqualTo(last);
    assertThat(store.get("/s/a")).contains(new KeyValue("/s/a", bytes("a2"), created, updated, 2));
    assertThat(store.get("/s/b")).isEmpty();
    assertThat(store.list("").revision()).isEqualTo(last);
    assertThat(store.audit("", 0, 100)).isEqualTo(auditBefore);
    assertThat(put("/s/c", "c")).isEqualTo(last + 1);
  }

  @Test
  void watchResumedFromARevisionAfterARestartDeliversExactlyTheChangesAfterIt() {
    TreeMap<Long, String> watched = new TreeMap<>();
    for (int i = 0; i < 10; i++) {
      watched.put(put("/w/k" + (i % 4), "v" + i), "PUT /w/k" + (i % 4) + "=v" + i);
      put("/x/" + i, "other prefix");
    }
    watched.put(delete("/w/k0"), "DELETE /w/k0");
    long resumeFrom = watched.keySet().stream().skip(3).findFirst().orElseThrow();
    long last = store.revision();

    restart();

    assertThat(store.revision()).isEqualTo(last);
    Recorder resumed = new Recorder();
    watch("/w/", resumeFrom, resumed);
    Recorder fromNow = new Recorder();
    watch("/w/", 0, fromNow);
    long live = put("/w/live", "after restart");
    assertThat(live).isEqualTo(last + 1);
    watched.put(live, "PUT /w/live=after restart");

    awaitDelivered(resumed, live);
    awaitDelivered(fromNow, live);
    resumed.assertWellFormed();
    fromNow.assertWellFormed();
    assertThat(resumed.revisions())
        .containsExactlyElementsOf(watched.tailMap(resumeFrom, false).keySet());
    assertThat(resumed.events())
        .extracting(StateStoreContractTest::describe)
        .containsExactlyElementsOf(watched.tailMap(resumeFrom, false).values());
    StoreEvent deletion =
        resumed.events().stream()
            .filter(e -> e.type() == StoreEvent.Type.DELETE)
            .findFirst()
            .orElseThrow();
    assertThat(deletion.prevKv()).isNotNull();
    assertThat(str(deletion.prevKv().value())).isEqualTo("v8");
    assertThat(fromNow.revisions()).containsExactly(live);
  }

  // ----------------------------------------------------------------------------------- audit

  @Test
  void everyTxnIsAuditedWithWhoWhatWhenAndBeforeAndAfter() {
    long ru = commit(Txn.builder(new Audit("system:seed", "seed")).put("/c/upd", bytes("u1")));
    long rd = commit(Txn.builder(new Audit("system:seed", "seed")).put("/c/del", bytes("d1")));

    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long rev =
        commit(
            Txn.builder(new Audit("engineer:alice", "CreateCircuit LPSN-CAM-0001"))
                .put("/c/new", bytes("n1"))
                .put("/c/upd", bytes("u2"))
                .delete("/c/del"));
    Instant after = Instant.now();

    List<AuditRecord> records = store.audit("/c/", 0, 10);
    assertThat(records).extracting(AuditRecord::revision).containsExactly(rev, rd, ru);
    AuditRecord a = records.get(0);
    assertThat(a.principal()).isEqualTo("engineer:alice");
    assertThat(a.action()).isEqualTo("CreateCircuit LPSN-CAM-0001");
    assertThat(a.time()).isBetween(before, after);
    assertThat(records.get(1).principal()).isEqualTo("system:seed");

    Map<String, StoreEvent> changes =
        a.changes().stream().collect(Collectors.toMap(e -> e.kv().key(), e -> e));
    assertThat(changes).containsOnlyKeys("/c/new", "/c/upd", "/c/del");

    StoreEvent created = changes.get("/c/new");
    assertThat(created.type()).isEqualTo(StoreEvent.Type.PUT);
    assertThat(created.prevKv()).isNull();
    assertThat(created.kv()).isEqualTo(new KeyValue("/c/new", bytes("n1"), rev, rev, 1));

    StoreEvent updated = changes.get("/c/upd");
    assertThat(updated.type()).isEqualTo(StoreEvent.Type.PUT);
    assertThat(updated.prevKv()).isEqualTo(new KeyValue("/c/upd", bytes("u1"), ru, ru, 1));
    assertThat(updated.kv()).isEqualTo(new KeyValue("/c/upd", bytes("u2"), ru, rev, 2));

    StoreEvent deleted = changes.get("/c/del");
    assertThat(deleted.type()).isEqualTo(StoreEvent.Type.DELETE);
    assertThat(deleted.prevKv()).isEqualTo(new KeyValue("/c/del", bytes("d1"), rd, rd, 1));
    assertThat(deleted.kv().value()).isEmpty();
    assertThat(deleted.kv().modRevision()).isEqualTo(rev);
  }

  @Test
  void auditIsNewestFirstAndFilteredByPrefix() {
    long r1 = commit(Txn.builder(new Audit("p:1", "one")).put("/a/1", bytes("x")));
    long r2 = commit(Txn.builder(new Audit("p:2", "two")).put("/b/1", bytes("x")));
    long r3 =
        commit(
            Txn.builder(new Audit("p:3", "three")).put("/a/2", bytes("x")).put("/b/2", bytes("x")));
    long r4 = commit(Txn.builder(new Audit("p:4", "four")).put("/b/3", bytes("x")));
    long r5 = commit(Txn.builder(new Audit("p:5", "five")).delete("/a/1"));
    long r6 = commit(Txn.builder(new Audit("p:6", "six")).put("/ab", bytes("x")));

    assertThat(store.audit("/a/", 0, 100))
        .extracting(AuditRecord::revision, AuditRecord::principal)
        .containsExactly(tuple(r5, "p:5"), tuple(r3, "p:3"), tuple(r1, "p:1"));
    assertThat(store.audit("/b/", 0, 100))
        .extracting(AuditRecord::revision)
        .containsExactly(r4, r3, r2);
    assertThat(store.audit("", 0, 100))
        .extracting(AuditRecord::revision)
        .containsExactly(r6, r5, r4, r3, r2, r1);
    assertThat(store.audit("/c/", 0, 100)).isEmpty();
    assertThat(store.audit("", 0, 2)).extracting(AuditRecord::revision).containsExactly(r6, r5);
  }

  @Test
  void beforeRevisionPagesBackThroughTheAudit() {
    List<Long> mine = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      mine.add(put("/p/" + i, "v"));
      put("/q/" + i, "other prefix");
    }
    // Fetches pages of 3 the way a client would: each page before the oldest one seen.
    List<List<Long>> pages = new ArrayList<>();
    long before = 0;
    for (int page = 0; page < 10; page++) {
      List<Long> revs = store.audit("/p/", before, 3).stream().map(AuditRecord::revision).toList();
      if (revs.isEmpty()) {
        break;
      }
      pages.add(revs);
      before = revs.get(revs.size() - 1);
    }
    assertThat(pages)
        .containsExactly(
            List.of(mine.get(6), mine.get(5), mine.get(4)),
            List.of(mine.get(3), mine.get(2), mine.get(1)),
            List.of(mine.get(0)));
    // beforeRevision is exclusive.
    assertThat(store.audit("/p/", mine.get(3), 1))
        .extracting(AuditRecord::revision)
        .containsExactly(mine.get(2));
    assertThat(store.audit("/p/", mine.get(0), 10)).isEmpty();
  }

  // ----------------------------------------------------------------------------- concurrency

  @Test
  void concurrentTxnsOnDistinctKeysAllSucceedWithUniqueDenseRevisions() throws Exception {
    int threads = 8;
    int perThread = 50;
    long base = store.revision();
    ExecutorService pool = executor(threads + 1);
    Map<String, Long> revisionOfKey = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<?>> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      writers.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                  String key = String.format("/c/t%d/%03d", thread, i);
                  TxnResult r =
                      store.txn(
                          Txn.builder(new Audit("worker:" + thread, "write " + i))
                              .compare(Compare.absent(key))
                              .put(key, bytes(key))
                              .build());
                  assertThat(r.succeeded()).as(key).isTrue();
                  revisionOfKey.put(key, r.revision());
                }
                return null;
              }));
    }
    // Meanwhile, every listing must be one consistent snapshot: each txn adds exactly one key,
    // so a listing at revision R holds exactly R - base keys, none newer than R.
    AtomicBoolean writing = new AtomicBoolean(true);
    Future<Integer> lister =
        pool.submit(
            () -> {
              int listings = 0;
              while (writing.get() && listings < 1_000) {
                Range rg = store.list("/c/");
                assertThat(rg.kvs()).hasSize((int) (rg.revision() - base));
                assertThat(rg.kvs())
                    .allSatisfy(
                        kv -> assertThat(kv.modRevision()).isLessThanOrEqualTo(rg.revision()));
                listings++;
              }
              return listings;
            });
    for (Future<?> w : writers) {
      w.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    }
    writing.set(false);
    assertThat(lister.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();

    int total = threads * perThread;
    assertThat(revisionOfKey).hasSize(total);
    assertThat(new HashSet<>(revisionOfKey.values()))
        .containsExactlyInAnyOrderElementsOf(
            LongStream.rangeClosed(base + 1, base + total).boxed().toList());
    assertThat(store.revision()).isEqualTo(base + total);
    Range all = store.list("/c/");
    assertThat(all.kvs()).hasSize(total);
    assertThat(all.kvs())
        .allSatisfy(kv -> assertThat(kv.modRevision()).isEqualTo(revisionOfKey.get(kv.key())));
    List<AuditRecord> audit = store.audit("/c/", 0, total + 10);
    assertThat(audit).hasSize(total);
    assertThat(audit)
        .allSatisfy(
            a ->
                assertThat(a.changes().get(0).kv().key())
                    .startsWith("/c/t" + a.principal().substring("worker:".length()) + "/"));
  }

  @Test
  void threadsRacingAbsentComparesOnTheSameKeyHaveExactlyOneWinner() throws Exception {
    int threads = 8;
    int rounds = 10;
    ExecutorService pool = executor(threads);
    for (int round = 0; round < rounds; round++) {
      String key = "/race/" + round;
      long before = store.revision();
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<TxnResult>> attempts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String value = "thread-" + t;
        attempts.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.txn(
                      newTxn().compare(Compare.absent(key)).put(key, bytes(value)).build());
                }));
      }
      List<Integer> winners = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        if (attempts.get(t).get(WAIT.toSeconds(), TimeUnit.SECONDS).succeeded()) {
          winners.add(t);
        }
      }
      assertThat(winners).as("winners of round %d", round).hasSize(1);
      assertThat(valueOf(key)).isEqualTo("thread-" + winners.get(0));
      assertThat(store.revision()).isEqualTo(before + 1);
      assertThat(store.get(key).orElseThrow().version()).isEqualTo(1);
    }
  }

  @Test
  void compareAndSwapIncrementsFromManyThreadsLoseNoUpdate() throws Exception {
    int threads = 4;
    int increments = 25;
    put("/cas/counter", "0");
    ExecutorService pool = executor(threads);
    AtomicInteger conflicts = new AtomicInteger();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                int done = 0;
                for (int attempt = 0; done < increments && attempt < 10_000; attempt++) {
                  KeyValue cur = store.get("/cas/counter").orElseThrow();
                  int n = Integer.parseInt(str(cur.value()));
                  TxnResult r =
                      store.txn(
                          newTxn()
                              .compare(Compare.modRevision("/cas/counter", cur.modRevision()))
                              .put("/cas/counter", bytes(Integer.toString(n + 1)))
                              .build());
                  if (r.succeeded()) {
                    done++;
                  } else {
                    conflicts.incrementAndGet();
                  }
                }
                assertThat(done).isEqualTo(increments);
                return null;
              }));
    }
    for (Future<?> w : workers) {
      w.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    }
    KeyValue counter = store.get("/cas/counter").orElseThrow();
    assertThat(str(counter.value())).isEqualTo(Integer.toString(threads * increments));
    assertThat(counter.version()).isEqualTo(threads * increments + 1);
    assertThat(store.revision()).isEqualTo(threads * increments + 1);
  }

  @Test
  void listAtAPastRevisionShowsTheKeysAsTheyStoodThen() {
    long r1 = put("/h/a", "a1");
    put("/h/b", "b1");
    long r3 = put("/h/a", "a2");
    delete("/h/b");
    put("/h/c", "c1");
    put("/x/other", "o");
    Range at1 = store.listAt("/h/", r1);
    assertThat(at1.revision()).isEqualTo(r1);
    assertThat(at1.kvs())
        .extracting(kv -> kv.key() + "=" + str(kv.value()))
        .containsExactly("/h/a=a1");
    assertThat(store.listAt("/h/", r3).kvs())
        .extracting(kv -> kv.key() + "=" + str(kv.value()))
        .containsExactly("/h/a=a2", "/h/b=b1");
    assertThat(store.listAt("/h/", store.revision()).kvs())
        .extracting(KeyValue::key)
        .containsExactlyElementsOf(store.list("/h/").kvs().stream().map(KeyValue::key).toList());
    assertThat(store.listAt("/h/", 0).kvs()).isEmpty();
    Assertions.assertThatThrownBy(() -> store.listAt("/h/", store.revision() + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("revision");
  }
}
