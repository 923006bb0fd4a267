package org.wayleave.controller.store.etcd;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach the etcd cluster a store lives on.
 *
 * @param endpoints the members' client URLs ({@code http://host:port}, or {@code https://} with
 *     TLS)
 * @param namespace the key prefix the store lives under, ending in {@code /}
 * @param caFile the CA etcd's server certificates chain to, or null for plaintext
 * @param certFile this client's certificate, or null for none (etcd without client-cert-auth)
 * @param keyFile its private key (PKCS#8 PEM), or null with {@code certFile}
 * @param maxTxnOps etcd's {@code --max-txn-ops}: the most operations one transaction may hold
 */
public record EtcdSettings(
    List<String> endpoints,
    String namespace,
    Path caFile,
    Path certFile,
    Path keyFile,
    int maxTxnOps) {
  /** Where the store lives when the URL names no path. */
  public static final String DEFAULT_NAMESPACE = "/wayleave/";

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("store: etcd:// needs at least one HOST:PORT");
    }
    Objects.requireNonNull(namespace, "namespace");
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "etcd-cert and etcd-key go together: give both or neither");
    }
    if (certFile != null && caFile == null) {
      throw new IllegalArgumentException("etcd-cert needs etcd-ca: a client certificate needs TLS");
    }
    if (maxTxnOps < 8) {
      throw new IllegalArgumentException(
          "etcd-max-txn-ops must be at least 8, as etcd's own --max-txn-ops (got "
              + maxTxnOps
              + ")");
    }
  }

  /** Whether the store talks TLS to etcd. */
  public boolean tls() {
    return caFile != null;
  }

  /** The same with TLS to etcd: its CA, and this client's certificate and key (both or neither). */
  public EtcdSettings withTls(Path ca, Path cert, Path key) {
    List<String> urls = new ArrayList<>();
    for (String e : endpoints) {
      urls.add(ca == null ? e : e.replaceFirst("^http://", "https://"));
    }
    return new EtcdSettings(urls, namespace, ca, cert, key, maxTxnOps);
  }

  /** The same with another transaction limit. */
  public EtcdSettings withMaxTxnOps(int ops) {
    return new EtcdSettings(endpoints, namespace, caFile, certFile, keyFile, ops);
  }

  /**
   * Parses {@code etcd://HOST:PORT[,HOST:PORT...][/NAMESPACE]}: plaintext, etcd's default
   * transaction limit, namespace {@value #DEFAULT_NAMESPACE} unless a path is given.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static EtcdSettings parse(String url) {
    if (!url.startsWith("etcd://")) {
      throw new IllegalArgumentException(
          "store: must be etcd://HOST:PORT[,HOST:PORT...][/NAMESPACE] (got '" + url + "')");
    }
    String rest = url.substring("etcd://".length());
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    String namespace = DEFAULT_NAMESPACE;
    if (slash >= 0 && slash < rest.length() - 1) {
      namespace = rest.substring(slash);
      namespace = namespace.endsWith("/") ? namespace : namespace + "/";
    }
    List<String> endpoints = new ArrayList<>();
    for (String hostPort : hosts.split(",")) {
      endpoints.add("http://" + checkHostPort(hostPort.trim(), url));
    }
    return new EtcdSettings(
        endpoints, namespace, null, null, null, EtcdTxnWriter.DEFAULT_MAX_TXN_OPS);
  }

  private static String checkHostPort(String hostPort, String url) {
    URI u;
    try {
      u = URI.create("http://" + hostPort);
    } catch (IllegalArgumentException e) {
      u = null;
    }
    if (hostPort.isEmpty() || u == null || u.getHost() == null || u.getPort() < 1) {
      throw new IllegalArgumentException(
          "store: '"
              + hostPort
              + "' in '"
              + url
              + "' is not HOST:PORT (every etcd member needs its client port)");
    }
    return hostPort;
  }
}
