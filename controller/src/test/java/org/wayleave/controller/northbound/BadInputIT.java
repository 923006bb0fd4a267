package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wayleave.controller.northbound.InProcessController.camden;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.api.v1.Resource;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;

/**
 * Bad input over the real northbound port (Netty, loopback), as the controller builds it: an
 * oversize request is RESOURCE_EXHAUSTED, raw malformed bytes are INVALID_ARGUMENT on every RPC, a
 * 5,000-circuit batch still fits, and after each the store is unchanged and the server answers.
 */
class BadInputIT {
  @TempDir static Path dir;
  static Controller controller;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    controller =
        Controller.start(
            new ControllerConfig(dir, "127.0.0.1", 0, 0, List.of("london"), Clock.systemUTC()));
    // A client with grpc-java's default limits (8 KiB of metadata): a refused batch of thousands
    // must still reach it as its real status, not as a header-size failure.
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    controller.close();
  }

  @Test
  void oversizeRequestsAreResourceExhausted() {
    byte[] big =
        Council.newBuilder()
            .setId("big")
            .setName("x".repeat(NorthboundServer.MAX_INBOUND_MESSAGE_BYTES + 1024))
            .build()
            .toByteArray();
    for (MethodDescriptor<?, ?> md :
        List.of(
            InventoryServiceGrpc.getCreateCouncilMethod(),
            CircuitServiceGrpc.getApplyMethod(),
            CircuitServiceGrpc.getPlanMethod())) {
      long before = controller.store().revision();
      StatusRuntimeException e = RawCalls.call(channel, md, big);
      assertThat(e).as(md.getFullMethodName()).isNotNull();
      assertThat(e.getStatus().getCode())
          .as(e.getStatus().toString())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      stillServing(before);
    }
  }

  @Test
  void aFiveThousandCircuitBatchFits() {
    ApplyRequest.Builder req = ApplyRequest.newBuilder();
    for (int i = 1; i <= 5000; i++) {
      var c = camden(String.format("LPSN-CAM-%05d", i));
      c.getSpecBuilder().setDescription("d".repeat(1024));
      req.addResources(Resource.newBuilder().setCircuit(c));
    }
    int size = req.build().getSerializedSize();
    System.out.printf(
        "5,000-circuit ApplyRequest with 1,024-character descriptions: %d bytes (limit %d)%n",
        size, NorthboundServer.MAX_INBOUND_MESSAGE_BYTES);
    assertThat(size).isLessThan(NorthboundServer.MAX_INBOUND_MESSAGE_BYTES);
    long before = controller.store().revision();
    // Plan only: it validates and allocates without writing. 5,000 circuits on one port cannot all
    // get a VLAN, so a refusal is fine; what matters is that the request was read, not rejected for
    // size.
    StatusRuntimeException e =
        RawCalls.call(channel, CircuitServiceGrpc.getPlanMethod(), req.build().toByteArray());
    if (e != null) {
      assertThat(e.getStatus().getCode())
          .as(e.getStatus().toString())
          .isNotIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL, Status.Code.UNKNOWN);
    }
    stillServing(before);
  }

  @Test
  void malformedBytesOverNettyAreInvalidArgumentOnEveryRpc() {
    for (MethodDescriptor<?, ?> md : RawCalls.northboundMethods()) {
      int sent = 0;
      for (byte[] b : RawCalls.MALFORMED) {
        if (!RawCalls.unparseable(md, b)) {
          continue;
        }
        long before = controller.store().revision();
        StatusRuntimeException e = RawCalls.call(channel, md, b);
        assertThat(e).as(md.getFullMethodName()).isNotNull();
        assertThat(e.getStatus().getCode())
            .as(e.getStatus().toString())
            .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains(RawCalls.requestType(md));
        stillServing(before);
        sent++;
      }
      assertThat(sent).as(md.getFullMethodName()).isPositive();
    }
  }

  private static void stillServing(long revisionBefore) {
    assertThat(controller.store().revision())
        .as("store revision must not move")
        .isEqualTo(revisionBefore);
    assertThat(
            InventoryServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .listCouncils(ListRequest.getDefaultInstance())
                .getCouncilsCount())
        .isPositive();
  }
}
