package org.wayleave.controller.southbound;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.base.config.ConfigDiff;
import org.wayleave.base.time.Backoff;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.reconcile.Result;

/**
 * Full-state pushes to a device's agent: a generation that only grows, at most one unanswered push
 * per device (newer desired state waits and coalesces: the next push carries the latest), no push
 * at all while the router already carries the plan, and a configuration the agent refused is pushed
 * again only after a backoff.
 */
public final class DevicePushes {
  private static final Logger log = LoggerFactory.getLogger(DevicePushes.class);

  static final Duration RETRY_BASE = Duration.ofSeconds(1);
  static final Duration RETRY_CAP = Duration.ofSeconds(60);

  /** A refused configuration is pushed again 1 s, 2 s, 4 s ... at most 60 s after each refusal. */
  private static final Backoff RETRY = new Backoff(RETRY_BASE, RETRY_CAP, Backoff.Jitter.NONE);

  private record Failure(DeviceConfig desired, int count, long retryAtNanos) {}

  private final AgentSessions sessions;
  private final Ticker ticker;
  private final Duration pushTimeout;
  private final LongSupplier storeRevision;
  private final LongSupplier term;

  /** The highest generation each device has seen: generations only grow, across terms too. */
  private final Map<String, Long> generations = new ConcurrentHashMap<>();

  /** The desired configuration last pushed to each device. */
  private final Map<String, DeviceConfig> pushed = new ConcurrentHashMap<>();

  /** Devices whose last push of that configuration failed: re-pushed only after a backoff. */
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  private final AtomicLong pushes = new AtomicLong();

  /**
   * @param storeRevision a generation is at least the store's revision, so generations grow across
   *     controller restarts too
   * @param term the leader's term, carried by every push so agents can refuse a deposed leader
   */
  public DevicePushes(
      AgentSessions sessions,
      Ticker ticker,
      Duration pushTimeout,
      LongSupplier storeRevision,
      LongSupplier term) {
    this.sessions = sessions;
    this.ticker = ticker;
    this.pushTimeout = pushTimeout;
    this.storeRevision = storeRevision;
    this.term = term;
    sessions.onReport(this::reported);
  }

  /** Pushes without a term (0): a controller that keeps none, as in tests of one controller. */
  public DevicePushes(
      AgentSessions sessions, Ticker ticker, Duration pushTimeout, LongSupplier storeRevision) {
    this(sessions, ticker, pushTimeout, storeRevision, () -> 0);
  }

  /** Pushes sent since start. */
  public long pushes() {
    return pushes.get();
  }

  /** Forgets what was pushed and refused (a new term starts from what the agents say). */
  void reset() {
    pushed.clear();
    failures.clear();
  }

  private void reported(String deviceId, boolean applied) {
    DeviceConfig sent = pushed.get(deviceId);
    if (applied) {
      failures.remove(deviceId);
    } else if (sent != null) {
      failures.compute(
          deviceId,
          (id, f) -> {
            int n = f != null && f.desired().equals(sent) ? f.count() + 1 : 1;
            return new Failure(sent, n, ticker.read() + RETRY.afterFailures(n).toNanos());
          });
    }
  }

  /** Makes {@code device}'s router carry {@code desired}, if its agent is connected. */
  Result sync(Device device, DeviceConfig desired) {
    return sync(device, () -> desired);
  }

  /**
   * As above, asking {@code desired} for the configuration only when the agent is connected: with
   * none there is nothing to compare it with, and a device's configuration has every circuit on it.
   */
  Result sync(Device device, Supplier<DeviceConfig> desiredConfig) {
    AgentSession s = sessions.session(device.getId());
    if (s == null) {
      return Result.done();
    }
    DeviceConfig desired = desiredConfig.get();
    if (s.inFlightGeneration() != 0) {
      long waited = ticker.read() - s.inFlightSinceNanos();
      if (waited < pushTimeout.toNanos()) {
        return Result.requeueAfter(Duration.ofNanos(pushTimeout.toNanos() - waited));
      }
      log.warn(
          "device {}: no report for push {} after {}; pushing again",
          device.getId(),
          s.inFlightGeneration(),
          pushTimeout);
      s.abandonPush();
    }
    boolean keep = device.getKeepUnownedVlans();
    // After a rejected push the router's word is not taken as agreement: the push is retried (after
    // the backoff below), and its report settles it.
    if (!s.rejected() && matches(s.actual(), desired, keep)) {
      generations.merge(device.getId(), s.appliedGeneration(), Math::max);
      return Result.done();
    }
    Failure f = failures.get(device.getId());
    if (f != null && f.desired().equals(desired)) {
      long wait = f.retryAtNanos() - ticker.read();
      if (wait > 0) {
        // The agent refused exactly this configuration: try again later, not in a tight loop.
        return Result.requeueAfter(Duration.ofNanos(wait));
      }
    }
    return push(device, desired, s, keep);
  }

  private Result push(Device device, DeviceConfig desired, AgentSession s, boolean keep) {
    long gen = nextGeneration(device.getId(), s);
    pushed.put(device.getId(), desired);
    if (!s.push(gen, term.getAsLong(), desired, keep, ticker.read())) {
      return Result.done();
    }
    pushes.incrementAndGet();
    log.debug(
        "device {}: pushed generation {} ({} sub-interfaces)",
        device.getId(),
        gen,
        desired.getSubInterfacesCount());
    return Result.requeueAfter(pushTimeout);
  }

  /** A generation above every one this device has seen, and at least the store revision. */
  private long nextGeneration(String deviceId, AgentSession s) {
    long gen =
        Math.max(
            storeRevision.getAsLong(),
            Math.max(generations.getOrDefault(deviceId, 0L), s.appliedGeneration()) + 1);
    generations.put(deviceId, gen);
    return gen;
  }

  /** True if the router carries the plan: exactly, or at least, when unowned VLANs are kept. */
  static boolean matches(DeviceConfig actual, DeviceConfig desired, boolean keepUnowned) {
    return actual != null && ConfigDiff.between(actual, desired, keepUnowned).isEmpty();
  }
}
