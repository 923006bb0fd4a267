package org.wayleave.controller.northbound;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;
import org.wayleave.controller.security.RateLimiter;

/**
 * Each principal's calls, limited by its role's rate in the policy: beyond it a call is refused
 * {@code RESOURCE_EXHAUSTED} saying when to retry, and other principals are unaffected.
 */
final class RateLimits implements ServerInterceptor {
  private final AccessPolicy policy;
  private final RateLimiter limiter;

  RateLimits(AccessPolicy policy) {
    this.policy = policy;
    this.limiter = new RateLimiter(c -> policy.rateLimit(c.role()));
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller c = Authenticate.caller();
    long waitMs = c == null ? 0 : limiter.acquire(c);
    if (waitMs > 0) {
      return Principals.refuse(
          call,
          Status.RESOURCE_EXHAUSTED.withDescription(
              c.principal()
                  + " is over its rate limit of "
                  + policy.rateLimit(c.role())
                  + " calls a second; retry in "
                  + waitMs
                  + " ms"));
    }
    return next.startCall(call, headers);
  }
}
