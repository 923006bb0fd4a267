package org.wayleave.controller.security;

import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import org.wayleave.controller.testing.SystemParts;

class PkiTest {
  @TempDir Path dir;

  static void validate(X509Certificate leaf, X509Certificate ca) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
  }

  @Test
  void initMakesACaAndNeverOverwritesIt() throws Exception {
    Pki pki = Pki.init(dir.resolve("ca"), "Wayleave test", Duration.ofDays(365), Clock.systemUTC());
    assertThat(pki.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca/ca.key")))
        .containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE);
    assertThatThrownBy(
            () -> Pki.init(dir.resolve("ca"), "again", Duration.ofDays(1), Clock.systemUTC()))
        .hasMessageContaining("never overwritten");
  }

  @Test
  void anAgentCertificateCarriesItsDeviceAndChainsToTheCa() throws Exception {
    Pki.init(dir.resolve("ca"), "Wayleave test", Duration.ofDays(365), Clock.systemUTC());
    Pki pki = Pki.load(dir.resolve("ca"), Clock.systemUTC());
    Pki.Issued agent =
        pki.issue(
            new Identity(Identity.Role.AGENT, "rtr-camden-01"),
            List.of(),
            List.of(),
            Duration.ofDays(30),
            dir.resolve("out"));
    X509Certificate cert = Pki.readCertificate(agent.certificate());
    validate(cert, pki.caCertificate());
    assertThat(Pki.identityOf(cert)).hasValue(new Identity(Identity.Role.AGENT, "rtr-camden-01"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(Pki.readKey(agent.key()).getAlgorithm()).isEqualTo("EC");
    assertThat(Files.getPosixFilePermissions(agent.key()))
        .containsExactlyInAnyOrder(OWNER_READ, OWNER_WRITE);
    assertThat(new Identity(Identity.Role.SUPPLIER, "quillon-carrier").principal())
        .isEqualTo("supplier:quillon-carrier");
  }

  @Test
  void aControllerCertificateNamesItsHostsAndServes() throws Exception {
    Pki pki = Pki.init(dir.resolve("ca"), "Wayleave test", Duration.ofDays(365), Clock.systemUTC());
    Pki.Issued c =
        pki.issue(
            new Identity(Identity.Role.CONTROLLER, "controller"),
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(30),
            dir.resolve("out"));
    assertThat(c.cert().getSubjectAlternativeNames())
        .extracting(san -> san.get(1).toString())
        .contains("wayleave://controller/controller", "localhost", "127.0.0.1");
    assertThat(c.cert().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
  }

  @Test
  void expiredAndForeignCertificatesDoNotValidate() throws Exception {
    Pki ours =
        Pki.init(dir.resolve("ca"), "Wayleave test", Duration.ofDays(365), Clock.systemUTC());
    Pki theirs =
        Pki.init(dir.resolve("other"), "Someone else", Duration.ofDays(365), Clock.systemUTC());
    Instant now = Instant.now();
    Pki.Issued expired =
        ours.issue(
            new Identity(Identity.Role.SUPPLIER, "old"),
            List.of(),
            List.of(),
            now.minus(Duration.ofDays(10)),
            now.minus(Duration.ofDays(1)),
            dir.resolve("out"));
    assertThatThrownBy(() -> validate(expired.cert(), ours.caCertificate()))
        .isInstanceOf(CertPathValidatorException.class);
    Pki.Issued foreign =
        theirs.issue(
            new Identity(Identity.Role.ENGINEER, "mallory"),
            List.of(),
            List.of(),
            Duration.ofDays(1),
            dir.resolve("out"));
    assertThatThrownBy(() -> validate(foreign.cert(), ours.caCertificate()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void badNamesAndRolesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> new Identity(Identity.Role.AGENT, "Bad Name"))
        .hasMessageContaining("name:");
    assertThatThrownBy(() -> Identity.Role.of("admin"))
        .hasMessageContaining("role:")
        .hasMessageContaining("engineer");
    assertThat(Identity.fromUri("wayleave://agent/rtr-a"))
        .hasValue(new Identity(Identity.Role.AGENT, "rtr-a"));
    assertThat(Identity.fromUri("https://example/x")).isEmpty();
    assertThat(Identity.fromUri("wayleave://admin/x")).isEmpty();
  }

  @Test
  void opensslAcceptsTheChain() throws Exception {
    Path openssl = SystemParts.require("openssl", "openssl");
    Pki pki = Pki.init(dir.resolve("ca"), "Wayleave test", Duration.ofDays(365), Clock.systemUTC());
    Pki.Issued agent =
        pki.issue(
            new Identity(Identity.Role.AGENT, "rtr-camden-01"),
            List.of(),
            List.of(),
            Duration.ofDays(30),
            dir.resolve("out"));
    Process p =
        new ProcessBuilder(
                openssl.toString(),
                "verify",
                "-purpose",
                "sslclient",
                "-CAfile",
                dir.resolve("ca/ca.crt").toString(),
                agent.certificate().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains(": OK");
    Process k =
        new ProcessBuilder(openssl.toString(), "pkey", "-in", agent.key().toString(), "-noout")
            .redirectErrorStream(true)
            .start();
    String kout = new String(k.getInputStream().readAllBytes());
    assertThat(k.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as(kout).isZero();
  }
}
