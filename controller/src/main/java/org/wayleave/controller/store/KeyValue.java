package org.wayleave.controller.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored key at one revision.
 *
 * @param key the key, e.g. {@code /wayleave/v1/circuits/LPSN-CAM-0001}
 * @param value the value bytes; empty (never null) for a delete event
 * @param createRevision revision at which the key was (last) created
 * @param modRevision revision of the last change to the key (the deletion revision for deletes)
 * @param version number of changes since creation, 1 for a new key
 */
public record KeyValue(
    String key, byte[] value, long createRevision, long modRevision, long version) {
  public KeyValue {
    Objects.requireNonNull(key, "key");
    value = value == null ? new byte[0] : value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && key.equals(kv.key)
        && Arrays.equals(value, kv.value)
        && createRevision == kv.createRevision
        && modRevision == kv.modRevision
        && version == kv.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version);
  }

  @Override
  public String toString() {
    return "KeyValue[" + key + " @" + modRevision + ", " + value.length + " bytes]";
  }
}
