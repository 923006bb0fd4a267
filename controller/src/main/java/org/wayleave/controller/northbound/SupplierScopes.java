package org.wayleave.controller.northbound;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Set;
import org.wayleave.api.v1.Supplier;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;

/**
 * Puts the caller's {@link Scope} in the call's context: a supplier's councils (the policy's list
 * for it, else its Supplier record's), everything for anyone else.
 */
final class SupplierScopes implements ServerInterceptor {
  private final AccessPolicy policy;
  private final ResourceCache cache;

  SupplierScopes(AccessPolicy policy, ResourceCache cache) {
    this.policy = policy;
    this.cache = cache;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller c = Authenticate.caller();
    Scope scope =
        c != null && c.role() == Role.SUPPLIER
            ? Scope.supplier(c.name(), councils(c.name()), cache)
            : Scope.all();
    return Contexts.interceptCall(
        Context.current().withValue(Scope.KEY, scope), call, headers, next);
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
}
