package org.wayleave.controller.northbound;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Supplier;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;
import org.wayleave.controller.security.RateLimiter;

/**
 * What an authenticated caller may call on the northbound port (after {@link Authenticate}):
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
 * A role refusal is {@code PERMISSION_DENIED} naming the role and the method, whatever the request
 * names. Each principal's calls are rate-limited by role ({@code RESOURCE_EXHAUSTED} beyond it),
 * and its open {@code Watch} streams are bounded.
 */
public final class Principals implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Principals.class);
  private static final Set<String> SUPPLIER_WRITES =
      Set.of("CreateCircuit", "UpdateCircuit", "DeleteCircuit", "Plan", "Apply");

  private final AccessPolicy policy;
  private final ResourceCache cache;
  private final RateLimiter limiter;
  private final ConcurrentHashMap<String, AtomicInteger> watches = new ConcurrentHashMap<>();

  public Principals(AccessPolicy policy, ResourceCache cache) {
    this.policy = policy;
    this.cache = cache;
    this.limiter = new RateLimiter(c -> policy.rateLimit(c.role()));
  }

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

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller c = Authenticate.caller();
    if (c == null) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("no caller: the port is not authenticating"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String method = call.getMethodDescriptor().getBareMethodName();
    String why = refusal(c.role(), method);
    if (why != null) {
      log.info(
          "refused {} calling {}: {}",
          c.principal(),
          call.getMethodDescriptor().getFullMethodName(),
          why);
      call.close(
          Status.PERMISSION_DENIED.withDescription(
              c.principal()
                  + " may not call "
                  + call.getMethodDescriptor().getFullMethodName()
                  + ": "
                  + why),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    long waitMs = limiter.acquire(c);
    if (waitMs > 0) {
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              c.principal()
                  + " is over its rate limit of "
                  + policy.rateLimit(c.role())
                  + " calls a second; retry in "
                  + waitMs
                  + " ms"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Scope scope =
        c.role() == Role.SUPPLIER
            ? Scope.supplier(c.name(), councils(c.name()), cache)
            : Scope.all();
    Context ctx = Context.current().withValue(Scope.KEY, scope);
    if (!method.equals("Watch")) {
      return Contexts.interceptCall(ctx, call, headers, next);
    }
    AtomicInteger open = watches.computeIfAbsent(c.principal(), k -> new AtomicInteger());
    if (open.incrementAndGet() > policy.maxWatchesPerPrincipal()) {
      open.decrementAndGet();
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              c.principal()
                  + " already has "
                  + policy.maxWatchesPerPrincipal()
                  + " Watch streams open (the most one principal may hold)"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<Q> delegate;
    try {
      delegate = Contexts.interceptCall(ctx, call, headers, next);
    } catch (RuntimeException e) {
      open.decrementAndGet();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean released;

      private void release() {
        if (!released) {
          released = true;
          open.decrementAndGet();
        }
      }

      @Override
      public void onComplete() {
        release();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        release();
        super.onCancel();
      }
    };
  }

  /** The councils a supplier may act for: the policy's list, else its Supplier record's. */
  private Set<String> councils(String supplier) {
    return policy
        .supplierCouncils(supplier)
        .orElseGet(
            () -> {
              Supplier s = cache.get(Kind.SUPPLIER, supplier);
              return s == null ? Set.of() : Set.copyOf(s.getCouncilsList());
            });
  }

  /** Open Watch streams of {@code principal} (for tests and metrics). */
  int openWatches(String principal) {
    AtomicInteger n = watches.get(principal);
    return n == null ? 0 : n.get();
  }
}
