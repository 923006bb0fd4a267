package org.wayleave.controller.southbound;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.Report;
import org.wayleave.base.config.ConfigDiff;
import org.wayleave.base.time.Backoff;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.core.CircuitStatuses;
import org.wayleave.controller.core.DeviceConfigs;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.reconcile.Reconciler;
import org.wayleave.controller.reconcile.Result;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The device reconciler. For a device key it reads the desired configuration fresh from the
 * desired-state cache and the last evidence from the device's agent session, and acts on the
 * difference: a full-state push with a generation that only grows, at most one unanswered push per
 * device (newer desired state waits and coalesces: the next push carries the latest), no push at
 * all while the router already carries the plan. Then it writes the status of the device's circuits
 * from the evidence, only where the status means something new.
 *
 * <p>Session events (hello, report, drift, disconnect) never act themselves; they only wake the
 * device key.
 */
public final class DeviceSync implements Reconciler<String> {
  private static final Logger log = LoggerFactory.getLogger(DeviceSync.class);
  static final String PRINCIPAL = "system:reconciler";

  private final StateStore store;
  private final ResourceCache cache;
  private final Clock clock;
  private final Ticker ticker;
  private final Duration pushTimeout;
  private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();
  private final Map<String, Long> generations = new ConcurrentHashMap<>();

  /** The desired configuration last pushed to each device. */
  private final Map<String, DeviceConfig> pushed = new ConcurrentHashMap<>();

  /** Devices whose last push of that configuration failed: re-pushed only after a backoff. */
  private final Map<String, Failure> failures = new ConcurrentHashMap<>();

  private record Failure(DeviceConfig desired, int count, long retryAtNanos) {}

  static final Duration RETRY_BASE = Duration.ofSeconds(1);
  static final Duration RETRY_CAP = Duration.ofSeconds(60);

  /** A refused configuration is pushed again 1 s, 2 s, 4 s ... at most 60 s after each refusal. */
  private static final Backoff RETRY = new Backoff(RETRY_BASE, RETRY_CAP, Backoff.Jitter.NONE);

  private final AtomicLong pushes = new AtomicLong();
  private final AtomicLong sessionsOpened = new AtomicLong();
  private volatile Consumer<String> wake = id -> {};
  private volatile Telemetry telemetry;

  public DeviceSync(
      StateStore store, ResourceCache cache, Clock clock, Ticker ticker, Duration pushTimeout) {
    this.store = store;
    this.cache = cache;
    this.clock = clock;
    this.ticker = ticker;
    this.pushTimeout = pushTimeout;
  }

  /** Where session events and store changes send device keys (the reconcile engine's enqueue). */
  public void wakeWith(Consumer<String> wake) {
    this.wake = wake;
  }

  /**
   * Judge circuits by what SNMP shows too (ACTIVE needs LinkUp); without it the agent's word
   * suffices.
   */
  public void useTelemetry(Telemetry t) {
    this.telemetry = t;
  }

  /** Pushes sent since start. */
  public long pushes() {
    return pushes.get();
  }

  /** Agent sessions opened (Hellos accepted) since start. */
  public long sessionsOpened() {
    return sessionsOpened.get();
  }

  /** Number of connected agents. */
  public int sessions() {
    return sessions.size();
  }

  public boolean connected(String deviceId) {
    AgentSession s = sessions.get(deviceId);
    return s != null && !s.isClosed();
  }

  // ------------------------------------------------------------------ session events

  AgentSession hello(Hello h, StreamObserver<ControllerMessage> out) {
    AgentSession s =
        new AgentSession(
            h.getDeviceId(),
            h.getAgentVersion(),
            h.getAppliedGeneration(),
            h.getActual(),
            out,
            clock.instant());
    AgentSession old = sessions.put(h.getDeviceId(), s);
    if (old != null) {
      old.close(
          Status.ABORTED.withDescription(
              "replaced by a newer session of device " + h.getDeviceId()));
    }
    generations.merge(h.getDeviceId(), h.getAppliedGeneration(), Math::max);
    sessionsOpened.incrementAndGet();
    s.ping(0);
    log.debug(
        "agent of {} connected (applied generation {}, {} sub-interfaces)",
        h.getDeviceId(),
        h.getAppliedGeneration(),
        h.getActual().getSubInterfacesCount());
    wake.accept(h.getDeviceId());
    return s;
  }

  void report(AgentSession s, Report r) {
    boolean applied = r.getResult() == ApplyResult.APPLY_RESULT_APPLIED;
    DeviceConfig sent = pushed.get(s.deviceId());
    if (applied) {
      failures.remove(s.deviceId());
    } else if (sent != null) {
      failures.compute(
          s.deviceId(),
          (id, f) -> {
            int n = f != null && f.desired().equals(sent) ? f.count() + 1 : 1;
            return new Failure(sent, n, ticker.read() + RETRY.afterFailures(n).toNanos());
          });
    }
    // A rejected push may come without the router's state (it could not be read): keep the last.
    boolean rejected = r.getResult() == ApplyResult.APPLY_RESULT_REJECTED;
    s.reported(
        r.getGeneration(),
        applied,
        rejected,
        r.getItemErrorsList(),
        r.hasActual() ? r.getActual() : null,
        clock.instant());
    wake.accept(s.deviceId());
  }

  void drift(AgentSession s, DeviceConfig actual) {
    s.drifted(actual, clock.instant());
    wake.accept(s.deviceId());
  }

  void heartbeat(AgentSession s) {
    s.seen(clock.instant());
  }

  void disconnected(AgentSession s) {
    s.markClosed();
    if (sessions.remove(s.deviceId(), s)) {
      log.debug("agent of {} disconnected", s.deviceId());
      wake.accept(s.deviceId());
    }
  }

  // ------------------------------------------------------------------ reconcile

  @Override
  public Result reconcile(String deviceId) {
    Device device;
    DeviceConfig desired;
    List<Circuit> circuits = new ArrayList<>();
    cache.readLock().lock();
    try {
      device = cache.get(Kind.DEVICE, deviceId);
      desired = DeviceConfigs.desired(cache.unlocked(), deviceId);
      for (String id : cache.circuitsOnDevice(deviceId)) {
        Circuit c = cache.unlocked().get(Kind.CIRCUIT, id);
        if (c != null) {
          circuits.add(cache.withStatus(c));
        }
      }
    } finally {
      cache.readLock().unlock();
    }
    // Status first, from the evidence as it stands: a drift is recorded before the repair push,
    // whose report could otherwise land before the status write and hide the drift.
    writeStatuses(deviceId, circuits);
    AgentSession s = sessions.get(deviceId);
    if (device != null && s != null && !s.isClosed()) {
      return sync(device, desired, s);
    }
    return Result.done();
  }

  private Result sync(Device device, DeviceConfig desired, AgentSession s) {
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
    long gen = nextGeneration(device.getId(), s);
    pushed.put(device.getId(), desired);
    if (!s.push(gen, desired, keep, ticker.read())) {
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
            cache.revision(),
            Math.max(generations.getOrDefault(deviceId, 0L), s.appliedGeneration()) + 1);
    generations.put(deviceId, gen);
    return gen;
  }

  /** True if the router carries the plan: exactly, or at least, when unowned VLANs are kept. */
  static boolean matches(DeviceConfig actual, DeviceConfig desired, boolean keepUnowned) {
    return actual != null && ConfigDiff.between(actual, desired, keepUnowned).isEmpty();
  }

  private void writeStatuses(String deviceId, List<Circuit> circuits) {
    Instant now = clock.instant();
    Txn.Builder txn = Txn.builder(new Audit(PRINCIPAL, "status of circuits on " + deviceId));
    int n = 0;
    for (Circuit c : circuits) {
      CircuitStatus before = c.getStatus();
      CircuitStatus after =
          CircuitStatusCalculator.compute(c, before, sessions::get, telemetry, now);
      boolean stillImplicitPending =
          after.getPhase() == CircuitPhase.CIRCUIT_PHASE_PENDING
              && before.equals(CircuitStatuses.initial(c));
      if (!stillImplicitPending && !CircuitStatusCalculator.sameMeaning(before, after)) {
        // Only for the spec the status was computed from: a circuit changed or deleted since is
        // woken again by its own change event.
        txn.compare(Compare.modRevision(Kind.CIRCUIT.key(c.getId()), c.getMeta().getRevision()));
        txn.put(Kind.CIRCUIT_STATUS_PREFIX + c.getId(), after.toByteArray());
        n++;
      }
    }
    if (n > 0) {
      store.txn(txn.build());
    }
  }

  /** Every device id, for the periodic resync. */
  public List<String> allDevices() {
    return cache.list(Kind.DEVICE).stream().map(Device::getId).toList();
  }
}
