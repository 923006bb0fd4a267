package org.wayleave.controller.northbound;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.TelemetryServiceGrpc;

/** Sends raw bytes as the request of any northbound method, whatever its request type. */
final class RawCalls {
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** Hand-made malformed encodings: each breaks the wire format in a different way. */
  static final List<byte[]> MALFORMED =
      List.of(
          bytes(0x0A), // field 1, length-delimited, length missing
          bytes(0x0A, 0x05, 'a'), // length 5, one byte follows
          bytes(0x08, 0xFF), // varint truncated
          bytes(
              0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0x01), // varint of 11 bytes
          bytes(0x0F), // wire type 7 does not exist
          bytes(0x00, 0x01), // field number 0
          bytes(0x0B, 0x08, 0x01), // group start never ended
          bytes(0x0C), // group end without start
          bytes(0x0A, 0x02, 0xC3, 0x28), // field 1 bytes: invalid UTF-8 where field 1 is a string
          bytes(0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x07)); // field 2, length 2 GiB

  private RawCalls() {}

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  /** Every method of the three northbound services, read from the generated descriptors. */
  static List<MethodDescriptor<?, ?>> northboundMethods() {
    List<MethodDescriptor<?, ?>> all = new ArrayList<>();
    for (ServiceDescriptor sd :
        List.of(
            InventoryServiceGrpc.getServiceDescriptor(),
            CircuitServiceGrpc.getServiceDescriptor(),
            TelemetryServiceGrpc.getServiceDescriptor())) {
      all.addAll(sd.getMethods());
    }
    return all;
  }

  static String requestType(MethodDescriptor<?, ?> md) {
    return ((Message)
            ((MethodDescriptor.PrototypeMarshaller<?>) md.getRequestMarshaller())
                .getMessagePrototype())
        .getDescriptorForType()
        .getFullName();
  }

  /** Whether the generated parser of {@code md}'s request type refuses {@code b}. */
  static boolean unparseable(MethodDescriptor<?, ?> md, byte[] b) {
    try {
      md.parseRequest(new ByteArrayInputStream(b));
      return false;
    } catch (RuntimeException e) {
      return true;
    }
  }

  /**
   * Up to {@code count} seeded random byte strings (1-256 bytes) that {@code md}'s request type
   * does not parse.
   */
  static List<byte[]> randomUnparseable(MethodDescriptor<?, ?> md, long seed, int count) {
    Random rnd = new Random(seed ^ md.getFullMethodName().hashCode());
    List<byte[]> out = new ArrayList<>();
    for (int attempt = 0; attempt < count * 20 && out.size() < count; attempt++) {
      byte[] b = new byte[1 + rnd.nextInt(256)];
      rnd.nextBytes(b);
      if (unparseable(md, b)) {
        out.add(b);
      }
    }
    return out;
  }

  /**
   * Calls {@code md} with {@code request} as its raw bytes and returns the refusal, or null when
   * the call succeeded (for a streaming method: when it answered at least one message or ended OK).
   */
  static StatusRuntimeException call(Channel channel, MethodDescriptor<?, ?> md, byte[] request) {
    MethodDescriptor<byte[], byte[]> raw =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(md.getType())
            .setFullMethodName(md.getFullMethodName())
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    CallOptions opts = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    try {
      if (md.getType() == MethodDescriptor.MethodType.UNARY) {
        ClientCalls.blockingUnaryCall(channel, raw, opts, request);
      } else {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, raw, opts, request);
        it.hasNext();
      }
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    }
  }
}
