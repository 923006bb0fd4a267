package org.wayleave.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.PreconditionFailure;
import com.google.rpc.ResourceInfo;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** Options every client verb shares, and how a refusal from the server is shown. */
final class ClientOptions {
  /** Output formats of {@code -o}. */
  enum Output {
    table,
    json,
    yaml
  }

  static final String DEFAULT_SERVER = "localhost:9090";

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "The controller's northbound gRPC address (default: the client config's server, else "
              + DEFAULT_SERVER
              + ").")
  String server;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "Client certificate (PEM); see --help of wayleave for where it is looked for.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "The certificate's private key (PEM).")
  Path key;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description =
          "CA certificate the controller's must chain to (default: ca.crt beside --cert).")
  Path ca;

  @Option(
      names = "--insecure",
      description = "Plaintext without a certificate, for a controller run with --insecure.")
  boolean insecure;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
  Output output;

  /**
   * A channel to the controller: TLS with the certificate {@link ClientIdentity} finds, or
   * plaintext with {@code --insecure}.
   *
   * @throws IllegalArgumentException naming what is missing (no certificate found, unreadable
   *     files)
   */
  ManagedChannel channel() {
    if (insecure) {
      server = server != null ? server : DEFAULT_SERVER;
      return NettyChannelBuilder.forTarget(server).usePlaintext().build();
    }
    ClientIdentity id =
        ClientIdentity.find(
            cert,
            key,
            ca,
            System.getenv(),
            System.getProperty("user.home") == null
                ? null
                : Path.of(System.getProperty("user.home")),
            Path.of(""));
    server = server != null ? server : id.server() != null ? id.server() : DEFAULT_SERVER;
    id.tls().check(Clock.systemUTC());
    try {
      return NettyChannelBuilder.forTarget(server, id.tls().channelCredentials()).build();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot load the client certificate (" + id.source() + "): " + e.getMessage(), e);
    }
  }

  /** A call's body: may throw what the body of a verb throws. */
  @FunctionalInterface
  interface Body {
    int run(ManagedChannel channel) throws Exception;
  }

  /**
   * Runs {@code body} on a fresh channel, closed afterwards. A refusal becomes a message naming the
   * broken rules (fields under {@code resources[i]} told as {@code where.apply(i)}, when given), an
   * unreachable server a message naming it; both exit 1.
   */
  int call(String verb, IntFunction<String> where, Body body) throws Exception {
    ManagedChannel channel;
    try {
      channel = channel();
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave " + verb + ": " + e.getMessage());
      return 2;
    }
    try {
      return body.run(channel);
    } catch (StatusRuntimeException e) {
      return isTransport(e)
          ? unreachable(verb, server, e, System.err)
          : refused(verb, e, where, System.err);
    } finally {
      close(channel);
    }
  }

  /** As {@link #call} for a verb on KIND: an unknown kind is a usage error (2). */
  int onKind(String verb, String kind, BiFunction<KindClient, ManagedChannel, Integer> body)
      throws Exception {
    KindClient k;
    try {
      k = KindClient.parse(kind);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave " + verb + ": " + e.getMessage());
      return 2;
    }
    return call(verb, null, channel -> body.apply(k, channel));
  }

  static void close(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final Pattern ITEM = Pattern.compile("^resources\\[(\\d+)\\]\\.?(.*)$");

  /**
   * Prints why the server refused, one line per broken rule; a field under {@code resources[i]} is
   * told as the manifest document it came from ({@code where.apply(i)}).
   *
   * @return the exit code: 1
   */
  static int refused(
      String verb, StatusRuntimeException e, IntFunction<String> where, PrintStream err) {
    List<String[]> problems = new ArrayList<>();
    Status st = StatusProto.fromThrowable(e);
    if (st != null) {
      for (Any any : st.getDetailsList()) {
        try {
          if (any.is(BadRequest.class)) {
            any.unpack(BadRequest.class)
                .getFieldViolationsList()
                .forEach(v -> problems.add(new String[] {v.getField(), v.getDescription()}));
          } else if (any.is(PreconditionFailure.class)) {
            any.unpack(PreconditionFailure.class)
                .getViolationsList()
                .forEach(v -> problems.add(new String[] {v.getSubject(), v.getDescription()}));
          } else if (any.is(ResourceInfo.class)) {
            ResourceInfo r = any.unpack(ResourceInfo.class);
            problems.add(new String[] {r.getResourceName(), r.getDescription()});
          }
        } catch (InvalidProtocolBufferException ignored) {
          // fall back to the status message below
        }
      }
    }
    err.println(
        "wayleave " + verb + ": refused (" + e.getStatus().getCode() + "); nothing was changed");
    if (problems.isEmpty()) {
      err.println("  " + e.getStatus().getDescription());
    }
    for (String[] p : problems) {
      Matcher m = ITEM.matcher(p[0]);
      if (m.matches() && where != null) {
        String field =
            m.group(2).replaceFirst("^(council|supplier|site|device|vlan_pool|circuit)\\.?", "");
        err.println(
            "  "
                + where.apply(Integer.parseInt(m.group(1)))
                + ": "
                + (field.isEmpty() ? "" : field + ": ")
                + p[1]);
      } else {
        err.println("  " + (p[0].isEmpty() ? "" : p[0] + ": ") + p[1]);
      }
    }
    return 1;
  }

  /** For transport failures: which server, and what went wrong. */
  static int unreachable(String verb, String server, StatusRuntimeException e, PrintStream err) {
    err.println(
        "wayleave "
            + verb
            + ": cannot reach the controller at "
            + server
            + " ("
            + e.getStatus().getCode()
            + ": "
            + e.getStatus().getDescription()
            + "); is it running? (./wayleave demo, or --server HOST:PORT)");
    return 1;
  }

  /** True for failures that are about reaching the server rather than the request. */
  static boolean isTransport(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN, INTERNAL, UNIMPLEMENTED -> true;
      default -> false;
    };
  }
}
