package org.wayleave.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.base.pki.Pki;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.security.AccessPolicy;
import picocli.CommandLine.Option;

/** How a controller is secured: its certificate, the access policy, or {@code --insecure}. */
final class ServerSecurityOptions {
  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "The controller's certificate (default: the one controller-*.crt in DATA/pki).")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "Its private key (default: the .key beside --cert).")
  Path key;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "The CA callers' certificates must chain to (default: ca.crt beside --cert).")
  Path ca;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description =
          "Access policy (YAML: roles, suppliers' councils, tokens, rate limits; default:"
              + " DATA/policy.yaml if present).")
  Path policy;

  @Option(
      names = "--insecure",
      description =
          "Serve both gRPC ports in plaintext without authentication (every caller may do"
              + " everything). Logged as a warning.")
  boolean insecure;

  /**
   * {@code config} with TLS and the policy (or plaintext with {@code --insecure}).
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  ControllerConfig apply(ControllerConfig config, Path data) throws IOException {
    AccessPolicy p = loadPolicy(data);
    if (insecure) {
      if (cert != null || key != null || ca != null) {
        throw new IllegalArgumentException(
            "--insecure: cannot be given with --cert, --key or --ca");
      }
      return config.withSecurity(null, p);
    }
    Path c = cert != null ? cert : onlyControllerCert(data.resolve("pki"));
    Path k = key != null ? key : Path.of(c.toString().replaceFirst("\\.crt$", "") + ".key");
    Path a = ca != null ? ca : c.toAbsolutePath().getParent().resolve(Pki.CA_CERT);
    TlsFiles tls = new TlsFiles(c, k, a).check(config.clock());
    return config.withSecurity(tls, p);
  }

  AccessPolicy loadPolicy(Path data) throws IOException {
    Path file = policy != null ? policy : data.resolve("policy.yaml");
    if (policy == null && !Files.exists(file)) {
      return AccessPolicy.defaults();
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException("--policy: cannot read " + file);
    }
    return AccessPolicy.load(file);
  }

  private static Path onlyControllerCert(Path pki) throws IOException {
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(pki)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(pki, "controller-*.crt")) {
        ds.forEach(found::add);
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    throw new IllegalArgumentException(
        found.isEmpty()
            ? "no controller certificate in "
                + pki
                + ": make one with wayleave certs init --dir "
                + pki
                + " and wayleave certs issue --dir "
                + pki
                + " --role controller --name NAME --dns HOST, or pass --cert,"
                + " or run with --insecure"
            : "--cert: " + pki + " holds " + found.size() + " controller certificates; name one");
  }
}
