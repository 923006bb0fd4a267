package org.wayleave.controller.northbound;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives every unary call that arrived without a deadline a server-side one, so a client that never
 * sets one cannot hold a server thread and a call slot forever. When it expires the call's context
 * is cancelled (code that checks {@link Context#isCancelled()} stops) and the client is answered
 * {@code DEADLINE_EXCEEDED}. A call that carries its own deadline keeps it, even a longer one.
 * Streaming calls ({@code CircuitService.Watch}) are exempt: a watch is meant to stay open.
 */
final class DefaultDeadline implements ServerInterceptor {
  private final long timeoutNanos;
  private final ScheduledExecutorService scheduler;

  DefaultDeadline(long timeout, TimeUnit unit, ScheduledExecutorService scheduler) {
    this.timeoutNanos = unit.toNanos(timeout);
    this.scheduler = scheduler;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (call.getMethodDescriptor().getType() != MethodType.UNARY
        || Context.current().getDeadline() != null) {
      return next.startCall(call, headers);
    }
    Context.CancellableContext ctx =
        Context.current().withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, scheduler);
    OnceClosedCall<Q, R> guarded = new OnceClosedCall<>(call);
    ctx.addListener(
        c -> {
          if (c.cancellationCause() instanceof TimeoutException) {
            guarded.closeOnce(
                Status.DEADLINE_EXCEEDED.withDescription(
                    "the call carried no deadline and the server's default of "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                        + " s expired; set a deadline on long calls"));
          }
        },
        Runnable::run);
    ServerCall.Listener<Q> listener;
    try {
      listener = Contexts.interceptCall(ctx, guarded, headers, next);
    } catch (RuntimeException e) {
      ctx.cancel(null);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          ctx.cancel(null);
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          ctx.cancel(null);
        }
      }
    };
  }

  /**
   * Serialises the application's sends with the timer's close (a {@link ServerCall} is not
   * thread-safe) and drops whatever the application sends after the timer closed the call.
   */
  private static final class OnceClosedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private boolean closed;

    OnceClosedCall(ServerCall<Q, R> delegate) {
      super(delegate);
    }

    synchronized void closeOnce(Status status) {
      if (!closed) {
        closed = true;
        try {
          super.close(status, new Metadata());
        } catch (IllegalStateException alreadyClosed) {
          // closed by another layer in the meantime: nothing left to do
        }
      }
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }
  }
}
