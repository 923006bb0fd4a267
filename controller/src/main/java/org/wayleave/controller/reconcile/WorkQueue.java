package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.time.Backoff;
import org.wayleave.base.time.Scheduler;

/**
 * The engine's bookkeeping, without threads: two FIFOs of keys (never events) ready to run, the
 * keys running, and the keys waiting on a timer (backoff or requeue), with at most {@code workers}
 * tasks claimed at once. Keys woken as expedited run before every key woken plainly: evidence
 * someone waits on (an agent's report, a poll) is not queued behind a bulk change's backlog. Every
 * method holds one monitor for a short, non-blocking critical section; the {@code launcher} is told
 * how many new tasks to start only after the monitor is released, so it may run them inline.
 *
 * <p>A key is in at most one state: absent (idle), READY, RUNNING (perhaps dirty: woken while
 * running, so it runs again right after), or DELAYED (a timer will make it READY).
 */
final class WorkQueue<K> {

  private static final Logger log = LoggerFactory.getLogger(ReconcileEngine.class);

  private enum Status {
    READY,
    RUNNING,
    DELAYED
  }

  private static final class KeyState {
    Status status = Status.READY;
    boolean dirty;
    int failures;
    boolean inBackoff;
    long timerSeq;
    Scheduler.Cancellable timer;

    /** Counts the times the key was made ready: an entry of an older count is stale. */
    long readySeq;

    /** Ready in the expedited FIFO (perhaps with a stale entry in the plain one). */
    boolean expedited;

    /** Woken as expedited while running. */
    boolean dirtyExpedited;
  }

  /** A key in a FIFO, as it was made ready: stale once the key was made ready again or taken. */
  private record Entry<K>(K key, long seq) {}

  private final String name;
  private final int workers;
  private final Scheduler scheduler;
  private final Backoff backoff;
  private final IntConsumer launcher;

  private final Map<K, KeyState> states = new HashMap<>();
  private final ArrayDeque<Entry<K>> ready = new ArrayDeque<>();
  private final ArrayDeque<Entry<K>> expedited = new ArrayDeque<>();

  /** Keys READY, each once whatever its entries. */
  private int readyKeys;

  /** Tasks handed to the launcher that have not yet taken a key. */
  private int pending;

  private int running;
  private int backoffs;
  private boolean started;
  private boolean closed;

  WorkQueue(String name, int workers, Scheduler scheduler, Backoff backoff, IntConsumer launcher) {
    this.name = name;
    this.workers = workers;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.launcher = launcher;
  }

  /** Allows tasks to start (keys added before are kept and start now). */
  void start() {
    int tasks;
    synchronized (this) {
      started = true;
      tasks = claim();
    }
    launch(tasks);
  }

  /** Wakes {@code key}; see {@link ReconcileEngine#enqueue}. Ignored once closed. */
  void add(K key) {
    addAll(List.of(key));
  }

  /** Wakes every key in {@code keys}. */
  void addAll(Collection<? extends K> keys) {
    addAll(keys, false);
  }

  /** Wakes every key in {@code keys}, ahead of plain ones if {@code expedite}. */
  void addAll(Collection<? extends K> keys, boolean expedite) {
    List<K> checked = List.copyOf(keys); // rejects null keys before anything changes
    int tasks;
    synchronized (this) {
      if (closed) {
        return;
      }
      for (K key : checked) {
        wake(key, expedite);
      }
      tasks = claim();
    }
    launch(tasks);
  }

  private void wake(K key, boolean expedite) {
    KeyState state = states.get(key);
    if (state == null) {
      state = new KeyState();
      states.put(key, state);
      makeReady(key, state, expedite);
    } else if (state.status == Status.RUNNING) {
      state.dirty = true;
      state.dirtyExpedited |= expedite;
    } else if (state.status == Status.DELAYED) {
      // An event during a backoff or requeue wait runs the key now; failures are kept.
      cancelTimer(state);
      makeReady(key, state, expedite);
    } else if (expedite && !state.expedited) {
      // READY in the plain FIFO: moved ahead (its plain entry goes stale).
      readyKeys--;
      makeReady(key, state, true);
    } // else READY already where it should be, so this wake-up merges with it.
  }

  /**
   * Called by a task when it starts: takes the next ready key and marks it running, or returns null
   * (and gives the task's slot back) when there is none.
   */
  synchronized K poll() {
    pending--;
    K key = take(expedited);
    if (key == null) {
      key = take(ready);
    }
    if (key != null) {
      KeyState state = states.get(key);
      state.status = Status.RUNNING;
      state.expedited = false;
      readyKeys--;
      running++;
    }
    return key;
  }

  /** The first key of {@code fifo} still ready as that entry says, dropping stale entries. */
  private K take(ArrayDeque<Entry<K>> fifo) {
    for (Entry<K> e = fifo.poll(); e != null; e = fifo.poll()) {
      KeyState state = states.get(e.key());
      if (state != null && state.status == Status.READY && state.readySeq == e.seq()) {
        return e.key();
      }
    }
    return null;
  }

  /**
   * Records how the run of {@code key} ended and decides what happens to it next.
   *
   * @param requeueAfter the delay for {@link Outcome#REQUEUE}, otherwise ignored
   * @param error what the reconciler threw, for the log line only
   */
  void finish(K key, Outcome outcome, Duration requeueAfter, Throwable error) {
    int tasks;
    synchronized (this) {
      running--;
      notifyAll(); // for awaitRunningAtMost
      KeyState state = states.get(key);
      if (closed) {
        states.remove(key);
        return;
      }
      state.failures = outcome == Outcome.RETRY ? state.failures + 1 : 0;
      if (state.dirty) {
        // Woken while running: run again now, whatever the outcome, as the new state may differ.
        state.dirty = false;
        makeReady(key, state, state.dirtyExpedited);
        state.dirtyExpedited = false;
        if (outcome == Outcome.RETRY) {
          log.warn(
              "{}: reconcile of {} failed ({} in a row), woken meanwhile so running again: {}",
              name,
              key,
              state.failures,
              String.valueOf(error));
        }
      } else {
        switch (outcome) {
          case SUCCESS, TERMINAL -> states.remove(key);
          case REQUEUE -> {
            if (requeueAfter.isZero()) {
              makeReady(key, state, false);
            } else {
              delay(key, state, requeueAfter, false);
            }
          }
          case RETRY -> {
            Duration wait = backoff.afterFailures(state.failures);
            log.warn(
                "{}: reconcile of {} failed ({} in a row), retrying in {}: {}",
                name,
                key,
                state.failures,
                wait,
                String.valueOf(error));
            delay(key, state, wait, true);
          }
        }
      }
      tasks = claim();
    }
    launch(tasks);
  }

  /** Gives back slots for tasks the launcher could not start; their keys stay ready. */
  synchronized void unclaim(int tasks) {
    pending -= tasks;
  }

  /** Stops accepting keys, cancels every timer and forgets every waiting key. Idempotent. */
  synchronized void close() {
    closed = true;
    for (KeyState state : states.values()) {
      if (state.status == Status.DELAYED) {
        cancelTimer(state);
      }
    }
    states.values().removeIf(state -> state.status != Status.RUNNING);
    ready.clear();
    expedited.clear();
    readyKeys = 0;
    backoffs = 0;
  }

  /**
   * Waits up to {@code timeout} until at most {@code allowed} reconciles are running.
   *
   * @return whether that happened in time
   */
  synchronized boolean awaitRunningAtMost(int allowed, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + Scheduler.saturatedNanos(timeout);
    while (running > allowed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  synchronized List<K> runningKeys() {
    List<K> keys = new ArrayList<>();
    states.forEach(
        (key, state) -> {
          if (state.status == Status.RUNNING) {
            keys.add(key);
          }
        });
    return keys;
  }

  synchronized int readyCount() {
    return readyKeys;
  }

  synchronized int backoffCount() {
    return backoffs;
  }

  synchronized int runningCount() {
    return running;
  }

  // ------------------------------------------------------------------ under the monitor

  private void makeReady(K key, KeyState state, boolean expedite) {
    state.status = Status.READY;
    state.expedited = expedite;
    (expedite ? expedited : ready).add(new Entry<>(key, ++state.readySeq));
    readyKeys++;
  }

  private void delay(K key, KeyState state, Duration wait, boolean isBackoff) {
    state.status = Status.DELAYED;
    state.inBackoff = isBackoff;
    if (isBackoff) {
      backoffs++;
    }
    long seq = ++state.timerSeq;
    state.timer = scheduler.schedule(() -> timerFired(key, seq), wait);
  }

  private void cancelTimer(KeyState state) {
    state.timerSeq++; // a timer that already fired and waits for the monitor then does nothing
    if (state.timer != null) {
      state.timer.cancel();
      state.timer = null;
    }
    if (state.inBackoff) {
      state.inBackoff = false;
      backoffs--;
    }
  }

  private void timerFired(K key, long seq) {
    int tasks;
    synchronized (this) {
      KeyState state = states.get(key);
      if (closed || state == null || state.status != Status.DELAYED || state.timerSeq != seq) {
        return;
      }
      state.timer = null;
      if (state.inBackoff) {
        state.inBackoff = false;
        backoffs--;
      }
      makeReady(key, state, false);
      tasks = claim();
    }
    launch(tasks);
  }

  /** Reserves task slots for ready keys that no task will take yet, up to {@code workers}. */
  private int claim() {
    if (!started || closed) {
      return 0;
    }
    int tasks = 0;
    while (pending + running < workers && pending < readyKeys) {
      pending++;
      tasks++;
    }
    return tasks;
  }

  private void launch(int tasks) {
    if (tasks > 0) {
      launcher.accept(tasks);
    }
  }
}
