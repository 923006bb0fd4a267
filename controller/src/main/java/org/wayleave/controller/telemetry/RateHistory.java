package org.wayleave.controller.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rate history of one interface: one slot per poll interval, in a ring that holds a fixed span
 * (24 hours by default), so its footprint is bounded whatever the uptime. Slots are allocated in
 * chunks as time passes, so a young controller pays only for what it has seen.
 *
 * <p>Each slot keeps inbound bit/s, outbound bit/s and errors+discards per second as 16-bit
 * logarithmic codes (relative error under 0.1 % from 1 bit/s to 10<sup>12</sup> bit/s): 6 bytes a
 * slot, 8.4 KiB for a day at a 60 s interval. Slots no poll filled read as missing. Not
 * thread-safe; {@link Telemetry} guards it.
 */
public final class RateHistory {
  static final int CHUNK = 360;

  /** Codes per natural-log unit: ln(1 + 10^12) ~ 27.6 fits 16 bits with room. */
  private static final double SCALE = 1100.0;

  private static final short MISSING = -1;

  private final long intervalMillis;
  private final int capacity;
  private final short[][] chunks;

  /** Slot number (time / interval) of the newest entry, or -1 when empty. */
  private long newest = -1;

  public RateHistory(long intervalMillis, int capacity) {
    if (intervalMillis <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("intervalMillis and capacity must be positive");
    }
    this.intervalMillis = intervalMillis;
    this.capacity = capacity;
    this.chunks = new short[(capacity + CHUNK - 1) / CHUNK][];
  }

  /** One point of history. Values are {@code NaN} when that poll could not measure them. */
  public record Point(long epochMillis, double inBps, double outBps, double problemsPerSecond) {}

  /** Records the rates measured at a time. A time older than what is held is ignored. */
  public void add(long epochMillis, Rates r) {
    long slot = Math.floorDiv(epochMillis, intervalMillis);
    if (newest >= 0 && slot <= newest - capacity) {
      return;
    }
    if (slot > newest) {
      // Clear the slots skipped since the newest (no poll filled them), at most one ring's worth.
      for (long s = Math.max(newest + 1, slot - capacity + 1); s < slot; s++) {
        clear(s);
      }
      newest = slot;
    }
    int i = index(slot);
    short[] c = chunk(i);
    int o = (i % CHUNK) * 3;
    c[o] = encode(r.inBps());
    c[o + 1] = encode(r.outBps());
    c[o + 2] = encode(r.problemsPerSecond());
  }

  /**
   * The points from {@code fromMillis} (inclusive) to {@code toMillis} (exclusive), oldest first.
   */
  public List<Point> range(long fromMillis, long toMillis) {
    List<Point> out = new ArrayList<>();
    if (newest < 0) {
      return out;
    }
    long first = Math.max(newest - capacity + 1, Math.floorDiv(fromMillis, intervalMillis));
    long last = Math.min(newest, Math.floorDiv(toMillis - 1, intervalMillis));
    for (long s = first; s <= last; s++) {
      int i = index(s);
      short[] c = chunks[i / CHUNK];
      if (c == null) {
        continue;
      }
      int o = (i % CHUNK) * 3;
      if (c[o] == MISSING && c[o + 1] == MISSING && c[o + 2] == MISSING) {
        continue;
      }
      out.add(new Point(s * intervalMillis, decode(c[o]), decode(c[o + 1]), decode(c[o + 2])));
    }
    return out;
  }

  /** Bytes held by the slots. */
  public long bytes() {
    long n = 0;
    for (short[] c : chunks) {
      n += c == null ? 0 : 16 + 2L * c.length;
    }
    return n;
  }

  /** How far back the history reaches once full, in milliseconds. */
  public long spanMillis() {
    return intervalMillis * capacity;
  }

  private void clear(long slot) {
    int i = index(slot);
    short[] c = chunks[i / CHUNK];
    if (c != null) {
      int o = (i % CHUNK) * 3;
      c[o] = MISSING;
      c[o + 1] = MISSING;
      c[o + 2] = MISSING;
    }
  }

  private int index(long slot) {
    return (int) Math.floorMod(slot, (long) capacity);
  }

  private short[] chunk(int i) {
    short[] c = chunks[i / CHUNK];
    if (c == null) {
      c = new short[CHUNK * 3];
      Arrays.fill(c, MISSING);
      chunks[i / CHUNK] = c;
    }
    return c;
  }

  static short encode(double v) {
    if (Double.isNaN(v) || v < 0) {
      return MISSING;
    }
    long code = Math.round(Math.log1p(v) * SCALE);
    return (short) Math.min(code, Short.MAX_VALUE);
  }

  static double decode(short code) {
    return code == MISSING ? Double.NaN : Math.expm1(code / SCALE);
  }
}
