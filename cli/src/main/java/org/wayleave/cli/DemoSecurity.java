package org.wayleave.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.controller.security.AccessPolicy;

/**
 * The demo's certificates and policy, made once in its data directory and kept: a CA in {@code
 * pki/}, the controller's certificate, an engineer's (which the CLI verbs find on their own), the
 * NOC's, two suppliers' (to try tenancy with), a NOC token for the dashboard, and {@code
 * policy.yaml}. Simulated agents get theirs from the CA as they start.
 */
final class DemoSecurity {
  static final List<String> SUPPLIERS = List.of("quillon-carrier", "fernhollow-fibre");
  static final String NOC_TOKEN_FILE = "noc-demo.token";

  /**
   * A demo certificate lasts this long; one missing or out of date is issued again at the next
   * start.
   */
  static final Duration VALIDITY = Duration.ofDays(397);

  record Prepared(Path pki, TlsFiles controller, AccessPolicy policy, Path nocToken) {}

  private DemoSecurity() {}

  static Prepared prepare(Path data, String bind, Clock clock) throws IOException {
    Path pki = data.resolve("pki");
    Pki ca =
        Files.exists(pki.resolve(Pki.CA_CERT))
            ? Pki.load(pki, clock)
            : Pki.init(pki, "Wayleave demo", Duration.ofDays(3650), clock);
    Set<InetAddress> ips =
        new LinkedHashSet<>(
            List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
    if (bind.matches("[0-9.]+|.*:.*") && !bind.equals("0.0.0.0") && !bind.equals("::")) {
      ips.add(InetAddress.getByName(bind));
    }
    Identity controller = new Identity(Identity.Role.CONTROLLER, "demo");
    Path caCert = pki.resolve(Pki.CA_CERT);
    TlsFiles controllerFiles =
        ca.ensure(controller, List.of("localhost"), List.copyOf(ips), VALIDITY, pki, caCert);
    ca.ensure(
        new Identity(Identity.Role.ENGINEER, "demo"), List.of(), List.of(), VALIDITY, pki, caCert);
    ca.ensure(new Identity(Identity.Role.NOC, "demo"), List.of(), List.of(), VALIDITY, pki, caCert);
    for (String s : SUPPLIERS) {
      ca.ensure(
          new Identity(Identity.Role.SUPPLIER, s), List.of(), List.of(), VALIDITY, pki, caCert);
    }
    Path token = pki.resolve(NOC_TOKEN_FILE);
    if (!Files.exists(token)) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Files.writeString(
          token,
          Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    }
    Path policyFile = data.resolve("policy.yaml");
    if (!Files.exists(policyFile)) {
      String sha = AccessPolicy.sha256(Files.readString(token).trim());
      Files.writeString(
          policyFile,
          String.join(
              "\n",
              "# The demo's access policy: wayleave demo wrote it once; edit it and restart the"
                  + " demo.",
              "# Certificates in pki/ carry their role (wayleave://<role>/<name>); this file can"
                  + " change a role,",
              "# refuse an identity, narrow a supplier's councils, and bind HTTP tokens to"
                  + " principals.",
              "http:",
              "  anonymousRead: true   # the dashboard and the HTTP API's reads without signing in",
              "tokens:",
              "  noc:demo: " + sha + "   # SHA-256 of the token in pki/" + NOC_TOKEN_FILE,
              "suppliers:",
              "  fernhollow-fibre: [bexley, bromley, croydon]   # narrower than its Supplier"
                  + " record",
              ""),
          StandardCharsets.UTF_8);
    }
    return new Prepared(pki, controllerFiles, AccessPolicy.load(policyFile), token);
  }
}
