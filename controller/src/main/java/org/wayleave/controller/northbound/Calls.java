package org.wayleave.controller.northbound;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.core.ApiException;

/** Runs a unary call body and answers with its result or its mapped failure. */
final class Calls {
  private static final Logger log = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  static <T> void unary(StreamObserver<T> out, Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (ApiException e) {
      log.debug("refused: {}", e.getMessage());
      out.onError(Statuses.toStatus(Scope.current().redact(e)));
      return;
    } catch (RuntimeException e) {
      log.warn("call failed", e);
      out.onError(Statuses.toStatus(e));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }
}
