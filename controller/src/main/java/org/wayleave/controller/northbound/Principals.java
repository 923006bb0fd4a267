package org.wayleave.controller.northbound;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;

/**
 * What an authenticated caller's role may call on the northbound port (right after {@link
 * Authenticate}):
 *
 * <ul>
 *   <li>{@code engineer}: everything;
 *   <li>{@code noc}: reads only (get, list, watch, history, telemetry); alarms are acknowledged
 *       over HTTP;
 *   <li>{@code supplier}: reads, and circuit create, update, delete, plan and apply, all within its
 *       {@link Scope}; no inventory writes, no rollback;
 *   <li>{@code agent} and {@code controller} certificates: nothing here.
 * </ul>
 *
 * A refusal is {@code PERMISSION_DENIED} naming the role and the method, whatever the request
 * names. The other interceptors of the chain each do one job too: {@link RateLimits}, {@link
 * SupplierScopes}, {@link WatchQuota}.
 */
public final class Principals implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Principals.class);
  private static final Set<String> SUPPLIER_WRITES =
      Set.of("CreateCircuit", "UpdateCircuit", "DeleteCircuit", "Plan", "Apply");

  /**
   * The principal of the current call, as the audit trail records it ({@code anonymous} outside a
   * call).
   */
  public static String current() {
    Caller c = Authenticate.caller();
    return c == null ? "anonymous" : c.principal();
  }

  /** Whether {@code method} (bare name) is a read: it changes nothing. */
  static boolean isRead(String method) {
    return method.startsWith("Get")
        || method.startsWith("List")
        || method.equals("Watch")
        || method.equals("History");
  }

  /** Why {@code role} may not call {@code method}, or null if it may. */
  static String refusal(Role role, String method) {
    return switch (role) {
      case ENGINEER -> null;
      case NOC ->
          isRead(method) ? null : "the noc role reads and acknowledges alarms; it changes nothing";
      case SUPPLIER ->
          isRead(method) || SUPPLIER_WRITES.contains(method)
              ? null
              : "the supplier role reads and writes its own circuits only";
      case AGENT, CONTROLLER -> "a " + role.label() + " certificate has no northbound rights";
    };
  }

  /** Ends {@code call} with {@code status}; the listener for a call that was never started. */
  static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller c = Authenticate.caller();
    if (c == null) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription("no caller: the port is not authenticating"));
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    String why = refusal(c.role(), call.getMethodDescriptor().getBareMethodName());
    if (why != null) {
      log.info("refused {} calling {}: {}", c.principal(), method, why);
      return refuse(
          call,
          Status.PERMISSION_DENIED.withDescription(
              c.principal() + " may not call " + method + ": " + why));
    }
    return next.startCall(call, headers);
  }
}
