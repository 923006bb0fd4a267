package org.wayleave.controller.northbound;

import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.DeleteResponse;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;

/** Create, get, update, delete and list, once for every kind. */
final class ResourceCalls {
  private final DesiredStateService state;

  ResourceCalls(DesiredStateService state) {
    this.state = state;
  }

  <T extends Message> void create(Kind<T> kind, T obj, StreamObserver<T> out) {
    write(Op.Mode.CREATE, kind, obj, out);
  }

  <T extends Message> void update(Kind<T> kind, T obj, StreamObserver<T> out) {
    write(Op.Mode.UPDATE, kind, obj, out);
  }

  private <T extends Message> void write(Op.Mode mode, Kind<T> kind, T obj, StreamObserver<T> out) {
    Calls.unary(
        out,
        () -> {
          String id = kind.idOf(obj);
          List<Op> ops = List.of(Op.write(mode, kind, obj, ""));
          Scope scope = Scope.current();
          scope.checkWrites(ops);
          state.apply(ops, Principals.current(), verb(mode) + " " + kind.name() + " " + id, scope);
          return state.get(kind, id);
        });
  }

  <T extends Message> void get(Kind<T> kind, GetRequest req, StreamObserver<T> out) {
    Calls.unary(
        out,
        () -> {
          T obj = state.get(kind, req.getId());
          if (!Scope.current().sees(obj)) {
            throw DesiredStateService.notFound(kind, req.getId());
          }
          return obj;
        });
  }

  void delete(Kind<?> kind, DeleteRequest req, StreamObserver<DeleteResponse> out) {
    Calls.unary(
        out,
        () -> {
          if (req.getId().isEmpty()) {
            throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "id", "is required");
          }
          List<Op> ops = List.of(Op.delete(kind, req.getId(), req.getExpectedRevision(), ""));
          Scope scope = Scope.current();
          scope.checkWrites(ops);
          var applied =
              state.apply(
                  ops, Principals.current(), "delete " + kind.name() + " " + req.getId(), scope);
          return DeleteResponse.newBuilder().setRevision(applied.revision()).build();
        });
  }

  <T extends Message, R> void list(
      Kind<T> kind,
      int pageSize,
      String pageToken,
      Predicate<T> filter,
      Function<DesiredStateService.Page<T>, R> response,
      StreamObserver<R> out) {
    Calls.unary(
        out,
        () ->
            response.apply(
                state.list(kind, pageSize, pageToken, filter.and(Scope.current().filter()))));
  }

  private static String verb(Op.Mode mode) {
    return switch (mode) {
      case CREATE -> "create";
      case UPDATE -> "update";
      case UPSERT -> "apply";
      case DELETE -> "delete";
    };
  }
}
