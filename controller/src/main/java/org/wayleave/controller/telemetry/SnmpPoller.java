package org.wayleave.controller.telemetry;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Device;
import org.wayleave.base.concurrent.DaemonThreads;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.time.Ticker;

/**
 * Polls routers' IF-MIB over SNMP v2c or v3, asynchronously: one UDP socket, one I/O thread
 * (snmp4j's), one scheduling thread, whatever the fleet size.
 *
 * <p>Each device is polled every {@link TelemetryConfig#interval} from an offset of its own (a hash
 * of its id), so a fleet's polls spread over the interval instead of bursting. At most {@link
 * TelemetryConfig#maxInFlight} devices are polled at once; the rest wait in a queue. A device whose
 * poll is still running when its next one falls due skips that one. A request unanswered after
 * {@link TelemetryConfig#timeout} is retried {@link TelemetryConfig#retries} times; a device that
 * keeps failing is polled less often (2, 4, up to 8 intervals apart) until it answers again. A
 * silent router only ever holds its own slot: the others go on.
 *
 * <p>v3 engine ids are discovered once per device and cached; the USM user is localised to it once
 * (snmp4j keeps the localised keys). A changed device (address, credentials) starts afresh.
 *
 * <p>This class keeps the device set; {@link PollSchedule} decides when each is polled, {@link
 * DevicePolls} runs the polls and {@link SnmpSession} holds the socket.
 */
public final class SnmpPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnmpPoller.class);

  private final TelemetryConfig config;
  private final SnmpSession session;
  private final PollSchedule schedule;
  private final Ticker ticker;
  private final LongAdder earlyPolls = new LongAdder();
  private final LongAdder burstsEnded = new LongAdder();
  private volatile Predicate<String> inView = id -> false;
  private final DevicePolls devicePolls;
  private final Map<String, PolledDevice> devices = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean closed;

  /** How one poll ended, for {@link PollObserver}. */
  public enum PollResult {
    /** The router answered the whole walk. */
    SUCCESS,
    /** No answer after every try: the request timed out. */
    TIMEOUT,
    /** Any other failure: an SNMP error or report, a missing secret, an unresolvable address. */
    ERROR
  }

  /** Hears how each poll ended and how long it took; for metrics. */
  @FunctionalInterface
  public interface PollObserver {
    /**
     * Called once per poll, on the poller's I/O or resolver thread: keep it quick.
     *
     * @param durationNanos from the poll leaving the queue to its end, retries included
     */
    void pollEnded(String deviceId, PollResult result, long durationNanos);
  }

  public SnmpPoller(
      TelemetryConfig config, SecretProvider secrets, PollListener listener, Clock clock)
      throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    Objects.requireNonNull(secrets, "secrets");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
    this.ticker = Ticker.system();
    this.session = new SnmpSession();
    ExecutorService resolver =
        Executors.newSingleThreadExecutor(DaemonThreads.named("snmp-poller-resolve"));
    this.devicePolls = new DevicePolls(config, secrets, listener, clock, ticker, session, resolver);
    this.schedule =
        new PollSchedule(
            config,
            ticker,
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("snmp-poller-schedule")),
            p -> devicePolls.offer(p, null));
  }

  /** Sets the one observer of poll outcomes (replacing any before). */
  public void observe(PollObserver observer) {
    devicePolls.observe(Objects.requireNonNull(observer, "observer"));
  }

  /** Starts polling every known device (and each one added later) on its schedule. */
  public void start() {
    log.info(
        "SNMP poller ready: {} routers now, each every {} s, timeout {} ms x {} tries, at most {}"
            + " at once",
        devices.size(),
        config.interval().toSeconds(),
        config.timeout().toMillis(),
        config.retries() + 1,
        config.maxInFlight());
    started = true;
    for (PolledDevice p : devices.values()) {
      schedule.first(p);
    }
  }

  /** Adds a device or updates its settings; a device without SNMP settings is removed. */
  public void upsert(Device d) {
    if (!d.hasSnmp() || d.getManagementAddress().isEmpty()) {
      remove(d.getId());
      return;
    }
    devices.compute(
        d.getId(),
        (id, p) -> {
          if (p == null) {
            PolledDevice n = new PolledDevice(d);
            if (started) {
              schedule.first(n);
            }
            return n;
          }
          p.update(d);
          return p;
        });
  }

  public void remove(String deviceId) {
    PolledDevice p = devices.remove(deviceId);
    if (p != null) {
      p.removed = true;
      ScheduledFuture<?> f = p.next;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /** Replaces the device set. */
  public void replaceAll(Collection<Device> all) {
    Set<String> keep = new HashSet<>();
    for (Device d : all) {
      upsert(d);
      keep.add(d.getId());
    }
    for (String id : List.copyOf(devices.keySet())) {
      if (!keep.contains(id)) {
        remove(id);
      }
    }
  }

  /**
   * Polls every device once now, outside the schedule, and completes when all have answered or
   * failed (for benchmarks and tests).
   *
   * @return how many polls succeeded
   */
  public CompletableFuture<Integer> pollAll() {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (PolledDevice p : devices.values()) {
      all.add(pollNow(p));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> (int) all.stream().filter(CompletableFuture::join).count());
  }

  /** Polls one device now; completes with whether the poll succeeded. */
  public CompletableFuture<Boolean> pollNow(String deviceId) {
    PolledDevice p = devices.get(deviceId);
    if (p == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("device " + deviceId + " is not polled"));
    }
    return pollNow(p);
  }

  private CompletableFuture<Boolean> pollNow(PolledDevice p) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    if (!devicePolls.offer(p, done)) {
      done.complete(false);
    }
    return done;
  }

  /**
   * Least time between two early polls of one router, so that a router whose agent keeps reporting
   * (a flapping link, a loop of pushes) adds at most one poll a second.
   */
  public static final Duration EARLY_SPACING = Duration.ofSeconds(1);

  /** How long an early poll waits for a poll of the same router already under way, at most. */
  private static final Duration EARLY_RETRY = Duration.ofMillis(20);

  private static final int EARLY_TRIES = 50;

  /**
   * After a change, the early polls of one router: at once, then 1, 2, 4 and 8 s after it. A
   * router's SNMP agent may show a new interface only when its own cache next refreshes (net-snmp
   * reads Linux's interfaces every few seconds), so one poll at once could come too early.
   */
  static final long[] EARLY_BURST_MILLIS = {0, 1_000, 2_000, 4_000, 8_000};

  /** From an early burst's first poll to its last. */
  public static final Duration EARLY_BURST_SPAN =
      Duration.ofMillis(EARLY_BURST_MILLIS[EARLY_BURST_MILLIS.length - 1]);

  /**
   * Polls {@code deviceId} soon, outside its schedule, because its agent reported a change: a short
   * burst of polls ({@link #EARLY_BURST_MILLIS}), never two less than {@link #EARLY_SPACING} apart;
   * a change reported during a burst starts it again, so a router reporting in a loop adds at most
   * one poll a second. A router failing its polls keeps its backoff instead. Without this, a
   * circuit an agent has just applied waits for the next scheduled poll (a minute, by default) to
   * go ACTIVE.
   *
   * @return whether an early poll is started or pending
   */
  public boolean pollSoon(String deviceId) {
    PolledDevice p = devices.get(deviceId);
    if (p == null || p.removed || p.consecutiveFailures > 0 || closed()) {
      return false;
    }
    return startEarly(p, 0);
  }

  /**
   * Polls {@code deviceId} once soon if its polls have been failing, because its agent has just
   * connected: the router is back, so waiting out the backoff (up to the poll interval) would only
   * hold its circuits' state back. A router whose polls succeed keeps to its schedule, so a fleet
   * reconnecting after a controller restart does not poll all at once.
   *
   * @return whether an early poll is started or pending
   */
  public boolean retrySoon(String deviceId) {
    PolledDevice p = devices.get(deviceId);
    if (p == null || p.removed || p.consecutiveFailures == 0 || closed()) {
      return false;
    }
    // The burst's last step alone: one poll.
    return startEarly(p, EARLY_BURST_MILLIS.length - 1);
  }

  private boolean startEarly(PolledDevice p, int firstStep) {
    synchronized (p) {
      long now = ticker.read();
      if (p.earlyPending && p.earlyStep == p.earlyFirstStep) {
        return true; // the burst's first poll is still to come: this change shares it
      }
      // A new burst: its first poll as soon as the spacing allows; what was scheduled is dropped.
      p.earlyPending = true;
      p.earlyBurstStart = now;
      p.earlyStep = firstStep;
      p.earlyFirstStep = firstStep;
      long token = ++p.earlyToken;
      schedule.later(() -> early(p, token, 0), p.lastEarlyNanos + EARLY_SPACING.toNanos() - now);
    }
    return true;
  }

  /**
   * Ends a router's early burst before its next poll once {@code inView} says the last poll showed
   * what its agent changed (every sub-interface its circuits put on it): the burst is there for
   * interfaces a router's SNMP lists late, and at 10,000 routers its five polls each made SNMP
   * answers the slowest stage from Apply to ACTIVE. Default: never, so every burst runs out.
   */
  public void endBurstWhen(Predicate<String> inView) {
    this.inView = Objects.requireNonNull(inView, "inView");
  }

  private void early(PolledDevice p, long token, int attempt) {
    boolean followUp;
    synchronized (p) {
      if (p.removed || token != p.earlyToken) {
        return; // a later burst replaced this one
      }
      followUp = p.earlyStep > p.earlyFirstStep;
    }
    if (followUp && attempt == 0 && inView.test(p.id)) {
      synchronized (p) {
        if (token == p.earlyToken) {
          p.earlyPending = false;
          p.earlyToken++; // nothing of this burst runs any more
          burstsEnded.increment();
        }
      }
      return;
    }
    if (!devicePolls.offer(p, null)) {
      // A poll of this router is under way; it may have read the router before the change.
      if (attempt < EARLY_TRIES) {
        schedule.later(() -> early(p, token, attempt + 1), EARLY_RETRY.toNanos());
        return;
      }
    } else {
      earlyPolls.increment();
      p.earlyPolls.increment();
    }
    synchronized (p) {
      long now = ticker.read();
      p.lastEarlyNanos = now;
      if (token != p.earlyToken) {
        return;
      }
      p.earlyStep++;
      if (p.earlyStep >= EARLY_BURST_MILLIS.length) {
        p.earlyPending = false;
        return;
      }
      long due = p.earlyBurstStart + EARLY_BURST_MILLIS[p.earlyStep] * 1_000_000L;
      long spaced = now + EARLY_SPACING.toNanos();
      schedule.later(() -> early(p, token, 0), Math.max(due, spaced) - now);
    }
  }

  /** Early polls of {@code deviceId} started since it was added; 0 for a router not polled. */
  public long earlyPolls(String deviceId) {
    PolledDevice p = devices.get(deviceId);
    return p == null ? 0 : p.earlyPolls.sum();
  }

  /** Early bursts ended before their last poll, the change in view ({@link #endBurstWhen}). */
  public long burstsEndedEarly() {
    return burstsEnded.sum();
  }

  /** Early polls started since start ({@link #pollSoon}). */
  public long earlyPolls() {
    return earlyPolls.sum();
  }

  // ------------------------------------------------------------------ figures

  /** Counters since start. */
  public record Stats(
      int devices, long polls, long failures, long requests, long varbinds, long skipped) {}

  public Stats stats() {
    return new Stats(
        devices.size(),
        devicePolls.polls.sum(),
        devicePolls.failures.sum(),
        devicePolls.requests.sum(),
        devicePolls.varbinds.sum(),
        devicePolls.skipped.sum());
  }

  /** Whether {@link #close} was called. */
  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    schedule.close();
    devicePolls.close();
    try {
      session.close();
    } catch (IOException e) {
      log.debug("closing the SNMP session", e);
    }
  }
}
