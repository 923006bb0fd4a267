package org.wayleave.agent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits; tests pass one that records or blocks on a latch instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Really waits, on the calling thread. */
  static Sleeper system() {
    return d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());
  }
}
