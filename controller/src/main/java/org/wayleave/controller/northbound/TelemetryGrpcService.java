package org.wayleave.controller.northbound;

import io.grpc.stub.StreamObserver;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.GetLinkStateResponse;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.GetRateHistoryResponse;
import org.wayleave.api.v1.TelemetryServiceGrpc;

/** {@code TelemetryService}: link state and rate history by circuit, council or device. */
final class TelemetryGrpcService extends TelemetryServiceGrpc.TelemetryServiceImplBase {
  private final TelemetryQueries queries;

  TelemetryGrpcService(TelemetryQueries queries) {
    this.queries = queries;
  }

  @Override
  public void getLinkState(GetLinkStateRequest req, StreamObserver<GetLinkStateResponse> out) {
    Calls.unary(out, () -> queries.linkState(req));
  }

  @Override
  public void getRateHistory(
      GetRateHistoryRequest req, StreamObserver<GetRateHistoryResponse> out) {
    Calls.unary(out, () -> queries.rateHistory(req));
  }
}
