package org.wayleave.base.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-memory key manager offers its EC certificate to handshakes that take EC, and only to them.
 */
class HeldKeyManagerTest {
  @TempDir Path dir;

  @Test
  void offersItsCertificateWhereAnEcKeySuits() throws Exception {
    Pki pki = Pki.init(dir, "Wayleave test", Duration.ofDays(1), Clock.systemUTC());
    Identity agent = new Identity(Identity.Role.AGENT, "rtr-camden-01");
    pki.issue(agent, List.of(), List.of(), Duration.ofDays(1), dir);
    TlsFiles f = TlsFiles.in(dir, agent);
    HeldKeyManager km =
        new HeldKeyManager(Pki.readKey(f.key()), Pki.readCertificate(f.certificate()));

    assertThat(km.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null))
        .isEqualTo(HeldKeyManager.ALIAS);
    assertThat(km.chooseClientAlias(new String[] {"EC_EC"}, null, null))
        .isEqualTo(HeldKeyManager.ALIAS);
    // OpenSSL's name for an EC key certified by an RSA CA, as Pki's CA is.
    assertThat(km.chooseEngineServerAlias("EC_RSA", null, null)).isEqualTo(HeldKeyManager.ALIAS);
    assertThat(km.chooseEngineClientAlias(new String[] {"RSA"}, null, null)).isNull();
    assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo(HeldKeyManager.ALIAS);
    assertThat(km.getCertificateChain(HeldKeyManager.ALIAS)[0].getSubjectX500Principal())
        .isEqualTo(Pki.readCertificate(f.certificate()).getSubjectX500Principal());
    assertThat(km.getPrivateKey(HeldKeyManager.ALIAS).getAlgorithm()).isEqualTo("EC");
    assertThat(km.getPrivateKey("other")).isNull();
    assertThat(f.channelCredentials()).isNotNull();
  }

  @Test
  void needsACertificate() throws Exception {
    Pki pki = Pki.init(dir, "Wayleave test", Duration.ofDays(1), Clock.systemUTC());
    Identity agent = new Identity(Identity.Role.AGENT, "rtr-brent-01");
    pki.issue(agent, List.of(), List.of(), Duration.ofDays(1), dir);
    var key = Pki.readKey(TlsFiles.in(dir, agent).key());
    assertThatThrownBy(() -> new HeldKeyManager(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chain");
  }
}
