package org.wayleave.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The point at which a benchmark gives up, {@code --timeout-s} after it started. */
final class Deadline {
  private final int seconds;
  private final long at;

  Deadline(int seconds) {
    this.seconds = seconds;
    this.at = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
  }

  /** The {@code --timeout-s} it was set with. */
  int seconds() {
    return seconds;
  }

  /** The deadline as a {@link System#nanoTime()}. */
  long nanoTime() {
    return at;
  }

  /**
   * The time left.
   *
   * @throws IllegalStateException when none is
   */
  Duration remaining() {
    long left = at - System.nanoTime();
    if (left <= 0) {
      throw new IllegalStateException("gave up: --timeout-s " + seconds + " passed");
    }
    return Duration.ofNanos(left);
  }
}
