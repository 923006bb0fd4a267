package org.wayleave.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The arithmetic the benchmarks report with: medians of runs and rounding for the JSON. */
final class Stats {
  private Stats() {}

  /** The median of {@code values}, the mean of the middle two for an even count; 0 if none. */
  static long median(List<Long> values) {
    if (values.isEmpty()) {
      return 0;
    }
    long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The median of {@code values}, the mean of the middle two for an even count; NaN if none. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The median of {@code figure} over {@code items}, as {@link #median(double[])}. */
  static <T> double median(List<T> items, ToDoubleFunction<T> figure) {
    return median(items.stream().mapToDouble(figure).toArray());
  }

  /** The item whose {@code figure} is the median (the upper middle one for an even count). */
  static <T> T medianBy(List<T> items, ToDoubleFunction<T> figure) {
    return items.stream().sorted(Comparator.comparingDouble(figure)).toList().get(items.size() / 2);
  }

  /** {@code v} to two decimals. */
  static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  /** {@code v} to three decimals. */
  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
