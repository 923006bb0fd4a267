package org.wayleave.controller.core;

import java.util.Objects;

/**
 * One broken rule: which field, which rule, and what kind of failure it is.
 *
 * @param code the failure class, mapped to a gRPC status code at the edge
 * @param field the field path, e.g. {@code spec.a_end.c_tag} or {@code resources[3].circuit.id}
 * @param description the rule and the offending value, e.g. {@code must be within 1-4094 (got 0)}
 */
public record Violation(ErrorCode code, String field, String description) {
  public Violation {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(description, "description");
  }

  /** The same violation with {@code prefix} in front of its field path. */
  public Violation prefixed(String prefix) {
    return new Violation(code, field.isEmpty() ? prefix : prefix + "." + field, description);
  }

  @Override
  public String toString() {
    return field + ": " + description;
  }
}
