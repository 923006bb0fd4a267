package org.wayleave.controller.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A refused request. Thrown before anything is written; carries every violation found, the first of
 * which decides the status code.
 */
public final class ApiException extends RuntimeException {
  private final List<Violation> violations;

  public ApiException(List<Violation> violations) {
    super(message(violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an ApiException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
  }

  /** Violations the message names; the rest are counted. */
  public static final int MESSAGE_VIOLATIONS = 10;

  public static ApiException of(ErrorCode code, String field, String description) {
    return new ApiException(List.of(new Violation(code, field, description)));
  }

  public ErrorCode code() {
    return violations.get(0).code();
  }

  public List<Violation> violations() {
    return violations;
  }

  private static String message(List<Violation> violations) {
    if (violations.size() == 1) {
      return violations.get(0).toString();
    }
    // A refused batch of thousands must still fit a status header: name the first few, count the
    // rest.
    String shown =
        violations.stream()
            .limit(MESSAGE_VIOLATIONS)
            .map(Violation::toString)
            .collect(Collectors.joining("; "));
    int more = violations.size() - MESSAGE_VIOLATIONS;
    return violations.size() + " problems: " + shown + (more > 0 ? "; and " + more + " more" : "");
  }
}
