package org.wayleave.controller.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The engine's semantics, deterministically: manual time ({@link FakeTicker}, {@link
 * FakeScheduler}) and a {@link ManualExecutor} whose tasks the test runs on its own thread. A task
 * run from inside a reconcile stands in for a second worker running at the same time.
 */
class ReconcileEngineTest {

  /** One scripted reconcile of a key. */
  interface Step {
    Result run(String key) throws Exception;
  }

  private final FakeTicker ticker = new FakeTicker();
  private final FakeScheduler scheduler = new FakeScheduler(ticker);
  private final ManualExecutor executor = new ManualExecutor();
  private final Map<String, Deque<Step>> script = new HashMap<>();
  private final List<String> runs = new ArrayList<>();
  private final Set<String> inFlight = new HashSet<>();
  private final List<String> overlaps = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private ReconcileEngine<String> engine;

  private final Reconciler<String> reconciler =
      key -> {
        if (!inFlight.add(key)) {
          overlaps.add(key);
        }
        try {
          runs.add(key);
          Step step = script.getOrDefault(key, new ArrayDeque<>()).poll();
          return step == null ? Result.done() : step.run(key);
        } finally {
          inFlight.remove(key);
        }
      };

  private final ReconcileListener<String> listener =
      new ReconcileListener<>() {
        @Override
        public void onStart(String key) {
          events.add("start " + key);
        }

        @Override
        public void onDone(String key, Outcome outcome, long durationNanos, Throwable error) {
          events.add(
              "done " + key + " " + outcome + (error == null ? "" : " " + error.getMessage()));
        }
      };

  private ReconcileEngine.Builder<String> builder() {
    return ReconcileEngine.builder("test", reconciler)
        .ticker(ticker)
        .scheduler(scheduler)
        .executor(executor)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(1))
        .listener(listener);
  }

  private ReconcileEngine<String> started(ReconcileEngine.Builder<String> builder) {
    engine = builder.build();
    engine.start();
    return engine;
  }

  private void given(String key, Step... steps) {
    script.computeIfAbsent(key, k -> new ArrayDeque<>()).addAll(List.of(steps));
  }

  private static Step fail() {
    return key -> {
      throw new IllegalStateException("boom " + key);
    };
  }

  private static Step requeue(Duration delay) {
    return key -> Result.requeueAfter(delay);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @AfterEach
  void closeEngineAndCheckNoKeyRanConcurrentlyWithItself() {
    if (engine != null) {
      engine.close();
    }
    assertThat(overlaps).as("keys that ran concurrently with themselves").isEmpty();
  }

  // ---------------------------------------------------------------- keys, not events

  @Test
  void keyEnqueuedManyTimesWhileWaitingRunsOnce() {
    started(builder());

    for (int i = 0; i < 5; i++) {
      engine.enqueue("a");
    }
    engine.enqueueAll(List.of("a", "a"));

    assertThat(engine.queueDepth()).isEqualTo(1);
    assertThat(executor.size()).isEqualTo(1);
    executor.runAll();
    assertThat(runs).containsExactly("a");
    assertThat(engine.queueDepth()).isZero();
  }

  @Test
  void keysEnqueuedBeforeStartWaitForItAndRunInOrder() {
    engine = builder().build();
    engine.enqueue("a");
    engine.enqueue("b");
    engine.enqueue("a");

    assertThat(executor.size()).isZero();
    assertThat(engine.queueDepth()).isEqualTo(2);
    engine.start();
    executor.runAll();

    assertThat(runs).containsExactly("a", "b");
  }

  @Test
  void keyEnqueuedWhileRunningRunsOnceMoreRightAfterAndNotAlongside() {
    started(builder().workers(2));
    given(
        "a",
        key -> {
          engine.enqueue("a");
          engine.enqueue("a");
          // A free worker exists, yet nothing may start the running key a second time.
          assertThat(executor.size()).isZero();
          assertThat(engine.queueDepth()).isZero();
          return Result.done();
        });

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a");
    assertThat(events).containsExactly("start a", "done a SUCCESS", "start a", "done a SUCCESS");
  }

  @Test
  void secondWorkerRunsOtherKeysButNeverTheKeyAlreadyRunning() {
    started(builder().workers(2));
    given(
        "a",
        key -> {
          engine.enqueue("a");
          engine.enqueue("b");
          assertThat(executor.size()).isEqualTo(1);
          executor.runNext(); // the second worker, while "a" is still running
          assertThat(runs).containsExactly("a", "b");
          return Result.done();
        });

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "b", "a");
  }

  @Test
  void differentKeysRunInParallelUpToWorkers() {
    started(builder().workers(2));
    given(
        "a",
        key -> {
          executor.runNext(); // "b" starts on the second worker while "a" runs
          return Result.done();
        });
    given(
        "b",
        key -> {
          assertThat(engine.runningCount()).isEqualTo(2);
          assertThat(engine.queueDepth()).isEqualTo(2); // c and d wait ...
          assertThat(executor.size()).isZero(); // ... and no third task was started for them
          return Result.done();
        });

    engine.enqueueAll(List.of("a", "b", "c", "d"));
    assertThat(executor.size()).isEqualTo(2);
    executor.runAll();

    assertThat(runs).containsExactly("a", "b", "c", "d");
    assertThat(engine.runningCount()).isZero();
  }

  @Test
  void inlineExecutorRunsOnTheCallersThreadAndRerunsAfterNotNested() {
    engine = builder().executor(Runnable::run).build();
    engine.start();
    given(
        "a",
        key -> {
          engine.enqueue("a");
          assertThat(runs).containsExactly("a"); // not re-entered
          return Result.done();
        });

    engine.enqueue("a");

    assertThat(runs).containsExactly("a", "a");
  }

  // ---------------------------------------------------------------- failures and backoff

  @Test
  void failuresBackOffExponentiallyUpToTheCapAndNotBefore() {
    started(builder());
    for (int i = 0; i < 6; i++) {
      given("a", fail());
    }

    engine.enqueue("a");
    executor.runAll();
    List<Duration> delays = new ArrayList<>();
    while (!scheduler.pendingDelays().isEmpty()) {
      Duration delay = scheduler.pendingDelays().get(0);
      delays.add(delay);
      assertThat(engine.backoffCount()).isEqualTo(1);
      assertThat(engine.queueDepth()).isZero();
      int before = runs.size();
      scheduler.advance(delay.minusNanos(1));
      assertThat(executor.size()).as("ran before its backoff ended").isZero();
      scheduler.advance(Duration.ofNanos(1));
      assertThat(engine.backoffCount()).isZero();
      executor.runAll();
      assertThat(runs).hasSize(before + 1);
    }

    assertThat(delays).containsExactly(ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000));
    assertThat(events).last().isEqualTo("done a SUCCESS");
    assertThat(events).filteredOn(e -> e.startsWith("done a RETRY boom a")).hasSize(6);
  }

  @Test
  void successResetsTheFailureCount() {
    started(builder());
    given("a", fail(), fail(), key -> Result.done(), fail());

    engine.enqueue("a");
    executor.runAll();
    assertThat(scheduler.pendingDelays()).containsExactly(ms(100));
    scheduler.advance(ms(100));
    executor.runAll();
    assertThat(scheduler.pendingDelays()).containsExactly(ms(200));
    scheduler.advance(ms(200));
    executor.runAll(); // succeeds
    assertThat(scheduler.pendingDelays()).isEmpty();
    assertThat(engine.backoffCount()).isZero();

    engine.enqueue("a");
    executor.runAll(); // fails again: back to the base delay

    assertThat(scheduler.pendingDelays()).containsExactly(ms(100));
  }

  @Test
  void enqueueDuringBackoffRunsAtOnceButKeepsTheFailureCount() {
    started(builder());
    given("a", fail(), fail(), fail(), fail());
    engine.enqueue("a");
    executor.runAll();
    scheduler.advance(ms(100));
    executor.runAll();
    scheduler.advance(ms(200));
    executor.runAll();
    assertThat(scheduler.pendingDelays()).containsExactly(ms(400));
    assertThat(runs).hasSize(3);

    engine.enqueue("a");

    assertThat(scheduler.pendingDelays()).as("backoff timer cancelled").isEmpty();
    assertThat(scheduler.cancellations()).isEqualTo(1);
    assertThat(engine.backoffCount()).isZero();
    assertThat(engine.queueDepth()).isEqualTo(1);
    executor.runAll();
    assertThat(runs).hasSize(4);
    // The fourth failure in a row: the count survived the wake-up.
    assertThat(scheduler.pendingDelays()).containsExactly(ms(800));
    scheduler.advance(ms(400)); // when the cancelled timer would have fired
    assertThat(executor.size()).isZero();
    scheduler.advance(ms(400));
    executor.runAll();
    assertThat(runs).hasSize(5);
    assertThat(events).last().isEqualTo("done a SUCCESS");
  }

  @Test
  void failedRunWokenWhileRunningRunsAgainAtOnceAndStillCountsTheFailure() {
    started(builder());
    given(
        "a",
        key -> {
          engine.enqueue("a");
          throw new IllegalStateException("boom");
        },
        fail());

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a");
    assertThat(scheduler.pendingDelays()).containsExactly(ms(200));
  }

  @Test
  void terminalErrorIsRecordedAndNotRetriedUntilEnqueuedAgain() {
    started(builder());
    given(
        "a",
        key -> {
          throw new TerminalException("spec names port ge-9/9/9, which the device lacks");
        });

    engine.enqueue("a");
    executor.runAll();

    assertThat(events)
        .containsExactly(
            "start a", "done a TERMINAL spec names port ge-9/9/9, which the device lacks");
    assertThat(scheduler.pendingDelays()).isEmpty();
    assertThat(engine.backoffCount()).isZero();
    scheduler.advance(Duration.ofHours(1));
    assertThat(executor.size()).isZero();

    engine.enqueue("a");
    executor.runAll();
    assertThat(runs).containsExactly("a", "a");
    assertThat(events).last().isEqualTo("done a SUCCESS");
  }

  @Test
  void nullResultAndErrorsAreRetriedLikeExceptions() {
    started(builder());
    given(
        "a",
        key -> null,
        key -> {
          throw new AssertionError("bug");
        });

    engine.enqueue("a");
    executor.runAll();
    assertThat(events).last().asString().startsWith("done a RETRY reconciler returned a null");
    scheduler.advance(ms(100));
    assertThatThrownBy(executor::runNext).isInstanceOf(AssertionError.class).hasMessage("bug");

    // The Error escaped, but the key was released and backs off like any failure.
    assertThat(engine.runningCount()).isZero();
    assertThat(scheduler.pendingDelays()).containsExactly(ms(200));
    scheduler.advance(ms(200));
    executor.runAll();
    assertThat(events).last().isEqualTo("done a SUCCESS");
  }

  // ---------------------------------------------------------------- requeue

  @Test
  void requeueAfterRunsAgainAfterTheDelayAndIsNotAFailure() {
    started(builder());
    given("a", requeue(Duration.ofSeconds(5)));

    engine.enqueue("a");
    executor.runAll();

    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(5));
    assertThat(engine.backoffCount()).isZero();
    assertThat(engine.queueDepth()).isZero();
    scheduler.advance(Duration.ofMillis(4999));
    assertThat(executor.size()).isZero();
    scheduler.advance(ms(1));
    executor.runAll();
    assertThat(events).containsExactly("start a", "done a REQUEUE", "start a", "done a SUCCESS");
  }

  @Test
  void requeueResetsTheFailureCount() {
    started(builder());
    given("a", fail(), fail(), requeue(Duration.ofSeconds(1)), fail());

    engine.enqueue("a");
    executor.runAll();
    scheduler.advance(ms(100));
    executor.runAll();
    scheduler.advance(ms(200));
    executor.runAll();
    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));
    scheduler.advance(Duration.ofSeconds(1));
    executor.runAll();

    assertThat(scheduler.pendingDelays()).containsExactly(ms(100));
  }

  @Test
  void requeueAfterZeroRunsAgainAtOnceWithoutATimer() {
    started(builder());
    given("a", requeue(Duration.ZERO));

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a");
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  @Test
  void enqueueDuringARequeueWaitRunsAtOnce() {
    started(builder());
    given("a", requeue(Duration.ofHours(1)));
    engine.enqueue("a");
    executor.runAll();

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a");
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  // ---------------------------------------------------------------- expedited keys

  @Test
  void expeditedKeysRunBeforeEveryPlainKeyInTheirOwnOrder() {
    engine = builder().build();
    engine.enqueueAll(List.of("a", "b", "c"));
    engine.expedite("x");
    engine.expedite("y");
    engine.enqueue("x"); // a plain wake of an expedited key leaves it ahead

    assertThat(engine.queueDepth()).isEqualTo(5);
    engine.start();
    executor.runAll();

    assertThat(runs).containsExactly("x", "y", "a", "b", "c");
  }

  @Test
  void expeditingAWaitingKeyMovesItAheadAndItRunsOnce() {
    engine = builder().build();
    engine.enqueueAll(List.of("a", "b", "c"));
    engine.expedite("c");
    engine.expedite("c");

    assertThat(engine.queueDepth()).isEqualTo(3);
    engine.start();
    executor.runAll();

    assertThat(runs).containsExactly("c", "a", "b");
    assertThat(engine.queueDepth()).isZero();
  }

  @Test
  void keyExpeditedWhileRunningRunsAgainAheadOfPlainKeys() {
    started(builder());
    given(
        "a",
        key -> {
          engine.enqueueAll(List.of("b", "c"));
          engine.expedite("a");
          return Result.done();
        });

    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a", "b", "c");
  }

  @Test
  void keyExpeditedDuringARequeueWaitRunsAtOnceAheadOfPlainKeys() {
    engine = builder().build();
    given("a", requeue(Duration.ofHours(1)));
    engine.enqueue("a");
    engine.start();
    executor.runAll();

    engine.enqueueAll(List.of("b", "c"));
    engine.expedite("a");
    // One worker: b's task was launched first but takes the expedited key.
    executor.runAll();

    assertThat(runs).containsExactly("a", "a", "b", "c");
    assertThat(scheduler.pendingDelays()).isEmpty();
  }

  // ---------------------------------------------------------------- listener

  @Test
  void listenerTimesEachReconcileWithTheInjectedTicker() {
    List<Long> durations = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    started(
        builder()
            .listener(
                new ReconcileListener<>() {
                  @Override
                  public void onDone(String key, Outcome outcome, long nanos, Throwable e) {
                    durations.add(nanos);
                    error.set(e);
                  }
                }));
    given(
        "a",
        key -> {
          ticker.advance(ms(7));
          return Result.done();
        },
        key -> {
          ticker.advance(ms(3));
          throw new IllegalStateException("agent unreachable");
        });

    engine.enqueue("a");
    executor.runAll();
    assertThat(error.get()).isNull();
    engine.enqueue("a");
    executor.runAll();

    assertThat(durations).containsExactly(ms(7).toNanos(), ms(3).toNanos());
    assertThat(error.get()).hasMessage("agent unreachable");
  }

  @Test
  void failingListenerDoesNotStopReconciles() {
    started(
        builder()
            .listener(
                new ReconcileListener<>() {
                  @Override
                  public void onStart(String key) {
                    throw new IllegalStateException("metrics broken");
                  }

                  @Override
                  public void onDone(String key, Outcome outcome, long nanos, Throwable e) {
                    throw new IllegalStateException("metrics broken");
                  }
                }));

    engine.enqueue("a");
    executor.runAll();
    engine.enqueue("a");
    executor.runAll();

    assertThat(runs).containsExactly("a", "a");
    assertThat(engine.runningCount()).isZero();
  }

  // ---------------------------------------------------------------- resync

  @Test
  void resyncWakesEveryKeyAtStartAndThenEveryPeriod() {
    List<String> keys = new ArrayList<>(List.of("a", "b"));
    started(builder().resync(Duration.ofSeconds(30), () -> List.copyOf(keys)));

    assertThat(engine.queueDepth()).isEqualTo(2);
    executor.runAll();
    assertThat(runs).containsExactly("a", "b");

    scheduler.advance(Duration.ofSeconds(29));
    assertThat(executor.size()).isZero();
    engine.enqueue("b"); // an event just before the resync merges with it
    scheduler.advance(Duration.ofSeconds(1));
    executor.runAll();
    assertThat(runs).containsExactly("a", "b", "b", "a");

    keys.add("c");
    scheduler.advance(Duration.ofSeconds(30));
    executor.runAll();
    assertThat(runs).containsExactly("a", "b", "b", "a", "a", "b", "c");
  }

  @Test
  void resyncWhoseSupplierFailsTriesAgainNextPeriod() {
    int[] calls = {0};
    started(
        builder()
            .resync(
                Duration.ofMinutes(5),
                () -> {
                  if (calls[0]++ < 2) {
                    throw new IllegalStateException("store unavailable");
                  }
                  return List.of("a");
                }));

    executor.runAll();
    scheduler.advance(Duration.ofMinutes(5));
    executor.runAll();
    assertThat(runs).isEmpty();
    scheduler.advance(Duration.ofMinutes(5));
    executor.runAll();

    assertThat(calls[0]).isEqualTo(3);
    assertThat(runs).containsExactly("a");
    assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(5));
  }

  // ---------------------------------------------------------------- lifecycle

  @Test
  void closeDropsWaitingKeysCancelsTimersAndIgnoresLaterEnqueues() {
    started(builder().workers(1).resync(Duration.ofMinutes(1), List::<String>of));
    given("a", fail());
    given("b", requeue(Duration.ofSeconds(10)));
    engine.enqueue("a");
    engine.enqueue("b");
    executor.runNext();
    executor.runNext();
    engine.enqueue("c");
    assertThat(scheduler.pendingDelays())
        .containsExactly(ms(100), Duration.ofSeconds(10), Duration.ofMinutes(1));
    assertThat(executor.size()).isEqualTo(1);

    engine.close();
    engine.enqueue("d");
    engine.close(); // idempotent

    assertThat(scheduler.pendingDelays()).isEmpty();
    assertThat(engine.queueDepth()).isZero();
    assertThat(engine.backoffCount()).isZero();
    executor.runAll(); // the task already handed out finds nothing to run
    scheduler.advance(Duration.ofHours(1));
    executor.runAll();
    assertThat(runs).containsExactly("a", "b");
    assertThatThrownBy(engine::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void startTwiceIsRefused() {
    started(builder());

    assertThatThrownBy(engine::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("test: reconcile engine already started");
  }

  @Test
  void logsItsEffectiveConfigurationOnceAtStart() {
    Logger logger = (Logger) LoggerFactory.getLogger(ReconcileEngine.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    try {
      started(builder().workers(3).resync(Duration.ofMinutes(2), List::<String>of));
      engine.enqueue("a");
      executor.runAll();
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }

    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .filteredOn(m -> m.contains("started"))
        .singleElement()
        .asString()
        .contains("test:", "workers=3 (supplied executor)", "backoff=PT0.1S..PT1S", "every PT2M");
  }

  @Test
  void builderRejectsBadValuesNamingThem() {
    Reconciler<String> r = key -> Result.done();
    assertThatThrownBy(() -> ReconcileEngine.builder(" ", r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> ReconcileEngine.builder("x", r).workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("workers must be at least 1: 0");
    assertThatThrownBy(() -> ReconcileEngine.builder("x", r).backoff(Duration.ZERO, ms(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff base must be positive: PT0S");
    assertThatThrownBy(() -> ReconcileEngine.builder("x", r).backoff(ms(200), ms(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff cap must not be less than base: base PT0.2S, cap PT0.1S");
    assertThatThrownBy(() -> ReconcileEngine.builder("x", r).resync(Duration.ZERO, List::of))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resync period must be positive: PT0S");
    assertThatThrownBy(() -> ReconcileEngine.builder("x", r).closeTimeout(ms(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("closeTimeout cannot be negative: PT-0.001S");
    try (ReconcileEngine<String> unstarted = ReconcileEngine.builder("x", r).build()) {
      assertThatThrownBy(() -> unstarted.enqueue(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("key");
    }
  }
}
