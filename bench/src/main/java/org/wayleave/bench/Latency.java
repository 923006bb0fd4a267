package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A latency recorder: an HdrHistogram at microsecond resolution (3 significant digits, up to ten
 * minutes), reported in milliseconds.
 */
final class Latency {
  private final Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);

  /** Records the time since {@code startNanos}, and returns it in nanoseconds. */
  long recordSince(long startNanos) {
    long nanos = System.nanoTime() - startNanos;
    record(nanos);
    return nanos;
  }

  void record(long nanos) {
    // Round to the nearest microsecond, but never record zero: every call takes some time.
    h.recordValue(Math.max(1, (nanos + 500) / 1000));
  }

  /** Adds what {@code other} recorded. */
  void add(Latency other) {
    h.add(other.h);
  }

  long count() {
    return h.getTotalCount();
  }

  double percentileMs(double p) {
    return h.getValueAtPercentile(p) / 1000.0;
  }

  double maxMs() {
    return h.getMaxValue() / 1000.0;
  }

  double minMs() {
    return h.getMinValue() / 1000.0;
  }

  double meanMs() {
    return h.getMean() / 1000.0;
  }

  /** {p50, p90, p99, max, mean, count} (and min), in ms. */
  ObjectNode full() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("p50", ms(percentileMs(50)));
    n.put("p90", ms(percentileMs(90)));
    n.put("p99", ms(percentileMs(99)));
    n.put("max", ms(maxMs()));
    n.put("mean", ms(meanMs()));
    n.put("min", ms(minMs()));
    n.put("count", count());
    return n;
  }

  /** {p50, p99, count}, in ms. */
  ObjectNode brief() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("p50", ms(percentileMs(50)));
    n.put("p99", ms(percentileMs(99)));
    n.put("max", ms(maxMs()));
    n.put("count", count());
    return n;
  }

  /** {runs, median} of whole runs timed one by one, in ms. */
  static ObjectNode runs(List<Long> nanos) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode a = n.putArray("runs");
    nanos.forEach(x -> a.add(nanosToMs(x)));
    n.put("median", nanosToMs(Stats.median(nanos)));
    return n;
  }

  /** Milliseconds to the microsecond. */
  static double ms(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static double nanosToMs(long nanos) {
    return ms(nanos / 1e6);
  }
}
