package org.wayleave.bench;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceChange;

/**
 * The core benchmark's gRPC client of the controller under test: one Netty channel to 127.0.0.1
 * (mutual TLS as an engineer, or plaintext), the circuit service's blocking stub with a deadline on
 * each call, batches of new circuits for Apply, and the check that an Apply created every circuit
 * it carried.
 */
final class CoreClient implements AutoCloseable {
  private static final long RPC_DEADLINE_SECONDS = 120;

  private final ManagedChannel channel;
  private final CircuitServiceGrpc.CircuitServiceBlockingStub circuits;

  private CoreClient(ManagedChannel channel) {
    this.channel = channel;
    this.circuits = CircuitServiceGrpc.newBlockingStub(channel);
  }

  /** A plaintext client of the controller's northbound gRPC on {@code port}; see below. */
  static CoreClient connect(int port, String councilId) throws InterruptedException {
    return connect(port, councilId, InsecureChannelCredentials.create());
  }

  /**
   * A client of the controller's northbound gRPC on {@code port} with {@code credentials} (an
   * engineer's certificate for mutual TLS, or plaintext), connected (by a GetCouncil of {@code
   * councilId}) so that nothing timed later pays for the connection or its handshake.
   */
  static CoreClient connect(int port, String councilId, ChannelCredentials credentials)
      throws InterruptedException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port, credentials)
            .maxInboundMessageSize(256 << 20)
            .build();
    CoreClient client = new CoreClient(channel);
    try {
      InventoryServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS)
          .getCouncil(GetRequest.newBuilder().setId(councilId).build());
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** The circuit service's stub, with the deadline for one call starting now. */
  CircuitServiceGrpc.CircuitServiceBlockingStub circuits() {
    return circuits.withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** An Apply of {@code n} new circuits from {@code workload}, numbered from {@code first}. */
  static ApplyRequest batch(Workload workload, String prefix, int first, int n) {
    ApplyRequest.Builder req = ApplyRequest.newBuilder();
    for (int i = 0; i < n; i++) {
      req.addResources(Resource.newBuilder().setCircuit(workload.next(prefix, first + i)));
    }
    return req.build();
  }

  /** Applies {@code request}, which must create all its {@code expected} circuits. */
  void applyAllNew(ApplyRequest request, int expected) {
    checkAllCreated(circuits().apply(request), expected);
  }

  /** Fails unless {@code resp} created {@code expected} circuits, each with a VLAN allocated. */
  static void checkAllCreated(ApplyResponse resp, int expected) {
    if (resp.getChangesCount() != expected) {
      throw new IllegalStateException(
          "Apply of " + expected + " circuits reported " + resp.getChangesCount() + " changes");
    }
    for (ResourceChange c : resp.getChangesList()) {
      if (c.getAction() != ChangeAction.CHANGE_ACTION_CREATE) {
        throw new IllegalStateException(
            "Apply reported "
                + c.getAction()
                + " for "
                + c.getRef().getId()
                + "; every circuit should be new");
      }
    }
    if (resp.getAllocationsCount() != expected) {
      throw new IllegalStateException(
          "Apply of " + expected + " circuits allocated " + resp.getAllocationsCount() + " VLANs");
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
