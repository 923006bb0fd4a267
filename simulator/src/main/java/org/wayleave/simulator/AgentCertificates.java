package org.wayleave.simulator;

import io.grpc.ChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;

/**
 * Certificates for simulated agents: each simulated router's agent dials with a certificate of its
 * own ({@code wayleave://agent/<device>}), as a real one does, so the controller's rule that an
 * agent speaks only for its own device holds in the simulator too. Certificates are issued from the
 * deployment's CA on first use and kept in {@code <ca dir>/agents/} (a real fleet would have them
 * installed beside each router instead; the simulator stands in for the whole fleet, so it holds
 * the CA).
 */
public final class AgentCertificates implements Function<String, ChannelCredentials> {
  /** A simulated agent's certificate lasts this long; an expired or missing one is issued again. */
  static final Duration VALIDITY = Duration.ofDays(397);

  private final Pki pki;
  private final Path dir;
  private final Path ca;

  private AgentCertificates(Pki pki, Path dir, Path ca) {
    this.pki = pki;
    this.dir = dir;
    this.ca = ca;
  }

  /**
   * Agents' certificates from the CA in {@code caDir} ({@code ca.crt} and {@code ca.key}).
   *
   * @throws IOException if the CA cannot be read
   */
  public static AgentCertificates fromCa(Path caDir, Clock clock) throws IOException {
    return new AgentCertificates(
        Pki.load(caDir, clock), caDir.resolve("agents"), caDir.resolve(Pki.CA_CERT));
  }

  /** The files for {@code device}, issued now if missing or out of date. */
  public synchronized TlsFiles files(String device) {
    try {
      return pki.ensure(
          new Identity(Identity.Role.AGENT, device), List.of(), List.of(), VALIDITY, dir, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot issue a certificate for agent " + device + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ChannelCredentials apply(String device) {
    try {
      return files(device).channelCredentials();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
