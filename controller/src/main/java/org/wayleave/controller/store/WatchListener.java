package org.wayleave.controller.store;

import java.util.List;

/**
 * Receives the changes of one watch, in revision order, one call per revision, never concurrently.
 */
public interface WatchListener {
  /** All events of one transaction (one revision) under the watched prefix. */
  void onEvents(long revision, List<StoreEvent> events);

  /**
   * The watch ended abnormally (e.g. {@link CompactedException}, or the store closed). No more
   * calls follow.
   */
  default void onError(Throwable error) {}
}
