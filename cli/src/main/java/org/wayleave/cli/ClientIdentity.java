package org.wayleave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.wayleave.base.pki.TlsFiles;

/**
 * Where a client verb finds its certificate, first match wins:
 *
 * <ol>
 *   <li>{@code --cert}, {@code --key} and {@code --ca};
 *   <li>the environment: {@code WAYLEAVE_CERT}, {@code WAYLEAVE_KEY}, {@code WAYLEAVE_CA};
 *   <li>a config file: {@code $WAYLEAVE_CONFIG}, else {@code ~/.config/wayleave/client.yaml}, with
 *       keys {@code server}, {@code cert}, {@code key}, {@code ca} (relative paths are from the
 *       file's directory);
 *   <li>the demo's engineer certificate: {@code data/pki/engineer-demo.crt} and {@code .key}, with
 *       {@code data/pki/ca.crt}, from the current directory, so the verbs work against {@code
 *       ./wayleave demo} with no flags.
 * </ol>
 */
record ClientIdentity(TlsFiles tls, String server, String source) {
  static final String DEMO_PKI = "data/pki";
  private static final Set<String> KEYS = Set.of("server", "cert", "key", "ca");

  /**
   * @throws IllegalArgumentException naming what is missing or wrong, and where it was looked for
   */
  static ClientIdentity find(
      Path cert, Path key, Path ca, Map<String, String> env, Path home, Path cwd) {
    if (cert != null || key != null || ca != null) {
      if (cert == null || key == null) {
        throw new IllegalArgumentException(
            "--cert and --key go together (and --ca, default: ca.crt beside --cert)");
      }
      Path caFile = ca != null ? ca : sibling(cert, "ca.crt");
      return new ClientIdentity(new TlsFiles(cert, key, caFile), null, "--cert");
    }
    String ec = env.get("WAYLEAVE_CERT");
    String ek = env.get("WAYLEAVE_KEY");
    if (ec != null || ek != null) {
      if (ec == null || ek == null || env.get("WAYLEAVE_CA") == null) {
        throw new IllegalArgumentException(
            "WAYLEAVE_CERT, WAYLEAVE_KEY and WAYLEAVE_CA go together; set all three");
      }
      return new ClientIdentity(
          new TlsFiles(Path.of(ec), Path.of(ek), Path.of(env.get("WAYLEAVE_CA"))),
          null,
          "WAYLEAVE_CERT");
    }
    Path config =
        env.get("WAYLEAVE_CONFIG") != null
            ? Path.of(env.get("WAYLEAVE_CONFIG"))
            : home == null ? null : home.resolve(".config/wayleave/client.yaml");
    if (config != null && (env.get("WAYLEAVE_CONFIG") != null || Files.exists(config))) {
      return fromFile(config);
    }
    Path pki = cwd.resolve(DEMO_PKI);
    Path demoCert = pki.resolve("engineer-demo.crt");
    if (Files.exists(demoCert)) {
      return new ClientIdentity(
          new TlsFiles(demoCert, pki.resolve("engineer-demo.key"), pki.resolve("ca.crt")),
          null,
          DEMO_PKI);
    }
    throw new IllegalArgumentException(
        "no client certificate: pass --cert, --key and --ca; or set WAYLEAVE_CERT, WAYLEAVE_KEY and"
            + " WAYLEAVE_CA; or name them in ~/.config/wayleave/client.yaml (or $WAYLEAVE_CONFIG);"
            + " or run from the directory holding the demo's data/; or --insecure for a controller"
            + " run with --insecure");
  }

  private static Path sibling(Path file, String name) {
    Path parent = file.toAbsolutePath().getParent();
    return parent.resolve(name);
  }

  static ClientIdentity fromFile(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          file + ": cannot read the client config: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          file + ": must be a mapping with cert, key and ca (and server)");
    }
    root.fieldNames()
        .forEachRemaining(
            k -> {
              if (!KEYS.contains(k)) {
                throw new IllegalArgumentException(
                    file + ": " + k + ": unknown key (known: ca, cert, key, server)");
              }
            });
    Path dir = file.toAbsolutePath().getParent();
    Path[] paths = new Path[3];
    String[] names = {"cert", "key", "ca"};
    for (int i = 0; i < 3; i++) {
      JsonNode n = root.get(names[i]);
      if (n == null || !n.isTextual() || n.asText().isBlank()) {
        throw new IllegalArgumentException(
            file + ": " + names[i] + ": is required (a PEM file path)");
      }
      paths[i] = dir.resolve(n.asText());
    }
    JsonNode server = root.get("server");
    if (server != null && (!server.isTextual() || server.asText().isBlank())) {
      throw new IllegalArgumentException(file + ": server: must be HOST:PORT");
    }
    return new ClientIdentity(
        new TlsFiles(paths[0], paths[1], paths[2]),
        server == null ? null : server.asText(),
        file.toString());
  }
}
