package org.wayleave.controller.store;

import java.util.List;

/**
 * The result of a prefix listing: the matching keys, sorted by key, and the store revision they
 * were read at. A watch from {@code revision} sees exactly what came after the listing.
 */
public record Range(List<KeyValue> kvs, long revision) {
  public Range {
    kvs = List.copyOf(kvs);
  }
}
