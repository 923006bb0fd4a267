package org.wayleave.controller.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.Violation;

/** JSON out of the HTTP API: protobuf messages in the protobuf JSON mapping, as gRPC's JSON is. */
final class Json {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private Json() {}

  static String print(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** {@code {"items":[...]}} */
  static String items(Collection<? extends MessageOrBuilder> items) {
    StringBuilder b = new StringBuilder(64 + items.size() * 256).append("{\"items\":[");
    boolean first = true;
    for (MessageOrBuilder m : items) {
      if (!first) {
        b.append(',');
      }
      b.append(print(m));
      first = false;
    }
    return b.append("]}").toString();
  }

  static void ok(RoutingContext ctx, String body) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(body);
  }

  static void ok(RoutingContext ctx, JsonObject body) {
    ok(ctx, body.encode());
  }

  /** An error as {@code {"error":{"code","message","violations":[{"field","description"}]}}}. */
  static void error(
      RoutingContext ctx,
      int status,
      String code,
      String message,
      Collection<Violation> violations) {
    JsonArray vs = new JsonArray();
    for (Violation v : violations) {
      vs.add(new JsonObject().put("field", v.field()).put("description", v.description()));
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(
            new JsonObject()
                .put(
                    "error",
                    new JsonObject()
                        .put("code", code)
                        .put("message", message)
                        .put("violations", vs))
                .encode());
  }

  static void error(RoutingContext ctx, ApiException e) {
    int status =
        switch (e.code()) {
          case INVALID_ARGUMENT -> 400;
          case NOT_FOUND -> 404;
          case ALREADY_EXISTS, FAILED_PRECONDITION -> 409;
          case OUT_OF_RANGE -> 410;
          case PERMISSION_DENIED -> 403;
        };
    error(ctx, status, e.code().name(), e.getMessage(), e.violations());
  }
}
