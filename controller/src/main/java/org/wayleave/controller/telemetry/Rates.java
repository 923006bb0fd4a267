package org.wayleave.controller.telemetry;

/**
 * What an interface carried between two polls. A value is {@code NaN} when it could not be
 * measured: the first sample, a column the agent does not have, or a discontinuity (a reboot, a
 * counter reset) that dropped the sample.
 *
 * @param inBps bits per second received
 * @param outBps bits per second sent
 * @param inErrorsPerSecond inbound packets with errors per second
 * @param outErrorsPerSecond outbound packets with errors per second
 * @param inDiscardsPerSecond inbound packets discarded per second
 */
public record Rates(
    double inBps,
    double outBps,
    double inErrorsPerSecond,
    double outErrorsPerSecond,
    double inDiscardsPerSecond) {
  /** Nothing measured. */
  public static final Rates NONE =
      new Rates(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Smallest Ethernet frame, for the most packets (and so errors) a link can carry per second. */
  private static final double MIN_FRAME_BITS = 64 * 8;

  /**
   * Rates of one interface between two samples of it, taken {@code seconds} apart. The caller has
   * already ruled out an agent restart ({@link Counters#restarted}); the rows are the same ifIndex.
   * 64-bit counters are used when both samples have them, else the 32-bit ones.
   */
  public static Rates between(IfRow prev, IfRow cur, double seconds) {
    if (seconds <= 0) {
      return NONE;
    }
    double speed = Math.max(prev.speedBps(), cur.speedBps());
    double octetsPerSecond = speed / 8;
    double packetsPerSecond = speed / MIN_FRAME_BITS;
    return new Rates(
        octets(prev, cur, true, seconds, octetsPerSecond) * 8 / seconds,
        octets(prev, cur, false, seconds, octetsPerSecond) * 8 / seconds,
        counter32(
            prev,
            cur,
            IfMib.Column.IF_IN_ERRORS,
            prev.inErrors,
            cur.inErrors,
            seconds,
            packetsPerSecond),
        counter32(
            prev,
            cur,
            IfMib.Column.IF_OUT_ERRORS,
            prev.outErrors,
            cur.outErrors,
            seconds,
            packetsPerSecond),
        counter32(
            prev,
            cur,
            IfMib.Column.IF_IN_DISCARDS,
            prev.inDiscards,
            cur.inDiscards,
            seconds,
            packetsPerSecond));
  }

  private static double octets(
      IfRow prev, IfRow cur, boolean in, double seconds, double maxPerSecond) {
    IfMib.Column hc = in ? IfMib.Column.IF_HC_IN_OCTETS : IfMib.Column.IF_HC_OUT_OCTETS;
    IfMib.Column c32 = in ? IfMib.Column.IF_IN_OCTETS : IfMib.Column.IF_OUT_OCTETS;
    if (prev.has(hc) && cur.has(hc)) {
      return Counters.delta64(
          in ? prev.hcInOctets : prev.hcOutOctets,
          in ? cur.hcInOctets : cur.hcOutOctets,
          seconds,
          maxPerSecond);
    }
    if (prev.has(c32) && cur.has(c32)) {
      return Counters.delta32(
          in ? prev.inOctets : prev.outOctets,
          in ? cur.inOctets : cur.outOctets,
          seconds,
          maxPerSecond);
    }
    return Double.NaN;
  }

  private static double counter32(
      IfRow prev, IfRow cur, IfMib.Column c, long p, long v, double seconds, double maxPerSecond) {
    if (!prev.has(c) || !cur.has(c)) {
      return Double.NaN;
    }
    return Counters.delta32(p, v, seconds, maxPerSecond) / seconds;
  }

  /** Errors and discards per second together, {@code NaN} when none of them is known. */
  public double problemsPerSecond() {
    double sum = 0;
    boolean any = false;
    for (double v : new double[] {inErrorsPerSecond, outErrorsPerSecond, inDiscardsPerSecond}) {
      if (!Double.isNaN(v)) {
        sum += v;
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }

  /** The busier direction in bit/s, {@code NaN} when neither is known. */
  public double peakBps() {
    if (Double.isNaN(inBps)) {
      return outBps;
    }
    return Double.isNaN(outBps) ? inBps : Math.max(inBps, outBps);
  }
}
