package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import java.util.Arrays;

/**
 * Where a store keeps its parts inside its namespace {@code N}: {@code N rev} (the store revision,
 * decimal), {@code N kv/<key>} (each stored key, in an {@link EtcdCodec} envelope), {@code N
 * audit/<20-digit revision>} (one record per committed revision) and {@code N election/<name>}.
 * Namespaces end in {@code /}; two stores' namespaces must not be nested one inside the other.
 */
final class EtcdKeys {
  private static final int REVISION_DIGITS = 20;

  private final String namespace;
  private final ByteSequence revision;
  private final ByteSequence kvPrefix;
  private final ByteSequence auditPrefix;
  private final int kvPrefixLength;

  EtcdKeys(String namespace) {
    if (namespace.length() < 2 || !namespace.endsWith("/")) {
      throw new IllegalArgumentException(
          "the namespace must be a non-empty path ending in '/', e.g. /wayleave/: " + namespace);
    }
    this.namespace = namespace;
    this.revision = bytes(namespace + "rev");
    this.kvPrefix = bytes(namespace + "kv/");
    this.auditPrefix = bytes(namespace + "audit/");
    this.kvPrefixLength = kvPrefix.size();
  }

  String namespace() {
    return namespace;
  }

  ByteSequence revision() {
    return revision;
  }

  /** The etcd key of a store key (also a prefix of the etcd keys under a store prefix). */
  ByteSequence kv(String key) {
    return kvPrefix.concat(bytes(key));
  }

  /** The store key of an etcd key under {@code kv/}. */
  String storeKey(ByteSequence etcdKey) {
    byte[] b = etcdKey.getBytes();
    return new String(Arrays.copyOfRange(b, kvPrefixLength, b.length), UTF_8);
  }

  ByteSequence auditPrefix() {
    return auditPrefix;
  }

  /** The audit record of {@code rev}; audit keys sort in revision order. */
  ByteSequence audit(long rev) {
    return auditPrefix.concat(bytes(String.format("%0" + REVISION_DIGITS + "d", rev)));
  }

  /** The first key after every audit key: the exclusive end of the audit range. */
  ByteSequence auditEnd() {
    return bytes(namespace + "audit0");
  }

  ByteSequence election(String name) {
    return bytes(namespace + "election/" + name);
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
