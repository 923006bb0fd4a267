package org.wayleave.agent;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Heartbeat;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.Ping;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.Report;

/** A controller's southbound side that records what agents send and pushes on command. */
final class FakeController extends AgentServiceGrpc.AgentServiceImplBase {
  final List<Stream> streams = new CopyOnWriteArrayList<>();

  /** Acknowledge each Hello with a Ping, as the real controller does. */
  volatile boolean ackHellos = true;

  /** When set, each Hello is refused with it, as a controller that does not lead refuses. */
  volatile Status refuseHellos;

  private final AtomicLong nonces = new AtomicLong();

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ControllerMessage> out) {
    Stream s = new Stream(out);
    streams.add(s);
    return s;
  }

  Stream latest() {
    return streams.get(streams.size() - 1);
  }

  /** Streams that got a Hello (those the agent cancelled before its Hello are left out). */
  List<Stream> greeted() {
    return streams.stream().filter(s -> !s.hellos().isEmpty()).toList();
  }

  final class Stream implements StreamObserver<AgentMessage> {
    final List<AgentMessage> received = new CopyOnWriteArrayList<>();
    volatile boolean agentHalfClosed;
    volatile Status agentError;
    private final StreamObserver<ControllerMessage> out;
    private boolean closed; // guarded by this

    Stream(StreamObserver<ControllerMessage> out) {
      this.out = out;
    }

    @Override
    public void onNext(AgentMessage m) {
      received.add(m);
      Status refusal = refuseHellos;
      if (m.hasHello() && refusal != null) {
        synchronized (this) {
          closed = true;
        }
        out.onError(refusal.asRuntimeException());
        return;
      }
      if (m.hasHello() && ackHellos) {
        send(
            ControllerMessage.newBuilder()
                .setPing(Ping.newBuilder().setNonce(nonces.incrementAndGet()))
                .build());
      }
    }

    @Override
    public void onError(Throwable t) {
      agentError = Status.fromThrowable(t);
      synchronized (this) {
        closed = true;
      }
    }

    @Override
    public void onCompleted() {
      agentHalfClosed = true;
      close();
    }

    boolean ended() {
      return agentHalfClosed || agentError != null;
    }

    synchronized void send(ControllerMessage m) {
      if (!closed) {
        out.onNext(m);
      }
    }

    void push(long generation, DeviceConfig desired) {
      push(generation, desired, false);
    }

    void push(long generation, DeviceConfig desired, boolean keepUnowned) {
      pushInTerm(generation, 0, desired, keepUnowned);
    }

    /** A push from the leader of {@code term}. */
    void pushInTerm(long generation, long term, DeviceConfig desired, boolean keepUnowned) {
      send(
          ControllerMessage.newBuilder()
              .setPush(
                  Push.newBuilder()
                      .setGeneration(generation)
                      .setTerm(term)
                      .setDesired(desired)
                      .setKeepUnownedVlans(keepUnowned))
              .build());
    }

    /** Ends the stream normally from the controller's side. */
    synchronized void close() {
      if (!closed) {
        closed = true;
        out.onCompleted();
      }
    }

    /** Ends the stream with an error from the controller's side. */
    synchronized void fail(Status status) {
      if (!closed) {
        closed = true;
        out.onError(status.asRuntimeException());
      }
    }

    List<Hello> hellos() {
      return received.stream().filter(AgentMessage::hasHello).map(AgentMessage::getHello).toList();
    }

    List<Report> reports() {
      return received.stream()
          .filter(AgentMessage::hasReport)
          .map(AgentMessage::getReport)
          .toList();
    }

    List<Drift> drifts() {
      return received.stream().filter(AgentMessage::hasDrift).map(AgentMessage::getDrift).toList();
    }

    List<Heartbeat> heartbeats() {
      return received.stream()
          .filter(AgentMessage::hasHeartbeat)
          .map(AgentMessage::getHeartbeat)
          .toList();
    }
  }
}
