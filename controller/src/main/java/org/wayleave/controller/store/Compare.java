package org.wayleave.controller.store;

import java.util.Objects;

/**
 * A transaction guard on one key's modification revision. An expected revision of zero means "the
 * key must not exist".
 */
public record Compare(String key, long expectedModRevision) {
  public Compare {
    Objects.requireNonNull(key, "key");
    if (expectedModRevision < 0) {
      throw new IllegalArgumentException(
          "expectedModRevision cannot be negative: " + expectedModRevision);
    }
  }

  /** The key must currently be at exactly this modification revision. */
  public static Compare modRevision(String key, long revision) {
    return new Compare(key, revision);
  }

  /** The key must not exist. */
  public static Compare absent(String key) {
    return new Compare(key, 0);
  }
}
