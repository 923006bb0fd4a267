package org.wayleave.controller.security;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.pki.Pki;

/**
 * Who a gRPC call comes from: the identity in the client certificate the TLS handshake verified, as
 * the {@link AccessPolicy} resolves it, put into the call's context ({@link #caller()}). A
 * certificate without a Wayleave identity, or one the policy refuses, is answered {@code
 * UNAUTHENTICATED} or {@code PERMISSION_DENIED} before any service code runs.
 *
 * <p>On a port served without TLS ({@code --insecure}) every caller is {@link Caller#insecure}, and
 * {@link #insecureWarnings} warns of plaintext connections, summed up when they come in numbers.
 */
public final class Authenticate implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(Authenticate.class);
  private static final Context.Key<Caller> CALLER = Context.key("wayleave-caller");

  private final AccessPolicy policy;
  private final boolean tls;

  /**
   * @param tls whether the port requires client certificates; false only for {@code --insecure}
   */
  public Authenticate(AccessPolicy policy, boolean tls) {
    this.policy = policy;
    this.tls = tls;
  }

  /** The current call's caller, or null outside an authenticated call. */
  public static Caller caller() {
    return CALLER.get();
  }

  /** A context carrying {@code c} as the caller (for in-process use and tests). */
  public static Context with(Caller c) {
    return Context.current().withValue(CALLER, c);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Attributes attrs = call.getAttributes();
    SocketAddress remote = attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    Caller c;
    if (!tls) {
      c = Caller.insecure(host(remote));
    } else {
      SSLSession session = attrs.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      X509Certificate cert = peer(session);
      if (cert == null) {
        return refuse(
            call,
            Status.UNAUTHENTICATED.withDescription(
                "a client certificate from this deployment's CA is required"));
      }
      var id = Pki.identityOf(cert);
      if (id.isEmpty()) {
        return refuse(
            call,
            Status.UNAUTHENTICATED.withDescription(
                "the client certificate carries no wayleave://<role>/<name> identity (issue one"
                    + " with wayleave certs issue)"));
      }
      var resolved = policy.resolve(id.get());
      if (resolved.isEmpty()) {
        log.warn("refused {} from {}: the policy refuses it", id.get().principal(), host(remote));
        return refuse(
            call,
            Status.PERMISSION_DENIED.withDescription(
                id.get().principal() + " is refused by the access policy"));
      }
      c = resolved.get();
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, c), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private static X509Certificate peer(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  static String host(SocketAddress addr) {
    return addr instanceof InetSocketAddress inet
        ? inet.getAddress().getHostAddress()
        : String.valueOf(addr);
  }

  /**
   * Warns of plaintext connections to {@code port} (a port started with --insecure): the first of a
   * spell at once, the rest in one summary line ({@link ConnectionSummary}), each at DEBUG.
   */
  public static ServerTransportFilter insecureWarnings(String port) {
    ConnectionSummary summary =
        new ConnectionSummary(
            log,
            "plaintext connections on the "
                + port
                + " port (--insecure: not authenticated, every right)",
            ConnectionSummary.WINDOW);
    return new ServerTransportFilter() {
      @Override
      public Attributes transportReady(Attributes attrs) {
        summary.connected(host(attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return attrs;
      }
    };
  }
}
