package org.wayleave.controller.northbound;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Identity.Role;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * A controller serving both gRPC ports over real TLS on loopback, seeded with London, with a CA of
 * its own and a certificate for each identity a test speaks as.
 */
record SecureController(Path dir, Pki pki, Controller controller) implements AutoCloseable {
  static SecureController start(Path dir, AccessPolicy policy, List<Identity> identities)
      throws Exception {
    Clock clock = Clock.systemUTC();
    Path pkiDir = dir.resolve("pki");
    Pki pki = Pki.init(pkiDir, "Wayleave test", Duration.ofDays(30), clock);
    pki.issue(
        new Identity(Role.CONTROLLER, "test"),
        List.of("localhost"),
        List.of(InetAddress.getByName("127.0.0.1")),
        Duration.ofDays(1),
        pkiDir);
    for (Identity id : identities) {
      pki.issue(id, List.of(), List.of(), Duration.ofDays(1), pkiDir);
    }
    ControllerConfig config =
        new ControllerConfig(dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), clock)
            // Polling on (nothing answers SNMP here), so TelemetryService answers rather than
            // refusing outright.
            .withTelemetry(
                TelemetryConfig.defaults().withInterval(Duration.ofSeconds(60)),
                dir.resolve("secrets"))
            .withSecurity(TlsFiles.in(pkiDir, new Identity(Role.CONTROLLER, "test")), policy);
    return new SecureController(dir, pki, Controller.start(config));
  }

  ChannelCredentials as(Identity id) throws IOException {
    return TlsFiles.in(dir.resolve("pki"), id).channelCredentials();
  }

  /** A channel to the northbound port speaking as {@code id}. */
  ManagedChannel northbound(Identity id) throws IOException {
    return NettyChannelBuilder.forAddress("127.0.0.1", controller.grpcPort(), as(id))
        .overrideAuthority("localhost")
        .build();
  }

  @Override
  public void close() {
    controller.close();
  }
}
