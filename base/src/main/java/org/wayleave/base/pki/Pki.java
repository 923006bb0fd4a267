package org.wayleave.base.pki;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A deployment's certificate authority and the certificates it issues (BouncyCastle does the
 * X.509): one CA per deployment, a certificate per controller, agent, supplier, engineer and NOC
 * screen. The CA's key is RSA 3072 (certificates SHA256withRSA), the holders' keys ECDSA P-256: the
 * two give the same security (128 bits, NIST SP 800-57), but a peer checks the CA's signature on
 * every certificate it is shown in Java, where an RSA signature verifies some 20 times faster than
 * an ECDSA one (JDK 17: 0.2 ms against 4 ms of CPU), while the handshake's own signatures and key
 * exchange stay ECDSA and ECDHE in BoringSSL. At 10,000 agents reconnecting that is the difference
 * between a minute of CPU and a few seconds. A CA made before with an EC key keeps working: each
 * certificate is signed with the algorithm of the CA's key. Files are PEM; private keys are written
 * owner-only.
 *
 * <p>Who a certificate speaks for is its {@link Identity}, in a URI subject alternative name; a
 * controller's certificate also names the host names and addresses it answers on. Client
 * certificates carry the clientAuth extended key usage, controllers' serverAuth too.
 */
public final class Pki {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";

  /** The CA's RSA modulus: 3072 bits match P-256's 128-bit security (NIST SP 800-57 part 1). */
  static final int CA_RSA_BITS = 3072;

  private final X509Certificate caCert;
  private final PrivateKey caKey;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private Pki(X509Certificate caCert, PrivateKey caKey, Clock clock) {
    this.caCert = caCert;
    this.caKey = caKey;
    this.clock = clock;
  }

  /** What {@link #issue} wrote. */
  public record Issued(Identity identity, Path certificate, Path key, X509Certificate cert) {}

  /**
   * Makes a new CA in {@code dir} ({@value #CA_CERT}, {@value #CA_KEY}).
   *
   * @throws IllegalStateException if {@code dir} already holds a CA (never overwritten)
   */
  public static Pki init(Path dir, String organisation, Duration validity, Clock clock)
      throws IOException {
    if (Files.exists(dir.resolve(CA_KEY)) || Files.exists(dir.resolve(CA_CERT))) {
      throw new IllegalStateException(
          "a CA already exists in "
              + dir
              + " ("
              + CA_CERT
              + ", "
              + CA_KEY
              + "); it is never overwritten");
    }
    Files.createDirectories(dir);
    KeyPair kp = caKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, organisation)
            .addRDN(BCStyle.CN, organisation + " CA")
            .build();
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(new SecureRandom()),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(validity)),
                  subject,
                  kp.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, kp.getPrivate());
      writePem(dir.resolve(CA_CERT), cert, false);
      writePem(dir.resolve(CA_KEY), kp.getPrivate(), true);
      return new Pki(cert, kp.getPrivate(), clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the CA: " + e.getMessage(), e);
    }
  }

  /** Loads the CA in {@code dir}. */
  public static Pki load(Path dir, Clock clock) throws IOException {
    Path cert = dir.resolve(CA_CERT);
    Path key = dir.resolve(CA_KEY);
    if (!Files.exists(cert) || !Files.exists(key)) {
      throw new IllegalStateException(
          "no CA in " + dir + ": run `wayleave certs init --dir " + dir + "` first");
    }
    return new Pki(readCertificate(cert), readKey(key), clock);
  }

  public X509Certificate caCertificate() {
    return caCert;
  }

  /**
   * The certificate of {@code id} in {@code outDir} (as {@link #issue} names it), issued now if it
   * is missing or out of date, with {@code ca} as the CA certificate peers are checked against.
   */
  public TlsFiles ensure(
      Identity id,
      Collection<String> dnsNames,
      Collection<InetAddress> addresses,
      Duration validity,
      Path outDir,
      Path ca)
      throws IOException {
    TlsFiles in = TlsFiles.in(outDir, id);
    TlsFiles f = new TlsFiles(in.certificate(), in.key(), ca);
    try {
      return f.check(clock);
    } catch (IllegalArgumentException missingOrExpired) {
      Files.createDirectories(outDir);
      issue(id, dnsNames, addresses, validity, outDir);
      return f.check(clock);
    }
  }

  /**
   * Issues a certificate and key for an identity into {@code outDir} as {@code <role>-<name>.crt}
   * and {@code .key}.
   *
   * @param dnsNames host names the holder answers on (controllers), may be empty
   * @param addresses IP addresses the holder answers on (controllers), may be empty
   */
  public Issued issue(
      Identity id,
      Collection<String> dnsNames,
      Collection<InetAddress> addresses,
      Duration validity,
      Path outDir)
      throws IOException {
    Instant now = clock.instant();
    return issue(
        id, dnsNames, addresses, now.minus(Duration.ofMinutes(5)), now.plus(validity), outDir);
  }

  /**
   * As {@link #issue(Identity, Collection, Collection, Duration, Path)} with explicit validity
   * bounds (tests make expired ones).
   */
  public Issued issue(
      Identity id,
      Collection<String> dnsNames,
      Collection<InetAddress> addresses,
      Instant notBefore,
      Instant notAfter,
      Path outDir)
      throws IOException {
    KeyPair kp = keyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.OU, id.role().label())
            .addRDN(BCStyle.CN, id.name())
            .build();
    List<GeneralName> sans = new ArrayList<>();
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, id.uri()));
    for (String dns : dnsNames) {
      sans.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (InetAddress a : addresses) {
      sans.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress()));
    }
    KeyPurposeId[] purposes =
        id.role() == Identity.Role.CONTROLLER
            ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
            : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  caCert,
                  serial(random),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  subject,
                  kp.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(sans.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, caKey);
      Files.createDirectories(outDir);
      String base = id.role().label() + "-" + id.name();
      Path certFile = outDir.resolve(base + ".crt");
      Path keyFile = outDir.resolve(base + ".key");
      writePem(certFile, cert, false);
      writePem(keyFile, kp.getPrivate(), true);
      return new Issued(id, certFile, keyFile, cert);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot issue a certificate for " + id.uri() + ": " + e.getMessage(), e);
    }
  }

  /** The Wayleave identity a certificate carries, if any. */
  public static Optional<Identity> identityOf(X509Certificate cert) {
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return Optional.empty();
      }
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == GeneralName.uniformResourceIdentifier) {
          Optional<Identity> id = Identity.fromUri((String) san.get(1));
          if (id.isPresent()) {
            return id;
          }
        }
      }
      return Optional.empty();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
  }

  public static X509Certificate readCertificate(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      if (!(o instanceof X509CertificateHolder h)) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return new JcaX509CertificateConverter().getCertificate(h);
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public static PrivateKey readKey(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return conv.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return conv.getKeyPair(pair).getPrivate();
      }
      throw new IOException(file + " holds no PEM private key");
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key generator in this JVM", e);
    }
  }

  private static KeyPair caKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(CA_RSA_BITS);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no RSA key generator in this JVM", e);
    }
  }

  /** The signature algorithm a CA with {@code key} signs with: SHA-256 with RSA or with ECDSA. */
  static String signatureAlgorithm(PrivateKey key) {
    return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void writePem(Path file, Object obj, boolean secret) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      if (obj instanceof PrivateKey k) {
        // PKCS#8 ("PRIVATE KEY"): what OpenSSL, Netty and grpc-java read.
        pem.writeObject(new JcaPKCS8Generator(k, null));
      } else {
        pem.writeObject(obj);
      }
    }
    Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      if (secret) {
        restrict(tmp);
      }
      Files.writeString(tmp, w.toString(), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system
    }
  }
}
