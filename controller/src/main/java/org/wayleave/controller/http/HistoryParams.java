package org.wayleave.controller.http;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.vertx.ext.web.RoutingContext;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.base.time.DurationText;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.northbound.TelemetryQueries;

/**
 * {@code GET /api/v1/telemetry/history}'s query: {@code since} and {@code until} as RFC 3339 times,
 * {@code step} as a duration ({@code 5m}, {@code 1h30m}, {@code 300s}) or bare seconds ({@code
 * 300}), {@code max_points} as a whole number. What the values must be beyond their form is {@link
 * TelemetryQueries}'s to say, as it is for gRPC.
 */
final class HistoryParams {
  private HistoryParams() {}

  static GetRateHistoryRequest request(RoutingContext ctx, TelemetryScope scope) {
    GetRateHistoryRequest.Builder b = GetRateHistoryRequest.newBuilder().setScope(scope);
    time(ctx, "since").ifPresent(b::setSince);
    time(ctx, "until").ifPresent(b::setUntil);
    String step = ctx.queryParams().get("step");
    if (step != null && !step.isEmpty()) {
      Duration d = step(step);
      b.setStep(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(d.getSeconds())
              .setNanos(d.getNano()));
    }
    String max = ctx.queryParams().get("max_points");
    if (max != null && !max.isEmpty()) {
      try {
        b.setMaxPoints(Integer.parseInt(max));
      } catch (NumberFormatException e) {
        throw ApiException.of(
            ErrorCode.INVALID_ARGUMENT,
            "max_points",
            "must be a whole number within 1-"
                + TelemetryQueries.MAX_POINTS
                + " (got '"
                + max
                + "')");
      }
    }
    return b.build();
  }

  private static Duration step(String v) {
    try {
      return v.chars().allMatch(Character::isDigit) && v.length() <= 12
          ? Duration.ofSeconds(Long.parseLong(v))
          : DurationText.parse(v);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "step",
          "must be a positive duration such as 5m, 1h30m, 300s or 300 (seconds) (got '" + v + "')");
    }
  }

  static Optional<Timestamp> time(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Timestamps.parse(v));
    } catch (ParseException e) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          name,
          "must be an RFC 3339 time such as 2026-11-22T10:00:00Z (got '" + v + "')");
    }
  }
}
