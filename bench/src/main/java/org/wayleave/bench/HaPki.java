package org.wayleave.bench;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;

/**
 * How the failover runs' processes talk: mutual TLS as deployed (a CA made for the run, as {@code
 * wayleave certs init} does, a certificate for each controller valid for 127.0.0.1, one for the
 * benchmark's engineer; the simulator issues its agents' own from the CA), or plaintext ({@code
 * --insecure}). etcd is plaintext either way, as in the compose file.
 */
final class HaPki {
  static final String ENGINEER = "bench";
  private static final Duration VALIDITY = Duration.ofDays(2);

  /** The CA's directory, or null for plaintext. */
  private final Path dir;

  private HaPki(Path dir) {
    this.dir = dir;
  }

  /** Plaintext everywhere. */
  static HaPki insecure() {
    return new HaPki(null);
  }

  /** A new CA in {@code dir}, and certificates for {@code controllers} and the engineer. */
  static HaPki make(Path dir, List<String> controllers) throws IOException {
    Pki pki = Pki.init(dir, "Wayleave bench", VALIDITY, Clock.systemUTC());
    for (String c : controllers) {
      pki.issue(
          new Identity(Identity.Role.CONTROLLER, c),
          List.of(),
          List.of(InetAddress.getByName("127.0.0.1")),
          VALIDITY,
          dir);
    }
    pki.issue(new Identity(Identity.Role.ENGINEER, ENGINEER), List.of(), List.of(), VALIDITY, dir);
    return new HaPki(dir);
  }

  boolean tls() {
    return dir != null;
  }

  /** A controller's certificate, key and CA, or null for plaintext. */
  TlsFiles controllerFiles(String name) {
    return dir == null ? null : TlsFiles.in(dir, new Identity(Identity.Role.CONTROLLER, name));
  }

  /** A controller's flags: its certificate, key and CA, or {@code --insecure}. */
  List<String> controllerFlags(String name) {
    if (dir == null) {
      return List.of("--insecure");
    }
    TlsFiles f = controllerFiles(name);
    return List.of(
        "--cert",
        f.certificate().toString(),
        "--key",
        f.key().toString(),
        "--ca",
        f.ca().toString());
  }

  /** The simulator's flags: the CA its agents' certificates come from, or {@code --insecure}. */
  List<String> simulatorFlags() {
    return dir == null ? List.of("--insecure") : List.of("--ca-dir", dir.toString());
  }

  /** The engineer's credentials for the northbound API. */
  ChannelCredentials engineer() throws IOException {
    return dir == null
        ? InsecureChannelCredentials.create()
        : TlsFiles.in(dir, new Identity(Identity.Role.ENGINEER, ENGINEER)).channelCredentials();
  }

  /** {@code https} or {@code http}, as the controllers serve. */
  String httpScheme() {
    return dir == null ? "http" : "https";
  }

  /** An HTTP client for the controllers' {@code /leader}, trusting the CA. */
  HttpClient httpClient(Duration connectTimeout) throws IOException {
    return httpClient(connectTimeout, null);
  }

  /**
   * An HTTP client trusting the CA that presents {@code as}'s certificate (issued by {@link
   * #issue}) when the server asks for one; none when {@code as} is null.
   */
  HttpClient httpClient(Duration connectTimeout, Identity as) throws IOException {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
    if (dir == null) {
      return b.build();
    }
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("ca", Pki.readCertificate(dir.resolve(Pki.CA_CERT)));
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManager[] keys = null;
      if (as != null) {
        TlsFiles f = TlsFiles.in(dir, as);
        KeyStore held = KeyStore.getInstance("PKCS12");
        held.load(null, null);
        held.setKeyEntry(
            "me",
            Pki.readKey(f.key()),
            new char[0],
            new Certificate[] {Pki.readCertificate(f.certificate())});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(held, new char[0]);
        keys = kmf.getKeyManagers();
      }
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(keys, tmf.getTrustManagers(), null);
      return b.sslContext(ssl).build();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the bench CA: " + e.getMessage(), e);
    }
  }

  /** Issues {@code id} a client certificate from the CA (into its directory); returns it. */
  Identity issue(Identity id) throws IOException {
    if (dir == null) {
      throw new IllegalStateException("plaintext: there is no CA to issue " + id.principal());
    }
    Pki.load(dir, Clock.systemUTC()).issue(id, List.of(), List.of(), VALIDITY, dir);
    return id;
  }
}
