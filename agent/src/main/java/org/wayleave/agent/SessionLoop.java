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

  /**
   * How long a redial of a failed channel waits for its new connection before it counts as failed:
   * 1 s, or a quarter of the establish timeout if shorter. A TCP connect and a TLS handshake take
   * tens of milliseconds when all is well, but can take seconds when thousands of agents come back
   * to a controller at once; a redial that gives up on a connection still under way finds it on its
   * next turn, a backoff later. Longer would hold an agent on a dead controller of several (whose
   * refusals also leave the channel in TRANSIENT_FAILURE) before it tries the next.
   */
  static Duration connectGrace(Duration establishTimeout) {
    Duration quarter = establishTimeout.dividedBy(4);
    return quarter.compareTo(MAX_CONNECT_GRACE) < 0 ? quarter : MAX_CONNECT_GRACE;
  }

  static final Duration MAX_CONNECT_GRACE = Duration.ofSeconds(1);

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
      dial(s, e, steered, System.nanoTime() + settings.establishTimeout().toNanos());
    } else {
      openStream(s, e);
    }
  }

  /**
   * Makes the channel try to connect now, and judges this attempt by what the channel does next.
   *
   * <p>A channel that failed before stays in TRANSIENT_FAILURE while the new connection that {@code
   * resetConnectBackoff} starts is under way (measured: still TRANSIENT_FAILURE right after the
   * call, READY 300 ms later), and grpc-java's pick-first stays there if that one fails too. Taking
   * the state read right after the call for this attempt's answer made every agent that lost its
   * controller fail each redial at once and get in only on a later redial that found the channel
   * READY, up to a 10 s backoff later: at 10,000 agents, some 2,000 such non-attempts a second
   * after a controller restart. So a redial waits {@link #connectGrace} for the channel to move
   * (READY opens the stream); still in TRANSIENT_FAILURE then, it has failed, and a connection
   * still under way goes on for a later redial to find.
   */
  private void dial(SessionStream s, Endpoint e, ManagedChannel steered, long deadlineNanos) {
    ConnectivityState before = steered.getState(false);
    if (before != ConnectivityState.TRANSIENT_FAILURE && before != ConnectivityState.IDLE) {
      awaitConnection(s, e, before, deadlineNanos); // READY, CONNECTING (an attempt) or SHUTDOWN
      return;
    }
    steered.notifyWhenStateChanged(
        before, () -> awaitConnection(s, e, steered.getState(false), deadlineNanos));
    timeOut(s);
    executors.schedule(
        () -> {
          if (!s.streamOpened()
              && !s.ended()
              && steered.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            cannotConnect(s, steered);
          }
        },
        connectGrace(settings.establishTimeout()));
    steered.resetConnectBackoff();
    steered.getState(true); // from IDLE: connect
  }

  /**
   * Opens the stream once the channel is READY; a failure or a slow connection is a failed attempt.
   * Called once this attempt has moved the channel.
   */
  private void awaitConnection(
      SessionStream s, Endpoint e, ConnectivityState state, long deadlineNanos) {
    if (s.ended()) {
      return;
    }
    ManagedChannel steered = e.steered();
    switch (state) {
      case READY -> openStream(s, e);
      case TRANSIENT_FAILURE -> cannotConnect(s, steered);
      case SHUTDOWN ->
          s.end(Status.UNAVAILABLE.withDescription("cannot connect to the controller"));
      default -> {
        if (System.nanoTime() > deadlineNanos) {
          s.end(noConnectionInTime());
          return;
        }
        steered.notifyWhenStateChanged(
            state, () -> awaitConnection(s, e, steered.getState(false), deadlineNanos));
        timeOut(s);
        if (state == ConnectivityState.IDLE) {
          // Parked (enterIdle takes effect asynchronously, so after this redial asked): connect.
          steered.getState(true);
        }
      }
    }
  }

  /**
   * Ends a failed attempt and parks the channel (IDLE) until the next redial: a failed channel
   * otherwise keeps reconnecting on its own schedule (1 s, then 1.6 times longer each time, barely
   * jittered), so after an outage every agent's channel came back within a second or two of the
   * others, whatever the agents' own backoff. Parked, the channel connects only when a redial asks,
   * and that redial sees the whole attempt, CONNECTING to READY or TRANSIENT_FAILURE.
   */
  private static void cannotConnect(SessionStream s, ManagedChannel steered) {
    s.end(Status.UNAVAILABLE.withDescription("cannot connect to the controller"));
    steered.enterIdle();
  }

  /** Ends the attempt if its stream is not open within the establish timeout. */
  private void timeOut(SessionStream s) {
    executors.schedule(
        () -> {
          if (!s.streamOpened() && !s.ended()) {
            s.end(noConnectionInTime());
          }
        },
        settings.establishTimeout());
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
