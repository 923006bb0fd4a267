package org.wayleave.controller.store.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.wayleave.controller.store.StoreException;

/** Builds jetcd clients from {@link EtcdSettings}. */
final class EtcdClients {
  /** Largest answer taken from etcd: a whole region listed at once, with room to spare. */
  static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

  private EtcdClients() {}

  /**
   * A client for {@code settings}: TLS with the CA (and the client certificate, when given),
   * keepalive pings so a dead member is noticed within seconds, and answers up to {@value
   * #MAX_INBOUND_BYTES} bytes.
   *
   * @throws StoreException naming the file when a certificate or key cannot be read
   */
  static Client connect(EtcdSettings settings) {
    ClientBuilder b =
        Client.builder()
            .endpoints(settings.endpoints().toArray(String[]::new))
            .connectTimeout(Duration.ofSeconds(5))
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
    if (settings.tls()) {
      try {
        var ssl = GrpcSslContexts.forClient().trustManager(settings.caFile().toFile());
        if (settings.certFile() != null) {
          ssl.keyManager(settings.certFile().toFile(), settings.keyFile().toFile());
        }
        b.sslContext(ssl.build());
      } catch (SSLException | IllegalArgumentException e) {
        throw new StoreException(
            "etcd TLS: cannot use "
                + settings.caFile()
                + (settings.certFile() == null
                    ? ""
                    : ", " + settings.certFile() + " and " + settings.keyFile())
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return b.build();
  }
}
