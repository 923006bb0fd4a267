package org.wayleave.controller.northbound;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Puts the caller's identity into the call context, for the audit trail. Until mTLS identities
 * arrive, a caller is known only by its address: {@code anonymous@127.0.0.1}.
 */
public final class Principals implements ServerInterceptor {
  static final Context.Key<String> PRINCIPAL = Context.key("wayleave-principal");

  /** The principal of the current call ({@code anonymous} outside one). */
  public static String current() {
    String p = PRINCIPAL.get();
    return p == null ? "anonymous" : p;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SocketAddress addr = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String who =
        addr instanceof InetSocketAddress inet
            ? "anonymous@" + inet.getAddress().getHostAddress()
            : "anonymous@" + (addr == null ? "unknown" : addr.toString());
    return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, who), call, headers, next);
  }
}
