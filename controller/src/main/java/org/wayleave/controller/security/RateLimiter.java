package org.wayleave.controller.security;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * Calls a second per principal: a token bucket each, refilled at the principal's rate and holding
 * up to five seconds' worth, so a client may burst and then keeps to the rate. A rate of 0 is no
 * limit.
 */
public final class RateLimiter {
  /** Seconds of calls a bucket holds. */
  public static final int BURST_SECONDS = 5;

  private final ToIntFunction<Caller> rate;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(ToIntFunction<Caller> rate) {
    this(rate, System::nanoTime);
  }

  public RateLimiter(ToIntFunction<Caller> rate, LongSupplier nanos) {
    this.rate = rate;
    this.nanos = nanos;
  }

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /**
   * Takes one call from {@code c}'s bucket.
   *
   * @return 0 if the call may go ahead, else how many milliseconds until it could
   */
  public long acquire(Caller c) {
    int perSecond = rate.applyAsInt(c);
    if (perSecond <= 0) {
      return 0;
    }
    double capacity = (double) perSecond * BURST_SECONDS;
    long now = nanos.getAsLong();
    Bucket b = buckets.computeIfAbsent(c.principal(), k -> new Bucket(capacity, now));
    synchronized (b) {
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) / 1e9 * perSecond);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) * 1000.0 / perSecond));
    }
  }
}
