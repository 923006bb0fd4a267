package org.wayleave.controller.southbound;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.Report;
import org.wayleave.controller.status.AgentEvidence;

/**
 * The connected agents, one session per device, and what each last said. Session events (hello,
 * report, drift, disconnect) never act themselves: they record the evidence and wake the device's
 * key. Runs on every controller; only the leader's reconciler pushes through the sessions.
 */
public final class AgentSessions {
  private static final Logger log = LoggerFactory.getLogger(AgentSessions.class);

  /** Told of each report before it is recorded: the push reconciler's retry bookkeeping. */
  @FunctionalInterface
  interface ReportListener {
    void reported(String deviceId, boolean applied);
  }

  private final Clock clock;
  private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();
  private final AtomicLong sessionsOpened = new AtomicLong();
  private volatile Consumer<String> wake = id -> {};
  private volatile ReportListener reports = (id, applied) -> {};
  private volatile Consumer<String> routerChanged = id -> {};
  private volatile Consumer<String> routerBack = id -> {};

  public AgentSessions(Clock clock) {
    this.clock = clock;
  }

  /** Where session events send device keys (the device reconcile engine's enqueue). */
  public void wakeWith(Consumer<String> wake) {
    this.wake = wake;
  }

  void onReport(ReportListener listener) {
    this.reports = listener;
  }

  /**
   * Where to say that a router's configuration has changed: its agent reported a push applied
   * (whole or in part) or drift. The leader then polls that router's SNMP early, so a circuit just
   * applied need not wait for the next scheduled poll to go ACTIVE. A Hello is not a change: a
   * fleet reconnecting after a restart keeps to the schedule instead of polling all at once.
   */
  public void onRouterChanged(Consumer<String> listener) {
    this.routerChanged = listener;
  }

  /**
   * Where to say that a router's agent has connected (a Hello accepted): the leader's poller then
   * retries at once a router whose SNMP polls had been failing, rather than waiting out its
   * backoff; a router polled fine keeps to its schedule.
   */
  public void onRouterBack(Consumer<String> listener) {
    this.routerBack = listener;
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

  /** The open session of {@code deviceId}, or null. */
  AgentSession session(String deviceId) {
    AgentSession s = sessions.get(deviceId);
    return s == null || s.isClosed() ? null : s;
  }

  /** What the agent of {@code deviceId} last said, or null when none is connected. */
  public AgentEvidence evidence(String deviceId) {
    return sessions.get(deviceId);
  }

  /**
   * The name the OS of {@code deviceId} gives the port or sub-interface Wayleave calls {@code
   * wayleaveName}, as its connected agent last reported; {@code wayleaveName} when it reported none
   * or none is connected. A {@link org.wayleave.controller.telemetry.OsNames}.
   */
  public String osName(String deviceId, String wayleaveName) {
    AgentSession s = session(deviceId);
    return s == null ? wayleaveName : s.osNames().getOrDefault(wayleaveName, wayleaveName);
  }

  /**
   * Ends every session with {@code status}: this controller stopped leading, and its agents must
   * find the one that leads now.
   */
  public void closeAll(Status status) {
    for (AgentSession s : sessions.values()) {
      s.close(status);
      disconnected(s);
    }
  }

  AgentSession hello(Hello h, StreamObserver<ControllerMessage> out) {
    AgentSession s =
        new AgentSession(
            h.getDeviceId(),
            h.getAgentVersion(),
            h.getAppliedGeneration(),
            h.getActual(),
            h.getOsNamesMap(),
            out,
            clock.instant());
    AgentSession old = sessions.put(h.getDeviceId(), s);
    if (old != null) {
      old.close(
          Status.ABORTED.withDescription(
              "replaced by a newer session of device " + h.getDeviceId()));
    }
    sessionsOpened.incrementAndGet();
    routerBack.accept(h.getDeviceId());
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
    reports.reported(s.deviceId(), applied);
    // A rejected push may come without the router's state (it could not be read): keep the last.
    s.reported(
        r.getGeneration(),
        applied,
        r.getResult() == ApplyResult.APPLY_RESULT_REJECTED,
        r.getItemErrorsList(),
        r.hasActual() ? r.getActual() : null,
        r.getOsNamesMap(),
        clock.instant());
    wake.accept(s.deviceId());
    if (r.getResult() != ApplyResult.APPLY_RESULT_REJECTED) {
      routerChanged.accept(s.deviceId());
    }
  }

  void drift(AgentSession s, Drift d) {
    s.drifted(d.getActual(), d.getOsNamesMap(), clock.instant());
    wake.accept(s.deviceId());
    routerChanged.accept(s.deviceId());
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
}
