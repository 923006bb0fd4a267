package org.wayleave.controller.telemetry;

/**
 * Counter arithmetic: the increase of an SNMP counter between two samples, with wrap and
 * discontinuity handling. Pure functions; no state.
 *
 * <p>A counter that went down either wrapped (it passed its maximum, 2<sup>32</sup> or
 * 2<sup>64</sup>, and started again from zero) or was reset (the router rebooted, a line card was
 * replaced, somebody cleared the counters). A wrap is believed only when the increase it implies is
 * plausible: at most {@value #SLACK} times what the interface's speed could carry in the elapsed
 * time, or, when the speed is unknown, less than half the counter's range. Anything else is a
 * discontinuity: the sample is dropped ({@code NaN}) rather than reported as a spike.
 */
public final class Counters {
  /** How far above line rate a wrapped increase may imply before it is called a reset. */
  public static final double SLACK = 2.0;

  private static final double TWO_32 = 4294967296.0;
  private static final double TWO_63 = 9.223372036854775808E18;
  private static final double TWO_64 = 1.8446744073709551616E19;

  private Counters() {}

  /**
   * The increase of a 64-bit counter ({@code Counter64}, e.g. ifHCInOctets).
   *
   * @param prev the earlier value (unsigned)
   * @param cur the later value (unsigned)
   * @param seconds time between the samples
   * @param maxPerSecond the most the counter can plausibly grow per second, 0 when unknown
   * @return the increase, or {@code NaN} when the counter fell without a plausible wrap
   */
  public static double delta64(long prev, long cur, double seconds, double maxPerSecond) {
    double d = unsigned(cur - prev);
    if (Long.compareUnsigned(cur, prev) >= 0) {
      return d;
    }
    return plausible(d, seconds, maxPerSecond, TWO_63) ? d : Double.NaN;
  }

  /**
   * The increase of a 32-bit counter ({@code Counter32}, e.g. ifInOctets, ifInErrors). Only the low
   * 32 bits of each value are looked at.
   *
   * @see #delta64
   */
  public static double delta32(long prev, long cur, double seconds, double maxPerSecond) {
    long p = prev & 0xFFFF_FFFFL;
    long c = cur & 0xFFFF_FFFFL;
    if (c >= p) {
      return c - p;
    }
    double d = c + TWO_32 - p;
    return plausible(d, seconds, maxPerSecond, TWO_32 / 2) ? d : Double.NaN;
  }

  /**
   * Whether the agent restarted between two samples, judged by {@code sysUpTime} (hundredths of a
   * second, a 32-bit TimeTicks that itself wraps after about 497 days). It restarted when uptime
   * went backwards other than by its own wrap, or when uptime advanced by much less than the time
   * that passed (the agent restarted and has been up for less than the gap between polls).
   *
   * @param prevTicks the earlier sysUpTime, or negative when unknown
   * @param curTicks the later sysUpTime, or negative when unknown
   * @param seconds wall time between the samples
   * @return false when either value is unknown (nothing to judge by)
   */
  public static boolean restarted(long prevTicks, long curTicks, double seconds) {
    if (prevTicks < 0 || curTicks < 0) {
      return false;
    }
    double elapsed = seconds * 100;
    double tolerance = Math.max(500, elapsed * 0.2);
    if (curTicks < prevTicks) {
      double expected = prevTicks + elapsed - TWO_32;
      boolean ownWrap = expected >= 0 && Math.abs(curTicks - expected) <= tolerance;
      return !ownWrap;
    }
    return curTicks - prevTicks < elapsed - tolerance;
  }

  private static boolean plausible(
      double d, double seconds, double maxPerSecond, double unknownLimit) {
    if (maxPerSecond > 0 && seconds > 0) {
      return d <= maxPerSecond * seconds * SLACK;
    }
    return d < unknownLimit;
  }

  /** A {@code long} read as an unsigned 64-bit number. */
  static double unsigned(long v) {
    return v >= 0 ? (double) v : v + TWO_64;
  }
}
