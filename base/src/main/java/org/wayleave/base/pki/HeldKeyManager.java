package org.wayleave.base.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One certificate and its key, held in memory and offered on every handshake it suits. Handing
 * grpc-java the PEM files instead makes Netty put the key in a PKCS#12 key store first, which
 * encrypts it with 10,000 rounds of PBKDF2: some 20 ms of CPU per channel, nothing for one agent
 * but minutes for a simulator dialling 10,000 of them.
 */
final class HeldKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "wayleave";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  HeldKeyManager(PrivateKey key, X509Certificate... chain) {
    if (chain.length == 0) {
      throw new IllegalArgumentException("chain: must hold the holder's certificate");
    }
    this.key = key;
    this.chain = chain.clone();
  }

  /**
   * The alias when the key's algorithm is among {@code keyTypes} ({@code EC}, or {@code EC_EC} as
   * OpenSSL names an EC key certified by an EC CA), else null.
   */
  private String suiting(String... keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    String alg = key.getAlgorithm();
    return Arrays.stream(keyTypes).anyMatch(t -> t.equals(alg) || t.startsWith(alg + "_"))
        ? ALIAS
        : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return suiting(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return suiting(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return suiting(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return suiting(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return suiting(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
