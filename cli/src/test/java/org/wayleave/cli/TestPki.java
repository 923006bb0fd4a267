package org.wayleave.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;

/**
 * A CA in {@code dir} (made once, kept) with a controller's and an engineer's certificates, for
 * tests over TLS.
 */
record TestPki(Path dir, Pki pki) {
  static final Identity CONTROLLER = new Identity(Identity.Role.CONTROLLER, "test");
  static final Identity ENGINEER = new Identity(Identity.Role.ENGINEER, "test");

  static TestPki in(Path dir) {
    try {
      Clock clock = Clock.systemUTC();
      Pki pki =
          Files.exists(dir.resolve(Pki.CA_CERT))
              ? Pki.load(dir, clock)
              : Pki.init(dir, "Wayleave test", Duration.ofDays(30), clock);
      TestPki t = new TestPki(dir, pki);
      if (!Files.exists(t.controller().certificate())) {
        pki.issue(
            CONTROLLER,
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(2),
            dir);
        pki.issue(ENGINEER, List.of(), List.of(), Duration.ofDays(2), dir);
      }
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TlsFiles controller() {
    return TlsFiles.in(dir, CONTROLLER);
  }

  TlsFiles engineer() {
    return TlsFiles.in(dir, ENGINEER);
  }

  /** Issues (or reissues) a certificate for {@code id} in this CA's directory. */
  TlsFiles issue(Identity id) {
    try {
      pki.issue(id, List.of(), List.of(), Duration.ofDays(2), dir);
      return TlsFiles.in(dir, id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The flags a CLI verb needs to speak as the engineer. */
  List<String> clientArgs() {
    TlsFiles e = engineer();
    return List.of(
        "--cert",
        e.certificate().toString(),
        "--key",
        e.key().toString(),
        "--ca",
        e.ca().toString());
  }

  /** A channel to {@code port} on loopback as the engineer. */
  ManagedChannel engineerChannel(int port) {
    try {
      return NettyChannelBuilder.forAddress("127.0.0.1", port, engineer().channelCredentials())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
