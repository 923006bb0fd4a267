package org.wayleave.agent;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Push;

/**
 * One {@code AgentService.Connect} stream of an {@link AgentClient}: sends the agent's messages,
 * hands the controller's to its {@link Listener}, keeps the heartbeat timer, and ends once, from
 * either side.
 */
final class SessionStream implements ClientResponseObserver<AgentMessage, ControllerMessage> {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  /** What a session tells the loop that runs it. */
  interface Listener {
    /** The controller answered the session's Hello: its first message on the stream. */
    void established(SessionStream s);

    /** The controller pushed a configuration. */
    void pushed(SessionStream s, Push push);

    /** A heartbeat is due. */
    void heartbeatDue(SessionStream s);

    /** The stream ended on the controller's side, failed, or was cancelled by us: redial. */
    void ended(SessionStream s, Status status);
  }

  private final AgentSettings settings;
  private final AgentExecutors executors;
  private final Listener listener;

  private final AtomicBoolean ended = new AtomicBoolean();
  private boolean streamOpened; // guarded by this
  private volatile boolean helloSent;
  private volatile boolean acknowledged;
  private ClientCallStreamObserver<AgentMessage> requests; // guarded by this
  private ScheduledFuture<?> heartbeats; // guarded by this

  SessionStream(AgentSettings settings, AgentExecutors executors, Listener listener) {
    this.settings = settings;
    this.executors = executors;
    this.listener = listener;
  }

  @Override
  public synchronized void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
    this.requests = requestStream;
  }

  @Override
  public void onNext(ControllerMessage m) {
    if (ended.get()) {
      return;
    }
    if (!acknowledged) {
      acknowledged = true;
      listener.established(this);
    }
    switch (m.getMsgCase()) {
      case PUSH -> listener.pushed(this, m.getPush());
      case PING -> log.debug("agent {}: ping {}", settings.deviceId(), m.getPing().getNonce());
      default -> log.debug("agent {}: ignoring unknown controller message", settings.deviceId());
    }
  }

  @Override
  public void onError(Throwable t) {
    end(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    end(Status.OK);
  }

  boolean ended() {
    return ended.get();
  }

  /** Whether the controller has answered: it has sent its first message. */
  boolean acknowledged() {
    return acknowledged;
  }

  boolean helloSent() {
    return helloSent;
  }

  void markHelloSent() {
    helloSent = true;
  }

  synchronized boolean streamOpened() {
    return streamOpened;
  }

  /** Claims the opening of the stream: false if it was already opened, or the session ended. */
  synchronized boolean markStreamOpened() {
    if (streamOpened || ended.get()) {
      return false;
    }
    streamOpened = true;
    return true;
  }

  synchronized void startHeartbeats() {
    if (!ended.get()) {
      heartbeats =
          executors.scheduleAtFixedRate(() -> listener.heartbeatDue(this), settings.heartbeat());
    }
  }

  /** Sends one message; false if the session has ended or the send failed. */
  synchronized boolean send(AgentMessage m) {
    if (ended.get()) {
      return false;
    }
    try {
      requests.onNext(m);
      return true;
    } catch (RuntimeException e) {
      log.debug("agent {}: send failed: {}", settings.deviceId(), e.toString());
      return false;
    }
  }

  /** The stream ended on the controller's side (or failed): redial. */
  void end(Status status) {
    if (ended.compareAndSet(false, true)) {
      stopHeartbeats();
      listener.ended(this, status);
    }
  }

  /** Ends the session from our side because we cannot serve it, then redial. */
  void cancel(String why) {
    if (ended.compareAndSet(false, true)) {
      stopHeartbeats();
      synchronized (this) {
        if (requests != null) {
          requests.cancel(why, null);
        }
      }
      listener.ended(this, Status.CANCELLED.withDescription(why));
    }
  }

  /** Ends the session from our side for good: half-close, then cancel so nothing lingers. */
  void close() {
    if (ended.compareAndSet(false, true)) {
      stopHeartbeats();
      synchronized (this) {
        if (requests != null) {
          try {
            requests.onCompleted();
          } catch (RuntimeException e) {
            log.debug("agent {}: half-close failed: {}", settings.deviceId(), e.toString());
          }
          try {
            requests.cancel("agent stopping", null);
          } catch (RuntimeException e) {
            // grpc-java's in-process transport can throw here when the server has not yet seen
            // the stream (a start at once followed by a stop); stopping must still succeed.
            log.debug("agent {}: cancel failed: {}", settings.deviceId(), e.toString());
          }
        }
      }
    }
  }

  /** Cancels a call that started after the session was already closed. */
  synchronized void cancelIfEnded() {
    if (ended.get() && requests != null) {
      requests.cancel("agent stopping", null);
    }
  }

  private synchronized void stopHeartbeats() {
    if (heartbeats != null) {
      heartbeats.cancel(false);
    }
  }
}
