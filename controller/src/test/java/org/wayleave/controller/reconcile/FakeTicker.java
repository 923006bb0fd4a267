package org.wayleave.controller.reconcile;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.wayleave.base.time.Ticker;

/** Manual time for tests: stands still until advanced. */
final class FakeTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  void set(long value) {
    nanos.set(value);
  }
}
