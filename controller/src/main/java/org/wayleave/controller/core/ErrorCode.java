package org.wayleave.controller.core;

/** Why a request was refused; each maps to one gRPC status code. */
public enum ErrorCode {
  /** A field breaks a rule on its own (range, format, required). */
  INVALID_ARGUMENT("InvalidArgument"),
  /** The object, or one it refers to, does not exist. */
  NOT_FOUND("NotFound"),
  /** Create of an id that is taken. */
  ALREADY_EXISTS("AlreadyExists"),
  /** The request conflicts with the current state (stale revision, VLAN in use, full port). */
  FAILED_PRECONDITION("FailedPrecondition"),
  /** A watch from a revision that is no longer kept. */
  OUT_OF_RANGE("OutOfRange"),
  /** The caller's role or tenancy does not allow it (the same answer whatever exists). */
  PERMISSION_DENIED("PermissionDenied");

  private final String reason;

  ErrorCode(String reason) {
    this.reason = reason;
  }

  /** Stable CamelCase reason for google.rpc.ErrorInfo. */
  public String reason() {
    return reason;
  }
}
