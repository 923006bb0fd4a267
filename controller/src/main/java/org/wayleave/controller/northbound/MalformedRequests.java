package org.wayleave.controller.northbound;

import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;

/**
 * Answers a request whose bytes are not a valid protobuf message of the method's request type with
 * {@code INVALID_ARGUMENT}, naming the type, in the API's usual error shape (ErrorInfo and
 * BadRequest details, field {@code request}). Left alone, grpc-java answers a parse failure with
 * {@code INTERNAL}, which reads like a server bug.
 *
 * <p>The method's request marshaller is wrapped: a parse failure yields {@code null} (and the
 * reason on the parsing thread, which is the thread that then delivers the message), and the
 * outermost listener refuses the call instead of passing it on. The service body never sees a bad
 * request.
 */
final class MalformedRequests {
  private static final ThreadLocal<String> LAST_FAILURE = new ThreadLocal<>();

  private MalformedRequests() {}

  /**
   * {@code service} with every method's request parsing guarded; the schema is kept for reflection.
   */
  static ServerServiceDefinition guard(ServerServiceDefinition service) {
    ServiceDescriptor sd = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      methods.add(guard(m));
    }
    ServiceDescriptor.Builder nsd =
        ServiceDescriptor.newBuilder(sd.getName()).setSchemaDescriptor(sd.getSchemaDescriptor());
    methods.forEach(m -> nsd.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(nsd.build());
    methods.forEach(m -> add(b, m));
    return b.build();
  }

  private static <Q, R> void add(
      ServerServiceDefinition.Builder b, ServerMethodDefinition<Q, R> m) {
    b.addMethod(m);
  }

  private static <Q, R> ServerMethodDefinition<Q, R> guard(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> md = m.getMethodDescriptor();
    String type = typeName(md.getRequestMarshaller());
    MethodDescriptor<Q, R> lenient =
        md.toBuilder(new Lenient<>(md.getRequestMarshaller()), md.getResponseMarshaller()).build();
    ServerCallHandler<Q, R> inner = m.getServerCallHandler();
    ServerCallHandler<Q, R> handler =
        (call, headers) -> new Refusing<>(call, inner.startCall(call, headers), type);
    return ServerMethodDefinition.create(lenient, handler);
  }

  private static String typeName(MethodDescriptor.Marshaller<?> m) {
    if (m instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message msg) {
      return msg.getDescriptorForType().getFullName();
    }
    return "request";
  }

  /** The real marshaller, except that a parse failure gives null. */
  private static final class Lenient<Q> implements MethodDescriptor.PrototypeMarshaller<Q> {
    private final MethodDescriptor.Marshaller<Q> real;

    Lenient(MethodDescriptor.Marshaller<Q> real) {
      this.real = real;
    }

    @Override
    public InputStream stream(Q value) {
      return real.stream(value);
    }

    @Override
    public Q parse(InputStream stream) {
      try {
        return real.parse(stream);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LAST_FAILURE.set(cause.getMessage());
        return null;
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Q getMessagePrototype() {
      return real instanceof MethodDescriptor.PrototypeMarshaller<?> p
          ? (Q) p.getMessagePrototype()
          : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Class<Q> getMessageClass() {
      return real instanceof MethodDescriptor.ReflectableMarshaller<?> r
          ? (Class<Q>) r.getMessageClass()
          : null;
    }
  }

  /** Refuses the call at a request that did not parse; otherwise passes everything on. */
  private static final class Refusing<Q, R> extends ServerCall.Listener<Q> {
    private final ServerCall<Q, R> call;
    private final ServerCall.Listener<Q> delegate;
    private final String type;
    private boolean refused;

    Refusing(ServerCall<Q, R> call, ServerCall.Listener<Q> delegate, String type) {
      this.call = call;
      this.delegate = delegate;
      this.type = type;
    }

    @Override
    public void onMessage(Q message) {
      if (refused) {
        return;
      }
      if (message == null) {
        refused = true;
        String why = LAST_FAILURE.get();
        LAST_FAILURE.remove();
        var st =
            Statuses.toStatus(
                ApiException.of(
                    ErrorCode.INVALID_ARGUMENT,
                    "request",
                    "is not a valid " + type + " message" + (why == null ? "" : " (" + why + ")")));
        Metadata trailers = st.getTrailers() == null ? new Metadata() : st.getTrailers();
        try {
          call.close(st.getStatus(), trailers);
        } catch (IllegalStateException alreadyClosed) {
          // the call ended meanwhile (deadline or cancel): nothing to answer
        }
        return;
      }
      delegate.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        delegate.onReady();
      }
    }

    @Override
    public void onCancel() {
      delegate.onCancel();
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }
  }
}
