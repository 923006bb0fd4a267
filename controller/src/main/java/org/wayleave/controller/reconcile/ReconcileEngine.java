package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.time.Backoff;
import org.wayleave.base.time.Scheduler;
import org.wayleave.base.time.Ticker;

/**
 * Runs a {@link Reconciler} over a work queue of keys, level-triggered: events only wake a key, the
 * reconciler reads the state fresh, so missed or repeated events do no harm.
 *
 * <ul>
 *   <li>A key woken many times while it waits runs once; a key never runs concurrently with itself;
 *       a key woken while it runs runs once more right after.
 *   <li>Different keys run in parallel, up to {@code workers} at once.
 *   <li>{@link Result#requeueAfter} runs the key again after the delay; an exception retries it
 *       after a per-key capped exponential backoff that any non-failing run resets; a {@link
 *       TerminalException} is recorded and not retried. Waking a key that waits on a timer runs it
 *       at once, keeping its failure count.
 *   <li>An optional resync wakes every key at start and then every period, so whatever was missed
 *       heals.
 * </ul>
 *
 * <p>Time comes from an injected {@link Ticker} and {@link Scheduler}, and reconciles can run on a
 * supplied {@link Executor}, so tests drive it without sleeping.
 *
 * @param <K> the key type; needs value {@code equals} and {@code hashCode} and a readable {@code
 *     toString} (it appears in logs)
 */
public final class ReconcileEngine<K> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ReconcileEngine.class);

  private final String name;
  private final Scheduler scheduler;
  private final Executor executor;
  private final ExecutorService ownPool; // null when the executor was supplied
  private final ScheduledExecutorService ownTimer; // null when the scheduler was supplied
  private final Duration closeTimeout;
  private final Duration resyncPeriod; // null when there is no resync
  private final Supplier<? extends Collection<? extends K>> allKeys;
  private final String configuration;
  private final WorkQueue<K> queue;
  private final Worker<K> worker;

  /** Listeners added after build (metrics), heard after the builder's one. */
  private final List<ReconcileListener<? super K>> extraListeners = new CopyOnWriteArrayList<>();

  private final Object lifecycle = new Object();
  private boolean started;
  private boolean closed;
  private Scheduler.Cancellable resyncTimer;

  private ReconcileEngine(Builder<K> b) {
    this.name = b.name;
    this.closeTimeout = b.closeTimeout;
    this.resyncPeriod = b.resyncPeriod;
    this.allKeys = b.allKeys;
    Backoff backoff =
        new Backoff(
            b.backoffBase, b.backoffCap, b.jitter ? Backoff.Jitter.EQUAL : Backoff.Jitter.NONE);
    if (b.scheduler != null) {
      this.ownTimer = null;
      this.scheduler = b.scheduler;
    } else {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(1, threads(name + "-reconcile-timer", false));
      timer.setRemoveOnCancelPolicy(true);
      this.ownTimer = timer;
      this.scheduler = Scheduler.of(timer);
    }
    if (b.executor != null) {
      this.ownPool = null;
      this.executor = b.executor;
    } else {
      // The queue never hands out more than `workers` tasks, so this queue stays short.
      this.ownPool =
          new ThreadPoolExecutor(
              b.workers,
              b.workers,
              0,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              threads(name + "-reconcile-", true));
      this.executor = ownPool;
    }
    this.queue = new WorkQueue<>(name, b.workers, scheduler, backoff, this::launch);
    this.worker = new Worker<>(name, b.reconciler, fanOut(b.listener), b.ticker, queue);
    this.configuration =
        String.format(
            "workers=%d (%s), backoff=%s, resync=%s, closeTimeout=%s, timers=%s",
            b.workers,
            ownPool != null ? "own threads" : "supplied executor",
            b.backoffBase + ".." + b.backoffCap + (b.jitter ? " jittered" : ""),
            resyncPeriod == null ? "off" : "every " + resyncPeriod,
            closeTimeout,
            ownTimer != null ? "own thread" : "supplied scheduler");
  }

  /**
   * Starts building an engine.
   *
   * @param name names the engine's threads ({@code <name>-reconcile-N}) and log lines; not blank
   */
  public static <K> Builder<K> builder(String name, Reconciler<K> reconciler) {
    return new Builder<>(name, reconciler);
  }

  /**
   * Starts running keys: those enqueued before, then, with a resync, every key from the supplier.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed || started) {
        throw new IllegalStateException(
            name + ": reconcile engine already " + (closed ? "closed" : "started"));
      }
      started = true;
    }
    log.info("{}: reconcile engine started: {}", name, configuration);
    queue.start();
    if (resyncPeriod != null) {
      resync();
    }
  }

  /**
   * Wakes {@code key}: merged with a pending request for the same key; if the key is waiting out a
   * backoff or a requeue delay it runs now (its failure count is kept); if it is running, it runs
   * once more after. Before {@link #start()} the key waits for it; after {@link #close()} it is
   * ignored.
   *
   * @throws NullPointerException if key is null
   */
  public void enqueue(K key) {
    queue.add(Objects.requireNonNull(key, "key"));
  }

  /**
   * Wakes {@code key} as {@link #enqueue} does, but ahead of every key woken that way: for evidence
   * someone is waiting on (an agent's report, a poll that saw a link come up), which should not
   * queue behind the backlog of a bulk change.
   *
   * @throws NullPointerException if key is null
   */
  public void expedite(K key) {
    queue.addAll(List.of(Objects.requireNonNull(key, "key")), true);
  }

  /**
   * Wakes every key in {@code keys}, as {@link #enqueue} does for one.
   *
   * @throws NullPointerException if keys or any key is null; then no key is woken
   */
  public void enqueueAll(Collection<? extends K> keys) {
    queue.addAll(keys);
  }

  /**
   * Adds a listener that hears every reconcile's start and end from now on, after the builder's
   * {@link Builder#listener}; for metrics that are set up once the engine exists. Like that one it
   * runs on the worker thread and must be quick; what it throws is logged and otherwise ignored.
   */
  public void addListener(ReconcileListener<? super K> listener) {
    extraListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private ReconcileListener<K> fanOut(ReconcileListener<? super K> first) {
    return new ReconcileListener<>() {
      @Override
      public void onStart(K key) {
        quietly(first, () -> first.onStart(key));
        for (ReconcileListener<? super K> l : extraListeners) {
          quietly(l, () -> l.onStart(key));
        }
      }

      @Override
      public void onDone(K key, Outcome outcome, long durationNanos, Throwable error) {
        quietly(first, () -> first.onDone(key, outcome, durationNanos, error));
        for (ReconcileListener<? super K> l : extraListeners) {
          quietly(l, () -> l.onDone(key, outcome, durationNanos, error));
        }
      }
    };
  }

  private void quietly(ReconcileListener<?> l, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("{}: reconcile listener {} failed: {}", name, l, e.toString(), e);
    }
  }

  /** The number of keys waiting to run: not waiting out a backoff or requeue delay, not running. */
  public int queueDepth() {
    return queue.readyCount();
  }

  /** The number of keys waiting out a failure backoff (requeue delays are not counted). */
  public int backoffCount() {
    return queue.backoffCount();
  }

  /** The number of reconciles running now. */
  public int runningCount() {
    return queue.runningCount();
  }

  /** The engine's name, as given to {@link #builder}. */
  public String name() {
    return name;
  }

  /**
   * Stops accepting keys, drops waiting ones and their timers, stops the resync, and waits up to
   * the close timeout for running reconciles to finish; reconciles still running then are
   * interrupted when they run on the engine's own threads. Idempotent. Nothing is lost: the state
   * is level-triggered, so the next engine's resync picks everything up again.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      if (resyncTimer != null) {
        resyncTimer.cancel();
      }
    }
    queue.close();
    boolean idle;
    try {
      // A reconciler closing its own engine must not wait for itself.
      idle = queue.awaitRunningAtMost(worker.isInsideReconcile() ? 1 : 0, closeTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      idle = false;
    }
    if (!idle) {
      log.warn(
          "{}: closing with reconciles still running after {}: {}",
          name,
          closeTimeout,
          queue.runningKeys());
    }
    if (ownPool != null) {
      if (idle) {
        ownPool.shutdown();
      } else {
        ownPool.shutdownNow();
      }
    }
    if (ownTimer != null) {
      ownTimer.shutdownNow();
    }
    log.info("{}: reconcile engine closed", name);
  }

  // ------------------------------------------------------------------ running

  private void launch(int tasks) {
    for (int i = 0; i < tasks; i++) {
      try {
        executor.execute(worker::runNext);
      } catch (RejectedExecutionException e) {
        queue.unclaim(tasks - i);
        if (!isClosed()) {
          log.warn(
              "{}: executor refused a reconcile task; keys stay queued until the next wake-up: {}",
              name,
              e.toString());
        }
        return;
      }
    }
  }

  // ------------------------------------------------------------------ resync

  private void resync() {
    if (isClosed()) {
      return;
    }
    try {
      Collection<? extends K> keys = allKeys.get();
      queue.addAll(keys == null ? List.of() : keys);
      log.debug("{}: resync woke {} keys", name, keys == null ? 0 : keys.size());
    } catch (RuntimeException e) {
      log.warn(
          "{}: resync could not list keys, trying again in {}: {}",
          name,
          resyncPeriod,
          e.toString());
      log.debug("{}: resync failure", name, e);
    }
    synchronized (lifecycle) {
      if (!closed) {
        resyncTimer = scheduler.schedule(this::resync, resyncPeriod);
      }
    }
  }

  private boolean isClosed() {
    synchronized (lifecycle) {
      return closed;
    }
  }

  private static ThreadFactory threads(String prefix, boolean numbered) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, numbered ? prefix + count.incrementAndGet() : prefix);
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Configures a {@link ReconcileEngine}. Defaults: 1 worker on the engine's own threads, system
   * ticker, own timer thread, backoff 100 ms doubling to 60 s without jitter, no resync, close
   * timeout 10 s.
   *
   * @param <K> the key type
   */
  public static final class Builder<K> {
    private final String name;
    private final Reconciler<K> reconciler;
    private int workers = 1;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler;
    private Executor executor;
    private Duration backoffBase = Duration.ofMillis(100);
    private Duration backoffCap = Duration.ofSeconds(60);
    private boolean jitter;
    private Duration resyncPeriod;
    private Supplier<? extends Collection<? extends K>> allKeys;
    private ReconcileListener<? super K> listener = ReconcileListener.noop();
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder(String name, Reconciler<K> reconciler) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank: '" + name + "'");
      }
      this.name = name;
      this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
    }

    /** How many keys may run at once (at least 1); each key still runs one at a time. */
    public Builder<K> workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be at least 1: " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** The clock used to time reconciles. */
    public Builder<K> ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Runs backoff, requeue and resync timers; by default the engine's own timer thread. */
    public Builder<K> scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Runs reconciles on {@code executor} instead of the engine's own threads (still at most {@code
     * workers} at once); the caller owns it. An executor that runs tasks inline runs reconciles on
     * the thread that woke the key.
     */
    public Builder<K> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Retry delays: {@code base * 2^(failures-1)}, at most {@code cap}; base positive. */
    public Builder<K> backoff(Duration base, Duration cap) {
      Objects.requireNonNull(base, "backoff base");
      Objects.requireNonNull(cap, "backoff cap");
      if (base.isNegative() || base.isZero()) {
        throw new IllegalArgumentException("backoff base must be positive: " + base);
      }
      if (cap.compareTo(base) < 0) {
        throw new IllegalArgumentException(
            "backoff cap must not be less than base: base " + base + ", cap " + cap);
      }
      this.backoffBase = base;
      this.backoffCap = cap;
      return this;
    }

    /** Draws each retry delay {@code d} uniformly from {@code [d/2, d]}; off by default. */
    public Builder<K> jitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * Wakes every key from {@code allKeys} at start and then every {@code period}: the
     * level-triggered safety net for missed events. A supplier that throws is logged and asked
     * again next period.
     */
    public Builder<K> resync(Duration period, Supplier<? extends Collection<? extends K>> allKeys) {
      Objects.requireNonNull(period, "resync period");
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("resync period must be positive: " + period);
      }
      this.resyncPeriod = period;
      this.allKeys = Objects.requireNonNull(allKeys, "allKeys");
      return this;
    }

    /** Hears every reconcile's start and end, for metrics and logging. */
    public Builder<K> listener(ReconcileListener<? super K> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How long {@link ReconcileEngine#close()} waits for running reconciles; not negative. */
    public Builder<K> closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "closeTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout cannot be negative: " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /** Builds the engine; call {@link ReconcileEngine#start()} to run it. */
    public ReconcileEngine<K> build() {
      return new ReconcileEngine<>(this);
    }
  }
}
