package org.wayleave.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.controller.core.Kind;

/**
 * A whole controller on loopback: HTTP health and readiness, gRPC health and reflection, seeding.
 */
class ControllerTest {
  @TempDir Path dir;

  private static ControllerConfig config(Path dir, List<String> seeds) {
    return new ControllerConfig(dir, "127.0.0.1", 0, 0, seeds, Clock.systemUTC());
  }

  @Test
  void servesHealthReadinessReflectionAndTheSeed() throws Exception {
    try (Controller c = Controller.start(config(dir, List.of("london", "eastern")))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> healthz =
          http.send(get(c, "/healthz"), HttpResponse.BodyHandlers.ofString());
      assertThat(healthz.statusCode()).isEqualTo(200);
      HttpResponse<String> readyz =
          http.send(get(c, "/readyz"), HttpResponse.BodyHandlers.ofString());
      assertThat(readyz.statusCode()).isEqualTo(200);
      assertThat(readyz.body()).contains("\"status\":\"ready\"").contains("\"cache\":\"ok\"");

      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", c.grpcPort()).usePlaintext().build();
      try {
        HealthCheckResponse health =
            HealthGrpc.newBlockingStub(ch)
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(CircuitServiceGrpc.SERVICE_NAME)
                        .build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(reflectedServices(ch))
            .contains(CircuitServiceGrpc.SERVICE_NAME, InventoryServiceGrpc.SERVICE_NAME);
        assertThat(
                InventoryServiceGrpc.newBlockingStub(ch)
                    .listCouncils(ListRequest.newBuilder().setPageSize(1000).build())
                    .getCouncilsCount())
            .isEqualTo(33 + 5);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void restartResumesAndReseedingChangesNothing() throws Exception {
    long revision;
    try (Controller c = Controller.start(config(dir, List.of("london")))) {
      revision = c.store().revision();
      assertThat(revision).isPositive();
    }
    try (Controller c = Controller.start(config(dir, List.of("london")))) {
      assertThat(c.store().revision()).as("seeding again is a no-op").isEqualTo(revision);
      assertThat(c.state().cache().count(Kind.DEVICE)).isEqualTo(33);
    }
  }

  @Test
  void readinessFailsOnceTheStoreIsGone() throws Exception {
    try (Controller c = Controller.start(config(dir, List.of()))) {
      c.store().close();
      // The store is probed in the background: /readyz says so within a probe or two.
      HttpResponse<String> readyz =
          await()
              .atMost(java.time.Duration.ofSeconds(5))
              .until(
                  () ->
                      HttpClient.newHttpClient()
                          .send(get(c, "/readyz"), HttpResponse.BodyHandlers.ofString()),
                  r -> r.statusCode() == 503);
      assertThat(readyz.body()).contains("\"store\":\"failing: store is closed\"");
    }
  }

  private static HttpRequest get(Controller c, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + path))
        .GET()
        .build();
  }

  private static List<String> reflectedServices(ManagedChannel ch) throws Exception {
    CompletableFuture<List<String>> names = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> req =
        ServerReflectionGrpc.newStub(ch)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    names.complete(
                        r.getListServicesResponse().getServiceList().stream()
                            .map(s -> s.getName())
                            .toList());
                  }

                  @Override
                  public void onError(Throwable t) {
                    names.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> out = names.get(10, TimeUnit.SECONDS);
    req.onCompleted();
    return out;
  }
}
