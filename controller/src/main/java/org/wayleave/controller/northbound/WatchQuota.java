package org.wayleave.controller.northbound;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.wayleave.controller.security.Authenticate;
import org.wayleave.controller.security.Caller;

/**
 * At most {@code max} open {@code Watch} streams per principal: one more is refused {@code
 * RESOURCE_EXHAUSTED}, and a stream frees its place when it completes or is cancelled.
 */
final class WatchQuota implements ServerInterceptor {
  private final int max;
  private final ConcurrentHashMap<String, AtomicInteger> watches = new ConcurrentHashMap<>();

  WatchQuota(int max) {
    this.max = max;
  }

  /** Open Watch streams of {@code principal} (for tests and metrics). */
  int openWatches(String principal) {
    AtomicInteger n = watches.get(principal);
    return n == null ? 0 : n.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Caller c = Authenticate.caller();
    if (c == null || !call.getMethodDescriptor().getBareMethodName().equals("Watch")) {
      return next.startCall(call, headers);
    }
    AtomicInteger open = watches.computeIfAbsent(c.principal(), k -> new AtomicInteger());
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return Principals.refuse(
          call,
          Status.RESOURCE_EXHAUSTED.withDescription(
              c.principal()
                  + " already has "
                  + max
                  + " Watch streams open (the most one principal may hold)"));
    }
    ServerCall.Listener<Q> delegate;
    try {
      delegate = next.startCall(call, headers);
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
}
