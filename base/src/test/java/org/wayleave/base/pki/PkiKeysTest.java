package org.wayleave.base.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA signs with RSA 3072 (cheap for every peer to check), holders keep ECDSA P-256 keys, and a
 * CA whose key is EC (made before) still signs with ECDSA.
 */
class PkiKeysTest {
  @TempDir Path dir;

  @Test
  void theCaIsRsaAndItsHoldersAreEc() throws Exception {
    Pki pki = Pki.init(dir, "Wayleave test", Duration.ofDays(1), Clock.systemUTC());
    assertThat(pki.caCertificate().getPublicKey()).isInstanceOf(RSAPublicKey.class);
    assertThat(((RSAPublicKey) pki.caCertificate().getPublicKey()).getModulus().bitLength())
        .isEqualTo(Pki.CA_RSA_BITS);
    assertThat(pki.caCertificate().getSigAlgName()).isEqualTo("SHA256withRSA");

    Identity agent = new Identity(Identity.Role.AGENT, "rtr-lambeth-01");
    Pki.Issued issued = pki.issue(agent, List.of(), List.of(), Duration.ofDays(1), dir);
    assertThat(issued.cert().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(issued.cert().getSigAlgName()).isEqualTo("SHA256withRSA");
    issued.cert().verify(pki.caCertificate().getPublicKey());
    assertThat(Pki.readKey(issued.key()).getAlgorithm()).isEqualTo("EC");

    // Loaded again from its files, the CA issues the same way.
    Pki again = Pki.load(dir, Clock.systemUTC());
    Identity other = new Identity(Identity.Role.AGENT, "rtr-lambeth-02");
    again
        .issue(other, List.of(), List.of(), Duration.ofDays(1), dir)
        .cert()
        .verify(pki.caCertificate().getPublicKey());
  }

  @Test
  void anEcCaKeepsSigningWithEcdsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    assertThat(Pki.signatureAlgorithm(g.generateKeyPair().getPrivate()))
        .isEqualTo("SHA256withECDSA");
  }
}
