package org.wayleave.controller.southbound;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.Hello;
import org.wayleave.base.pki.Identity;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;

/**
 * {@code AgentService.Connect}: one bidirectional stream per agent. The first message must be a
 * Hello naming the device; everything after it is handed to {@link AgentSessions}, which only wakes
 * the device's reconcile.
 */
public final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentGrpcService.class);

  private final AgentSessions sessions;
  private final BooleanSupplier leading;
  private final boolean identified;

  /** Any agent may speak for any device: for in-process tests and {@code --insecure}. */
  public AgentGrpcService(AgentSessions sessions) {
    this(sessions, false, () -> true);
  }

  /**
   * @param leading whether this controller leads now: only then does it take agents' sessions
   * @param identified whether callers are identified by certificate (behind {@link Authenticate} on
   *     a TLS port): an agent may then say Hello only for the device its certificate names
   */
  public AgentGrpcService(AgentSessions sessions, boolean identified, BooleanSupplier leading) {
    this.sessions = sessions;
    this.identified = identified;
    this.leading = leading;
  }

  /** Why {@code caller} may not speak for {@code device}, or null if it may. */
  static String refusal(Caller caller, String device) {
    if (caller == null) {
      return "the caller is not identified";
    }
    if (caller.role() != Identity.Role.AGENT) {
      return caller.principal() + " is not an agent certificate";
    }
    if (!caller.name().equals(device)) {
      return "this certificate speaks for device '" + caller.name() + "', not '" + device + "'";
    }
    return null;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ControllerMessage> out) {
    // Called in the call's context: the certificate's identity.
    return new Stream(Authenticate.caller(), out);
  }

  /** One agent's stream: a Hello first, then reports, drifts and heartbeats, each checked. */
  private final class Stream implements StreamObserver<AgentMessage> {
    private final Caller caller;
    private final StreamObserver<ControllerMessage> out;
    private AgentSession session;
    private boolean refused;

    Stream(Caller caller, StreamObserver<ControllerMessage> out) {
      this.caller = caller;
      this.out = out;
    }

    @Override
    public void onNext(AgentMessage m) {
      if (refused) {
        return; // the stream is ending: nothing more it says is believed
      }
      if (m.hasHello()) {
        hello(m.getHello());
        return;
      }
      if (session == null) {
        refuse(Status.FAILED_PRECONDITION.withDescription(m.getMsgCase() + ": send Hello first"));
        return;
      }
      // Checked before anything is believed: a broken message ends the stream and is not used.
      String broken =
          switch (m.getMsgCase()) {
            case REPORT -> AgentProtocol.report(m.getReport(), session);
            case DRIFT -> AgentProtocol.drift(m.getDrift(), session);
            default -> null;
          };
      if (broken != null) {
        refuse(Status.INVALID_ARGUMENT.withDescription(broken));
        return;
      }
      switch (m.getMsgCase()) {
        case REPORT -> sessions.report(session, m.getReport());
        case DRIFT -> sessions.drift(session, m.getDrift());
        case HEARTBEAT -> sessions.heartbeat(session);
        default -> log.debug("ignoring empty agent message from {}", session.deviceId());
      }
    }

    private void hello(Hello h) {
      if (session != null) {
        refuse(
            Status.FAILED_PRECONDITION.withDescription("Hello: a session sends one Hello, first"));
        return;
      }
      if (h.getDeviceId().isEmpty()) {
        refuse(Status.INVALID_ARGUMENT.withDescription("hello.device_id: is required"));
        return;
      }
      String why = identified ? refusal(caller, h.getDeviceId()) : null;
      if (why != null) {
        refuse(Status.PERMISSION_DENIED.withDescription("hello.device_id: " + why));
        return;
      }
      if (!leading.getAsBoolean()) {
        // Only the leader pushes: an agent here would wait for nothing. UNAVAILABLE sends it on to
        // the next controller of its list.
        refuse(
            Status.UNAVAILABLE.withDescription(
                "hello: this controller does not lead now; dial another controller"));
        return;
      }
      String broken = AgentProtocol.hello(h);
      if (broken != null) {
        refuse(Status.INVALID_ARGUMENT.withDescription(broken));
        return;
      }
      session = sessions.hello(h, out);
    }

    private void refuse(Status status) {
      refused = true;
      log.warn(
          "refusing agent stream{}: {}",
          session == null ? "" : " of " + session.deviceId(),
          status.getDescription());
      if (session != null) {
        sessions.disconnected(session);
      }
      out.onError(status.asRuntimeException());
    }

    @Override
    public void onError(Throwable t) {
      if (session != null) {
        sessions.disconnected(session);
      }
    }

    @Override
    public void onCompleted() {
      if (session != null) {
        sessions.disconnected(session);
        session.close(Status.OK);
      } else {
        out.onCompleted();
      }
    }
  }
}
