package org.wayleave.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine on real threads and its own timer: what only real concurrency can show. */
class ReconcileEngineThreadsTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final List<ReconcileEngine<?>> engines = new ArrayList<>();

  private <K> ReconcileEngine<K> start(ReconcileEngine.Builder<K> builder) {
    ReconcileEngine<K> engine = builder.build();
    engines.add(engine);
    engine.start();
    return engine;
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(ReconcileEngine::close);
  }

  @Test
  void manyEnqueuesOnTwoWorkersNeverOverlapAKeyAndEveryKeyEndsOnItsLatestState() throws Exception {
    int keys = 40;
    int producers = 4;
    int enqueuesEach = 5_000;
    AtomicLongArray desired = new AtomicLongArray(keys); // bumped before every enqueue
    AtomicLongArray reconciled = new AtomicLongArray(keys); // what the last success read
    AtomicInteger[] inFlight = new AtomicInteger[keys];
    for (int k = 0; k < keys; k++) {
      inFlight[k] = new AtomicInteger();
    }
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    AtomicLong runs = new AtomicLong();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    Set<String> threadNames = ConcurrentHashMap.newKeySet();

    ReconcileEngine<Integer> engine =
        start(
            ReconcileEngine.<Integer>builder(
                    "stress",
                    k -> {
                      threadNames.add(Thread.currentThread().getName());
                      if (inFlight[k].incrementAndGet() != 1) {
                        overlaps.add("key " + k);
                      }
                      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                      try {
                        long seen = desired.get(k); // level-triggered: read the state fresh
                        work(Duration.ofMillis(2));
                        if (runs.incrementAndGet() % 7 == 0) {
                          throw new IllegalStateException("transient failure");
                        }
                        reconciled.set(k, seen);
                        return Result.done();
                      } finally {
                        running.decrementAndGet();
                        inFlight[k].decrementAndGet();
                      }
                    })
                .workers(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)));

    CyclicBarrier go = new CyclicBarrier(producers);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      Thread producer =
          new Thread(
              () -> {
                try {
                  go.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < enqueuesEach; i++) {
                  int k = random.nextInt(keys);
                  desired.incrementAndGet(k);
                  engine.enqueue(k);
                }
              },
              "producer-" + p);
      producer.start();
      threads.add(producer);
    }
    for (Thread producer : threads) {
      producer.join(PATIENCE.toMillis());
      assertThat(producer.isAlive()).isFalse();
    }

    await()
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              for (int k = 0; k < keys; k++) {
                assertThat(reconciled.get(k)).as("key %d", k).isEqualTo(desired.get(k));
              }
              assertThat(engine.runningCount() + engine.queueDepth() + engine.backoffCount())
                  .isZero();
            });
    assertThat(overlaps).as("a key ran concurrently with itself").isEmpty();
    assertThat(maxRunning.get()).isLessThanOrEqualTo(2);
    assertThat(runs.get()).isLessThan((long) producers * enqueuesEach); // wake-ups merged
    assertThat(threadNames).isSubsetOf("stress-reconcile-1", "stress-reconcile-2");
  }

  /** Busy for {@code duration}, as a reconcile talking to a device would be; no sleeping. */
  private static void work(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  @Test
  void differentKeysRunInParallelButNoMoreThanWorkers() throws Exception {
    CountDownLatch bothIn = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    List<String> events = new CopyOnWriteArrayList<>();
    ReconcileEngine<String> engine =
        start(
            ReconcileEngine.<String>builder(
                    "par",
                    key -> {
                      maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                      events.add("start " + key);
                      try {
                        bothIn.countDown();
                        // Only returns early if two reconciles are inside at once.
                        if (!key.equals("c")
                            && !release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                          throw new IllegalStateException("not released");
                        }
                        events.add("done " + key);
                        return Result.done();
                      } finally {
                        running.decrementAndGet();
                      }
                    })
                .workers(2));

    engine.enqueueAll(List.of("a", "b", "c"));

    assertThat(bothIn.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(engine.runningCount()).isEqualTo(2);
    assertThat(engine.queueDepth()).isEqualTo(1); // "c" waits for a free worker
    release.countDown();
    await().atMost(PATIENCE).until(() -> events.size() == 6);
    assertThat(events.subList(0, 2)).containsExactlyInAnyOrder("start a", "start b");
    assertThat(events.get(2)).as("c starts only once a worker is free").startsWith("done ");
    assertThat(maxRunning.get()).isEqualTo(2);
  }

  @Test
  void backoffAndRequeueRunOnTheEngineOwnTimer() {
    AtomicInteger calls = new AtomicInteger();
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    Set<String> timerThreads = ConcurrentHashMap.newKeySet();
    ReconcileEngine<String> engine =
        start(
            ReconcileEngine.<String>builder(
                    "timers",
                    key ->
                        switch (calls.incrementAndGet()) {
                          case 1, 2 -> throw new IllegalStateException("agent not connected");
                          case 3 -> Result.requeueAfter(Duration.ofMillis(5));
                          default -> Result.done();
                        })
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .listener(
                    new ReconcileListener<>() {
                      @Override
                      public void onDone(String key, Outcome outcome, long nanos, Throwable e) {
                        outcomes.add(outcome);
                        timerThreads.add(Thread.currentThread().getName());
                      }
                    }));

    engine.enqueue("a");

    await().atMost(PATIENCE).until(() -> outcomes.size() == 4);
    assertThat(outcomes)
        .containsExactly(Outcome.RETRY, Outcome.RETRY, Outcome.REQUEUE, Outcome.SUCCESS);
    assertThat(timerThreads).containsExactly("timers-reconcile-1");
    assertThat(engine.backoffCount()).isZero();
  }

  @Test
  void closeWaitsForARunningReconcileToFinish() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    ReconcileEngine<String> engine =
        start(
            ReconcileEngine.<String>builder(
                    "closing",
                    key -> {
                      inside.countDown();
                      release.await();
                      return Result.done();
                    })
                .closeTimeout(PATIENCE)
                .listener(
                    new ReconcileListener<>() {
                      @Override
                      public void onDone(String key, Outcome outcome, long nanos, Throwable e) {
                        outcomes.add(outcome);
                      }
                    }));
    engine.enqueue("a");
    assertThat(inside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(engine::close, "closer");
    closer.start();
    await().atMost(PATIENCE).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
    assertThat(closer.isAlive()).isTrue();
    release.countDown();
    closer.join(PATIENCE.toMillis());

    assertThat(closer.isAlive()).isFalse();
    assertThat(outcomes).containsExactly(Outcome.SUCCESS); // finished, not interrupted
  }

  @Test
  void closeGivesUpOnAStuckReconcileAfterItsTimeoutAndInterruptsIt() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    ReconcileEngine<String> engine =
        start(
            ReconcileEngine.<String>builder(
                    "stuck",
                    key -> {
                      inside.countDown();
                      try {
                        new CountDownLatch(1).await(); // never released
                      } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                      }
                      return Result.done();
                    })
                .closeTimeout(Duration.ofMillis(200)));
    engine.enqueue("a");
    assertThat(inside.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    long startNanos = System.nanoTime();
    engine.close();
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

    assertThat(took).isBetween(Duration.ofMillis(150), Duration.ofSeconds(10));
    await().atMost(PATIENCE).untilTrue(interrupted);
    await().atMost(PATIENCE).until(() -> engine.runningCount() == 0);
  }

  @Test
  void closeFromInsideAReconcileDoesNotWaitForItself() {
    AtomicLong closeTookNanos = new AtomicLong(-1);
    List<ReconcileEngine<String>> self = new CopyOnWriteArrayList<>();
    ReconcileEngine<String> engine =
        start(
            ReconcileEngine.<String>builder(
                    "self",
                    key -> {
                      long t0 = System.nanoTime();
                      self.get(0).close();
                      closeTookNanos.set(System.nanoTime() - t0);
                      return Result.done();
                    })
                .closeTimeout(PATIENCE));
    self.add(engine);

    engine.enqueue("a");

    await().atMost(PATIENCE).until(() -> closeTookNanos.get() >= 0);
    assertThat(Duration.ofNanos(closeTookNanos.get())).isLessThan(Duration.ofSeconds(10));
  }
}
