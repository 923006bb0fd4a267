package org.wayleave.controller.northbound;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Violation;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.StoreException;

/**
 * Maps domain failures to gRPC statuses with {@code google.rpc} details: BadRequest field
 * violations, PreconditionFailure, ResourceInfo, and always an ErrorInfo with a stable reason.
 */
public final class Statuses {
  public static final String DOMAIN = "wayleave.org";

  /**
   * Violations carried as details; a refused batch of thousands names the first ones and counts the
   * rest in the message.
   */
  static final int MAX_DETAILS = 20;

  private Statuses() {}

  public static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof ApiException e) {
      return fromApi(e);
    }
    if (t instanceof CompactedException e) {
      return build(Code.OUT_OF_RANGE, e.getMessage(), "Compacted");
    }
    if (t instanceof StoreException e) {
      return build(Code.UNAVAILABLE, "store unavailable: " + e.getMessage(), "StoreUnavailable");
    }
    if (t instanceof StatusRuntimeException e) {
      return e;
    }
    return build(Code.INTERNAL, "internal error: " + t, "Internal");
  }

  private static StatusRuntimeException build(Code code, String message, String reason) {
    Status st =
        Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(
                Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).build()))
            .build();
    return StatusProto.toStatusRuntimeException(st);
  }

  static StatusRuntimeException fromApi(ApiException e) {
    ErrorCode code = e.code();
    Status.Builder st =
        Status.newBuilder().setCode(grpcCode(code).getNumber()).setMessage(e.getMessage());
    Violation first = e.violations().get(0);
    st.addDetails(
        Any.pack(
            ErrorInfo.newBuilder()
                .setDomain(DOMAIN)
                .setReason(code.reason())
                .putMetadata("field", first.field())
                .build()));
    BadRequest.Builder bad = BadRequest.newBuilder();
    PreconditionFailure.Builder pre = PreconditionFailure.newBuilder();
    // Details travel in a response header (8 KiB by default in clients): the first few only.
    for (Violation v : e.violations().subList(0, Math.min(MAX_DETAILS, e.violations().size()))) {
      switch (v.code()) {
        case INVALID_ARGUMENT, OUT_OF_RANGE, PERMISSION_DENIED ->
            bad.addFieldViolations(
                BadRequest.FieldViolation.newBuilder()
                    .setField(v.field())
                    .setDescription(v.description()));
        case FAILED_PRECONDITION ->
            pre.addViolations(
                PreconditionFailure.Violation.newBuilder()
                    .setType(DOMAIN + "/" + v.code().reason())
                    .setSubject(v.field())
                    .setDescription(v.description()));
        case NOT_FOUND, ALREADY_EXISTS ->
            st.addDetails(
                Any.pack(
                    ResourceInfo.newBuilder()
                        .setResourceName(v.field())
                        .setDescription(v.description())
                        .build()));
      }
    }
    if (bad.getFieldViolationsCount() > 0) {
      st.addDetails(Any.pack(bad.build()));
    }
    if (pre.getViolationsCount() > 0) {
      st.addDetails(Any.pack(pre.build()));
    }
    return StatusProto.toStatusRuntimeException(st.build());
  }

  static Code grpcCode(ErrorCode code) {
    return switch (code) {
      case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Code.NOT_FOUND;
      case ALREADY_EXISTS -> Code.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
      case OUT_OF_RANGE -> Code.OUT_OF_RANGE;
      case PERMISSION_DENIED -> Code.PERMISSION_DENIED;
    };
  }
}
