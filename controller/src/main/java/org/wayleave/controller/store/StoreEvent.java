package org.wayleave.controller.store;

import java.util.Objects;

/**
 * One key change, as delivered by a watch.
 *
 * @param type put or delete
 * @param kv the key after the change; for a delete, the key with an empty value at the deletion
 *     revision
 * @param prevKv the key before the change, or null if it did not exist
 */
public record StoreEvent(Type type, KeyValue kv, KeyValue prevKv) {
  public enum Type {
    PUT,
    DELETE
  }

  public StoreEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(kv, "kv");
  }

  public long revision() {
    return kv.modRevision();
  }
}
