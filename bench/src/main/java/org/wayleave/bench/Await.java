package org.wayleave.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting, with a bound, for something a benchmark cannot be told about: it polls. */
final class Await {
  private Await() {}

  /** Polls {@code condition} every 200 ms until it holds or {@code timeout} passes. */
  static void until(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }
}
