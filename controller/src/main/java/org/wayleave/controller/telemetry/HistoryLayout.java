package org.wayleave.controller.telemetry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiers of rate history and where each interface's values lie in a {@link HistoryFile}.
 *
 * <p><b>Tiers.</b> As an RRD file keeps them: every poll for the newest hour (a plot of the last
 * hour shows every poll, early ones included); 5-minute averages and peaks for a day (a day's plot
 * is 288 points, under the 500 a plot asks for by default, and 5 minutes is what LibreNMS and MRTG
 * draw a day at); hourly averages and peaks for the whole retention, 30 days by default (720
 * points: a month's plot, and a week at 168). A tier whose step would not be coarser than the poll
 * interval merges into the finer one (a poll every 10 minutes keeps every poll for the day). Peaks
 * are kept beside averages in the coarse tiers because an average hides the burst that congested a
 * circuit, and the NOC looks for those; they cost 6 bytes a slot, a third of a record. Each tier
 * consolidates from the polls themselves as they arrive (no batch job, no tier built from another),
 * weighting each poll by the seconds it measured, so an average is the bits carried over the time
 * measured, whatever early polls came in between.
 *
 * <p><b>Values.</b> Inbound bit/s, outbound bit/s and errors+discards per second, each as a 16-bit
 * logarithmic code (relative error under 0.1 % from 1 bit/s to 10<sup>12</sup> bit/s), with an
 * all-ones code for "not measured".
 *
 * <p><b>Segments.</b> Records are kept {@link #recordsPerSegment()} to a segment, and within a
 * segment each tier's ring is slot-major: slot {@code s} of every record of the segment lies
 * together. At a bucket boundary every interface writes the same slot, so the pages a minute's
 * polls dirty (and {@code force()} writes) are the accumulators and one slot's worth per segment:
 * about 20 MB a minute at 100,000 interfaces, where one record per interface would dirty a page per
 * interface per tier (400 MB). Reading one series then touches one page per few slots, which a plot
 * reads once.
 *
 * <p>Segment: keys ({@link #KEY_BYTES} per record: a 16-bit length and UTF-8 {@code
 * device\ninterface}), then each record's state per tier ({@link #STATE_BYTES}: the newest slot
 * written to the ring, the slot being accumulated, and per value the weighted sum, the weight and
 * the highest code), then each tier's ring ({@code slots x records x values x 2} bytes).
 */
public final class HistoryLayout {
  /** One resolution: a ring of {@code slots} slots, each {@code stepMillis} long. */
  public record Tier(long stepMillis, int slots, boolean keepsMax) {
    public long spanMillis() {
      return stepMillis * slots;
    }

    /** Codes a slot holds: the three averages, then (if kept) the three peaks. */
    int codes() {
      return keepsMax ? 6 : 3;
    }
  }

  /**
   * How a query is answered: from {@code tier}, {@code group} consecutive slots merged into each
   * point, so points are {@code spacingMillis} apart.
   */
  public record Resolution(int tier, long group, long spacingMillis) {}

  static final Duration RAW_SPAN = Duration.ofHours(1);
  static final Duration MINUTES_STEP = Duration.ofMinutes(5);
  static final Duration MINUTES_SPAN = Duration.ofHours(24);
  static final Duration HOURS_STEP = Duration.ofHours(1);

  static final int KEY_BYTES = 128;
  static final int MAX_KEY = KEY_BYTES - 2;
  static final int STATE_BYTES = 64;

  /** The file header; its first {@link #LAYOUT_BYTES} describe the layout, then the counts. */
  static final int HEADER_BYTES = 4096;

  static final int LAYOUT_BYTES = 1024;
  static final int USED_OFFSET = LAYOUT_BYTES;
  static final long MAGIC = 0x574c_5241_5445_5331L; // "WLRATES1"
  static final int VERSION = 1;
  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  /** Records per segment of a file: 3.3 MB at a 60 s interval and 30 days. */
  static final int FILE_RECORDS_PER_SEGMENT = 256;

  private final long intervalMillis;
  private final List<Tier> tiers;
  private final int recordsPerSegment;
  private final int statesOffset;
  private final long[] ringOffsets;
  private final long segmentBytes;

  HistoryLayout(long intervalMillis, List<Tier> tiers, int recordsPerSegment) {
    if (intervalMillis <= 0 || tiers.isEmpty() || recordsPerSegment <= 0) {
      throw new IllegalArgumentException("a layout needs an interval, tiers and records");
    }
    this.intervalMillis = intervalMillis;
    this.tiers = List.copyOf(tiers);
    this.recordsPerSegment = recordsPerSegment;
    this.statesOffset = recordsPerSegment * KEY_BYTES;
    this.ringOffsets = new long[tiers.size()];
    long at = statesOffset + (long) recordsPerSegment * tiers.size() * STATE_BYTES;
    for (int k = 0; k < tiers.size(); k++) {
      ringOffsets[k] = at;
      Tier t = tiers.get(k);
      at += align8((long) t.slots() * recordsPerSegment * t.codes() * 2);
    }
    if (at > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a history segment would exceed 2 GB: " + describe());
    }
    this.segmentBytes = at;
  }

  /**
   * The tiers for polls every {@code interval} kept for {@code retention}: every poll for an hour,
   * 5-minute points for a day, hourly points for the rest (as the class comment says why).
   */
  public static HistoryLayout of(Duration interval, Duration retention, int recordsPerSegment) {
    long iv = interval.toMillis();
    long ret = retention.toMillis();
    long[][] wanted = {
      {iv, Math.min(RAW_SPAN.toMillis(), ret)},
      {Math.max(MINUTES_STEP.toMillis(), iv), Math.min(MINUTES_SPAN.toMillis(), ret)},
      {Math.max(HOURS_STEP.toMillis(), iv), ret}
    };
    List<long[]> kept = new ArrayList<>();
    for (long[] w : wanted) {
      long[] prev = kept.isEmpty() ? null : kept.get(kept.size() - 1);
      if (prev != null && w[0] <= prev[0]) {
        // Not coarser than the tier before: that tier simply reaches back further.
        prev[1] = Math.max(prev[1], w[1]);
      } else if (prev == null || w[1] > prev[1]) {
        kept.add(new long[] {w[0], w[1]});
      }
    }
    List<Tier> tiers = new ArrayList<>();
    for (long[] k : kept) {
      long slots = Math.max(1, (k[1] + k[0] - 1) / k[0]);
      tiers.add(new Tier(k[0], Math.toIntExact(slots), !tiers.isEmpty()));
    }
    return new HistoryLayout(iv, tiers, recordsPerSegment);
  }

  /** The layout of a history file for these polls. */
  public static HistoryLayout forFile(TelemetryConfig config) {
    return of(config.interval(), config.history(), FILE_RECORDS_PER_SEGMENT);
  }

  public long intervalMillis() {
    return intervalMillis;
  }

  public List<Tier> tiers() {
    return tiers;
  }

  public int recordsPerSegment() {
    return recordsPerSegment;
  }

  public long segmentBytes() {
    return segmentBytes;
  }

  /** Bytes one interface takes on disk (its share of a segment). */
  public long bytesPerRecord() {
    return segmentBytes / recordsPerSegment;
  }

  /** How far back the coarsest tier reaches. */
  public long retentionMillis() {
    return tiers.get(tiers.size() - 1).spanMillis();
  }

  int keyOffset(int record) {
    return record * KEY_BYTES;
  }

  int stateOffset(int record, int tier) {
    return statesOffset + (record * tiers.size() + tier) * STATE_BYTES;
  }

  /** Where slot {@code position} of {@code tier}'s ring lies for {@code record}. */
  int cellOffset(int tier, int position, int record) {
    return (int)
        (ringOffsets[tier]
            + ((long) position * recordsPerSegment + record) * tiers.get(tier).codes() * 2);
  }

  /**
   * Which tier answers points from {@code since} to {@code until} at {@code stepMillis} apart or
   * more (when above 0), else at most {@code maxPoints} of them: of the tiers that reach back to
   * {@code since}, the one giving the finest spacing that is no finer than asked, the coarser one
   * on a tie (it reads fewer slots and carries peaks). A tier serves a range that starts up to a
   * tenth of its span before what it holds, so that a plot of exactly the last hour from a browser
   * whose clock is a little behind still gets every poll rather than 5-minute points; the coarsest
   * tier serves whatever no other reaches.
   */
  public Resolution resolve(long since, long until, long now, long stepMillis, int maxPoints) {
    Resolution best = null;
    for (int k = 0; k < tiers.size(); k++) {
      Tier t = tiers.get(k);
      long reach = now - t.spanMillis() - t.spanMillis() / 10;
      if (since < reach && k < tiers.size() - 1) {
        continue;
      }
      long step = t.stepMillis();
      long group;
      if (stepMillis > 0) {
        group = ceilDiv(stepMillis, step);
      } else {
        long slots = Math.floorDiv(until - 1, step) - Math.floorDiv(since, step) + 1;
        group = ceilDiv(slots, maxPoints);
      }
      group = Math.max(1, group);
      // No overflow: the spacing is under step + stepMillis, or the range plus two steps.
      long spacing = group * step;
      if (best == null || spacing <= best.spacingMillis()) {
        best = new Resolution(k, group, spacing);
      }
    }
    return best;
  }

  /** The header's layout part, as a file made for this layout starts. */
  ByteBuffer layoutBytes() {
    ByteBuffer b = ByteBuffer.allocate(LAYOUT_BYTES).order(ORDER);
    b.putLong(MAGIC).putInt(VERSION).putInt(HEADER_BYTES);
    b.putLong(intervalMillis).putInt(recordsPerSegment).putInt(KEY_BYTES).putInt(STATE_BYTES);
    b.putLong(segmentBytes).putInt(tiers.size());
    for (Tier t : tiers) {
      b.putLong(t.stepMillis()).putInt(t.slots()).putInt(t.codes());
    }
    return b.clear();
  }

  /**
   * What a file's header says it holds, for the log when it does not match: the interval and tiers
   * when it is a history file at all.
   */
  static String describe(ByteBuffer header) {
    ByteBuffer b = header.duplicate().order(ORDER).clear();
    if (b.remaining() < 40 || b.getLong() != MAGIC) {
      return "not a Wayleave rate history file";
    }
    int version = b.getInt();
    if (version != VERSION) {
      return "version " + version + " (this controller writes " + VERSION + ")";
    }
    b.getInt();
    long interval = b.getLong();
    int records = b.getInt();
    b.getInt();
    b.getInt();
    b.getLong();
    int n = b.getInt();
    if (n < 1 || n > 8) {
      return "a damaged header (" + n + " tiers)";
    }
    List<Tier> tiers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tiers.add(new Tier(b.getLong(), b.getInt(), b.getInt() == 6));
    }
    return describe(interval, tiers, records);
  }

  /** The interval and tiers, for logs. */
  public String describe() {
    return describe(intervalMillis, tiers, recordsPerSegment);
  }

  private static String describe(long interval, List<Tier> tiers, int records) {
    StringBuilder s = new StringBuilder("polls every " + Duration.ofMillis(interval) + "; tiers");
    for (Tier t : tiers) {
      s.append(' ')
          .append(t.slots())
          .append(" x ")
          .append(Duration.ofMillis(t.stepMillis()))
          .append(t.keepsMax() ? " (avg+max)" : "");
    }
    return s.append("; ").append(records).append(" records a segment").toString();
  }

  /**
   * The key a record stores: {@code device\ninterface} in UTF-8, or when that is too long for a
   * record its start and a 64-bit hash of the whole (so two long names that share a start stay
   * apart).
   */
  static String key(String device, String name) {
    String key = device + "\n" + name;
    if (utf8Length(key) <= MAX_KEY) {
      return key;
    }
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    String tag = "#" + Long.toHexString(h);
    int n = Math.min(key.length(), MAX_KEY - tag.length());
    while (n > 0
        && (utf8Length(key.substring(0, n)) + tag.length() > MAX_KEY
            || Character.isHighSurrogate(key.charAt(n - 1)))) {
      n--;
    }
    return key.substring(0, n) + tag;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static long align8(long n) {
    return (n + 7) & ~7L;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
