package org.wayleave.controller.southbound;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ControllerMessage;

/**
 * {@code AgentService.Connect}: one bidirectional stream per agent. The first message must be a
 * Hello naming the device; everything after it is handed to {@link DeviceSync}, which only wakes
 * the device's reconcile.
 */
public final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentGrpcService.class);

  private final DeviceSync sync;

  public AgentGrpcService(DeviceSync sync) {
    this.sync = sync;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<ControllerMessage> out) {
    return new StreamObserver<>() {
      private AgentSession session;

      @Override
      public void onNext(AgentMessage m) {
        if (m.hasHello()) {
          if (session != null) {
            refuse(Status.FAILED_PRECONDITION.withDescription("Hello: a session sends one Hello, first"));
            return;
          }
          if (m.getHello().getDeviceId().isEmpty()) {
            refuse(Status.INVALID_ARGUMENT.withDescription("hello.device_id: is required"));
            return;
          }
          session = sync.hello(m.getHello(), out);
          return;
        }
        if (session == null) {
          refuse(Status.FAILED_PRECONDITION.withDescription(m.getMsgCase() + ": send Hello first"));
          return;
        }
        switch (m.getMsgCase()) {
          case REPORT -> sync.report(session, m.getReport());
          case DRIFT -> sync.drift(session, m.getDrift().getActual());
          case HEARTBEAT -> sync.heartbeat(session);
          default -> log.debug("ignoring empty agent message from {}", session.deviceId());
        }
      }

      private void refuse(Status status) {
        log.warn("refusing agent stream: {}", status.getDescription());
        if (session != null) {
          sync.disconnected(session);
        }
        out.onError(status.asRuntimeException());
      }

      @Override
      public void onError(Throwable t) {
        if (session != null) {
          sync.disconnected(session);
        }
      }

      @Override
      public void onCompleted() {
        if (session != null) {
          sync.disconnected(session);
          session.close(Status.OK);
        } else {
          out.onCompleted();
        }
      }
    };
  }
}
