package org.wayleave.controller.telemetry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rate history of one interface: a view of its record in a {@link HistoryFile} segment, with
 * every tier of {@link HistoryLayout} consolidated as polls arrive. Each tier accumulates the polls
 * of its current slot (their weighted sums, weights and peaks in the record's state); when a poll
 * falls in a later slot, the finished one is written to the ring as its average and peak, and the
 * slots no poll reached since the last one written are cleared (they read as missing). Reads
 * include the slot still accumulating, so the newest point of a coarse tier is there before its
 * slot ends. A poll older than the slot a tier accumulates is ignored by that tier (a wall clock
 * set back: history resumes when it catches up). Not thread-safe; {@link HistoryFile} guards it.
 */
public final class RateHistory {
  /** Codes per natural-log unit: ln(1 + 10^12) ~ 27.6 fits 16 bits with room. */
  private static final double SCALE = 1100.0;

  static final short MISSING = -1;
  static final long NONE = Long.MIN_VALUE;
  private static final int VALUES = 3;

  // Offsets within a tier's state.
  private static final int NEWEST = 0;
  private static final int BUCKET = 8;
  private static final int SUMS = 16;
  private static final int WEIGHTS = SUMS + 8 * VALUES;
  private static final int PEAKS = WEIGHTS + 4 * VALUES;

  /**
   * One point of history. Values are {@code NaN} when no poll measured them; peaks are {@code NaN}
   * too where a point is one poll (the finest tier, unmerged).
   */
  public record Point(
      long epochMillis,
      double inBps,
      double outBps,
      double problemsPerSecond,
      double inBpsMax,
      double outBpsMax,
      double problemsPerSecondMax) {

    /** A point with averages only. */
    public Point(long epochMillis, double inBps, double outBps, double problemsPerSecond) {
      this(epochMillis, inBps, outBps, problemsPerSecond, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  private final HistoryLayout layout;
  private final ByteBuffer segment;
  private final int record;

  RateHistory(HistoryLayout layout, ByteBuffer segment, int record) {
    this.layout = layout;
    this.segment = segment;
    this.record = record;
  }

  /** Makes the record empty: nothing written, nothing accumulating. */
  void reset() {
    for (int k = 0; k < layout.tiers().size(); k++) {
      int st = layout.stateOffset(record, k);
      segment.putLong(st + NEWEST, NONE);
      startBucket(st, NONE);
    }
  }

  /**
   * Adds the rates a poll at {@code epochMillis} measured over {@code seconds} (its weight in the
   * averages) to every tier.
   */
  public void add(long epochMillis, Rates r, double seconds) {
    double[] v = {r.inBps(), r.outBps(), r.problemsPerSecond()};
    float weight = seconds > 0 && seconds < Float.MAX_VALUE ? (float) seconds : 1f;
    for (int k = 0; k < layout.tiers().size(); k++) {
      HistoryLayout.Tier t = layout.tiers().get(k);
      int st = layout.stateOffset(record, k);
      long slot = Math.floorDiv(epochMillis, t.stepMillis());
      long bucket = segment.getLong(st + BUCKET);
      if (bucket != NONE && slot < bucket) {
        continue;
      }
      if (bucket != NONE && slot > bucket) {
        finish(k, st, bucket);
      }
      if (slot != bucket) {
        startBucket(st, slot);
      }
      for (int i = 0; i < VALUES; i++) {
        short code = encode(v[i]);
        if (code == MISSING) {
          continue;
        }
        int sum = st + SUMS + 8 * i;
        int w = st + WEIGHTS + 4 * i;
        int peak = st + PEAKS + 2 * i;
        segment.putDouble(sum, segment.getDouble(sum) + v[i] * weight);
        segment.putFloat(w, segment.getFloat(w) + weight);
        segment.putShort(peak, (short) Math.max(segment.getShort(peak), code));
      }
    }
  }

  /** The time of the newest poll added (the start of its finest slot), or {@link #NONE}. */
  long newestMillis() {
    long bucket = segment.getLong(layout.stateOffset(record, 0) + BUCKET);
    return bucket == NONE ? NONE : bucket * layout.tiers().get(0).stepMillis();
  }

  /** Writes the accumulated slot to the ring, clearing the slots skipped since the newest. */
  private void finish(int k, int st, long bucket) {
    HistoryLayout.Tier t = layout.tiers().get(k);
    long newest = segment.getLong(st + NEWEST);
    long from = bucket - t.slots() + 1;
    if (newest != NONE) {
      from = Math.max(from, newest + 1);
    }
    for (long s = from; s < bucket; s++) {
      int cell = cell(k, s);
      for (int c = 0; c < t.codes(); c++) {
        segment.putShort(cell + 2 * c, MISSING);
      }
    }
    int cell = cell(k, bucket);
    for (int i = 0; i < VALUES; i++) {
      segment.putShort(cell + 2 * i, encode(average(st, i)));
      if (t.keepsMax()) {
        segment.putShort(cell + 2 * (VALUES + i), segment.getShort(st + PEAKS + 2 * i));
      }
    }
    segment.putLong(st + NEWEST, bucket);
  }

  private void startBucket(int st, long slot) {
    segment.putLong(st + BUCKET, slot);
    for (int i = 0; i < VALUES; i++) {
      segment.putDouble(st + SUMS + 8 * i, 0);
      segment.putFloat(st + WEIGHTS + 4 * i, 0);
      segment.putShort(st + PEAKS + 2 * i, MISSING);
    }
  }

  private double average(int st, int i) {
    float w = segment.getFloat(st + WEIGHTS + 4 * i);
    return w > 0 ? segment.getDouble(st + SUMS + 8 * i) / w : Double.NaN;
  }

  /**
   * The points from {@code fromMillis} (inclusive) to {@code toMillis} (exclusive) at {@code res},
   * oldest first. A point merging several slots averages those that have a value and takes the
   * highest of their peaks (of their averages in the finest tier, which keeps no peaks).
   */
  public List<Point> range(long fromMillis, long toMillis, HistoryLayout.Resolution res) {
    int k = res.tier();
    HistoryLayout.Tier t = layout.tiers().get(k);
    int st = layout.stateOffset(record, k);
    long newest = segment.getLong(st + NEWEST);
    long bucket = segment.getLong(st + BUCKET);
    long first = Math.floorDiv(fromMillis, t.stepMillis());
    long last = Math.floorDiv(toMillis - 1, t.stepMillis());
    Merger m = new Merger(first, res, t.keepsMax() || res.group() > 1);
    if (newest != NONE) {
      // Slots the accumulating one will overwrite when it is written are out of the tier's span.
      long oldest = Math.max(newest, bucket) - t.slots() + 1;
      for (long s = Math.max(first, oldest); s <= Math.min(last, newest); s++) {
        int cell = cell(k, s);
        double[] avg = new double[VALUES];
        double[] max = new double[VALUES];
        for (int i = 0; i < VALUES; i++) {
          avg[i] = decode(segment.getShort(cell + 2 * i));
          max[i] = t.keepsMax() ? decode(segment.getShort(cell + 2 * (VALUES + i))) : avg[i];
        }
        m.add(s, avg, max);
      }
    }
    if (bucket != NONE && bucket >= first && bucket <= last && bucket > newest) {
      double[] avg = new double[VALUES];
      double[] max = new double[VALUES];
      for (int i = 0; i < VALUES; i++) {
        avg[i] = average(st, i);
        max[i] = decode(segment.getShort(st + PEAKS + 2 * i));
      }
      m.add(bucket, avg, max);
    }
    return m.done();
  }

  /** Merges consecutive slots into the points of a resolution. */
  private static final class Merger {
    private final long first;
    private final HistoryLayout.Resolution res;
    private final long step;
    private final boolean peaks;
    private final List<Point> out = new ArrayList<>();
    private long group = NONE;
    private final double[] sum = new double[VALUES];
    private final int[] count = new int[VALUES];
    private final double[] max = new double[VALUES];

    Merger(long first, HistoryLayout.Resolution res, boolean peaks) {
      this.first = first;
      this.res = res;
      this.step = res.spacingMillis() / res.group();
      this.peaks = peaks;
      Arrays.fill(max, Double.NaN);
    }

    void add(long slot, double[] avg, double[] peak) {
      long g = Math.floorDiv(slot - first, res.group());
      if (g != group) {
        emit();
        group = g;
      }
      for (int i = 0; i < VALUES; i++) {
        if (!Double.isNaN(avg[i])) {
          sum[i] += avg[i];
          count[i]++;
        }
        if (!Double.isNaN(peak[i]) && !(peak[i] <= max[i])) {
          max[i] = peak[i];
        }
      }
    }

    private void emit() {
      if (group != NONE && (count[0] > 0 || count[1] > 0 || count[2] > 0)) {
        double[] a = new double[VALUES];
        double[] p = new double[VALUES];
        for (int i = 0; i < VALUES; i++) {
          a[i] = count[i] > 0 ? sum[i] / count[i] : Double.NaN;
          p[i] = peaks && count[i] > 0 ? max[i] : Double.NaN;
        }
        long at = (first + group * res.group()) * step;
        out.add(new Point(at, a[0], a[1], a[2], p[0], p[1], p[2]));
      }
      Arrays.fill(sum, 0);
      Arrays.fill(count, 0);
      Arrays.fill(max, Double.NaN);
    }

    List<Point> done() {
      emit();
      return out;
    }
  }

  private int cell(int k, long slot) {
    int position = (int) Math.floorMod(slot, (long) layout.tiers().get(k).slots());
    return layout.cellOffset(k, position, record);
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
