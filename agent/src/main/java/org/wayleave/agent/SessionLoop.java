package org.wayleave.agent;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.Push;

/**
 * Keeps one {@link AgentClient}'s session with the controller open: dials, waits for the
 * connection, opens the stream and has Hello sent, and whenever a session ends schedules the next
 * dial after a capped, jittered backoff (reset once the controller answers), until stopped.
 */
final class SessionLoop implements SessionStream.Listener {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  /**
   * One controller the agent may dial.
   *
   * @param target its address, for logs
   * @param steered the channel whose connection this loop steers (the client's own, or a managed
   *     one given), or null when the client was given one it cannot steer
   */
  record Endpoint(String target, AgentServiceGrpc.AgentServiceStub stub, ManagedChannel steered) {}

  private final AgentSettings settings;
  private final List<Endpoint> endpoints;

  private final AgentExecutors executors;
  private final AgentStats stats;
  private final StateMessages messages;
  private final ApplyWorker applier;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean started;
  private volatile boolean stopped;
  private SessionStream current;
  private ScheduledFuture<?> reconnectTask;
  private int attempt;
  private int endpoint;

  /**
   * @param endpoints the controllers to dial, in turn (one after a session with the other ended)
   * @param messages sends Hello when a stream opens, and the heartbeats
   * @param applier takes the controller's pushes
   */
  SessionLoop(
      AgentSettings settings,
      List<Endpoint> endpoints,
      AgentExecutors executors,
      AgentStats stats,
      StateMessages messages,
      ApplyWorker applier) {
    this.settings = settings;
    this.endpoints = List.copyOf(endpoints);
    this.executors = executors;
    this.stats = stats;
    this.messages = messages;
    this.applier = applier;
  }

  /**
   * Marks the loop started.
   *
   * @throws IllegalStateException if already started
   */
  void markStarted() {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException(
            "agent client for " + settings.deviceId() + " already started");
      }
      started = true;
    }
  }

  /** Dials the controller at once, on the timer. */
  void dialNow() {
    executors.schedule(this::connect, Duration.ZERO);
  }

  /**
   * Stops redialling, drops pushes not yet applied and closes the open session (half-closing its
   * stream).
   *
   * @return false if the loop was already stopped
   */
  boolean stop() {
    SessionStream s;
    synchronized (lock) {
      if (stopped) {
        return false;
      }
      stopped = true;
      if (reconnectTask != null) {
        reconnectTask.cancel(false);
      }
      s = current;
      current = null;
    }
    applier.dropPending();
    if (s != null) {
      s.close();
    }
    return true;
  }

  boolean isStopped() {
    return stopped;
  }

  /** The session being opened or open; null between sessions and after stopping. */
  SessionStream current() {
    synchronized (lock) {
      return current;
    }
  }

  /** True while a session is open and the controller has acknowledged its Hello. */
  boolean isConnected() {
    synchronized (lock) {
      return current != null && current.acknowledged() && !current.ended();
    }
  }

  /** The backoff attempt the next redial uses; 0 after the controller acknowledged a session. */
  int backoffAttempt() {
    synchronized (lock) {
      return attempt;
    }
  }

  /** The controller being dialled, or the one of the open session. */
  private Endpoint endpoint() {
    synchronized (lock) {
      return endpoints.get(endpoint);
    }
  }

  private void connect() {
    SessionStream s = new SessionStream(settings, executors, this);
    Endpoint e;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      reconnectTask = null;
      current = s;
      e = endpoints.get(endpoint);
    }
    ManagedChannel steered = e.steered();
    // This attempt's moment was chosen by our own jittered backoff: make the channel try to connect
    // now, not at its own (barely jittered) reconnect schedule, which would line up every agent
    // that lost the controller at the same moment. Open the stream once that attempt has settled.
    if (steered != null) {
      steered.resetConnectBackoff();
      awaitConnection(
          s, e, steered.getState(true), System.nanoTime() + settings.establishTimeout().toNanos());
    } else {
      openStream(s, e);
    }
  }

  /**
   * Opens the stream once the channel is READY; a failed or slow connection is a failed attempt.
   */
  private void awaitConnection(
      SessionStream s, Endpoint e, ConnectivityState state, long deadlineNanos) {
    if (s.ended()) {
      return;
    }
    ManagedChannel steered = e.steered();
    switch (state) {
      case READY -> openStream(s, e);
      case TRANSIENT_FAILURE, SHUTDOWN ->
          s.end(Status.UNAVAILABLE.withDescription("cannot connect to the controller"));
      default -> {
        if (System.nanoTime() > deadlineNanos) {
          s.end(noConnectionInTime());
          return;
        }
        steered.notifyWhenStateChanged(
            state, () -> awaitConnection(s, e, steered.getState(false), deadlineNanos));
        executors.schedule(
            () -> {
              if (!s.streamOpened() && !s.ended()) {
                s.end(noConnectionInTime());
              }
            },
            settings.establishTimeout());
      }
    }
  }

  private Status noConnectionInTime() {
    return Status.DEADLINE_EXCEEDED.withDescription(
        "no connection to the controller within " + settings.establishTimeout());
  }

  private void openStream(SessionStream s, Endpoint e) {
    if (!s.markStreamOpened()) {
      return;
    }
    try {
      e.stub().connect(s);
    } catch (RuntimeException failed) {
      s.end(Status.fromThrowable(failed));
      return;
    }
    executors.schedule(
        () -> {
          if (!s.acknowledged() && !s.ended()) {
            log.warn(
                "agent {}: no answer from controller {} within {}; will retry",
                settings.deviceId(),
                e.target(),
                settings.establishTimeout());
            s.cancel("no answer from the controller within " + settings.establishTimeout());
          }
        },
        settings.establishTimeout());
    s.cancelIfEnded(); // stop() may have run while the call was starting
    s.startHeartbeats();
    executors.onWorker(() -> messages.sendHello(s));
  }

  @Override
  public void established(SessionStream s) {
    synchronized (lock) {
      if (current != s) {
        return;
      }
      attempt = 0;
    }
    stats.connects.incrementAndGet();
    log.info(
        "agent {}: session with controller {} established",
        settings.deviceId(),
        endpoint().target());
  }

  @Override
  public void pushed(SessionStream s, Push push) {
    applier.offer(s, push);
  }

  @Override
  public void heartbeatDue(SessionStream s) {
    messages.sendHeartbeat(s);
  }

  @Override
  public void ended(SessionStream s, Status status) {
    Duration delay;
    int thisAttempt;
    String target;
    synchronized (lock) {
      if (current != s || stopped) {
        return;
      }
      current = null;
      target = endpoints.get(endpoint).target();
      // The next controller in turn: this one went away, or does not lead (it refused us).
      endpoint = (endpoint + 1) % endpoints.size();
      thisAttempt = attempt;
      // Bounded so the counter cannot overflow; Backoff caps long before.
      attempt = Math.min(attempt + 1, 1_000);
      delay = settings.backoff().delay(thisAttempt);
      stats.reconnectAttempts.incrementAndGet();
      reconnectTask = executors.schedule(this::connect, delay);
    }
    // Expected in a network's life: one line, no stack trace.
    String why =
        status.isOk()
            ? "controller closed the session"
            : status.getCode()
                + (status.getDescription() != null ? ": " + status.getDescription() : "");
    log.warn(
        "agent {}: session with controller {} ended ({}); redialling in {} ms (attempt {})",
        settings.deviceId(),
        target,
        why,
        delay.toMillis(),
        thisAttempt + 1);
  }
}
