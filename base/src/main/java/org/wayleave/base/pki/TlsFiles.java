package org.wayleave.base.pki;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;

/**
 * A holder's certificate, its private key and the CA it trusts (PEM files, as {@code wayleave
 * certs} writes them). The controller serves both gRPC ports with one and requires a client
 * certificate from the same CA; agents and the CLI dial with one.
 *
 * @param certificate the holder's certificate (PEM)
 * @param key its private key (PKCS#8 PEM)
 * @param ca the CA certificate peers must chain to (PEM)
 */
public record TlsFiles(Path certificate, Path key, Path ca) {
  public TlsFiles {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
  }

  /**
   * The files {@code wayleave certs issue} writes for {@code id} in {@code dir}, trusting {@code
   * dir/ca.crt}.
   */
  public static TlsFiles in(Path dir, Identity id) {
    String base = id.role().label() + "-" + id.name();
    return new TlsFiles(
        dir.resolve(base + ".crt"), dir.resolve(base + ".key"), dir.resolve(Pki.CA_CERT));
  }

  /**
   * Checks the files are there and readable, and that the certificate is in date now.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public TlsFiles check(Clock clock) {
    for (var f : new Object[][] {{"certificate", certificate}, {"key", key}, {"ca", ca}}) {
      Path p = (Path) f[1];
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException(
            f[0] + ": cannot read " + p + " (issue one with wayleave certs issue)");
      }
    }
    try {
      X509Certificate cert = Pki.readCertificate(certificate);
      cert.checkValidity(Date.from(clock.instant()));
      Pki.readKey(key);
      Pki.readCertificate(ca);
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException(
          "certificate: " + certificate + " has expired; issue a new one");
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException("certificate: " + certificate + " is not valid yet");
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "certificate: cannot load "
              + certificate
              + " / "
              + key
              + " / "
              + ca
              + ": "
              + e.getMessage());
    }
    return this;
  }

  /** The identity this certificate carries, if any. */
  public Optional<Identity> identity() {
    try {
      return Pki.identityOf(Pki.readCertificate(certificate));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Server side: this certificate, and a client certificate from {@link #ca} required of every
   * caller.
   */
  public ServerCredentials serverCredentials() throws IOException {
    return TlsServerCredentials.newBuilder()
        .keyManager(certificate.toFile(), key.toFile())
        .trustManager(ca.toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /**
   * Client side: this certificate as the client's, and the server's checked against {@link #ca}.
   */
  public ChannelCredentials channelCredentials() throws IOException {
    return TlsChannelCredentials.newBuilder()
        .keyManager(new HeldKeyManager(Pki.readKey(key), Pki.readCertificate(certificate)))
        .trustManager(ca.toFile())
        .build();
  }
}
