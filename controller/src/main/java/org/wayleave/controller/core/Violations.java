package org.wayleave.controller.core;

import java.util.ArrayList;
import java.util.List;

/** Collects violations under a field-path prefix; throws them all at once. */
public final class Violations {
  private final List<Violation> list;
  private final String prefix;

  public Violations() {
    this(new ArrayList<>(), "");
  }

  private Violations(List<Violation> list, String prefix) {
    this.list = list;
    this.prefix = prefix;
  }

  /** A view that adds {@code path} in front of every field it records, sharing this collector. */
  public Violations at(String path) {
    return new Violations(list, prefix.isEmpty() ? path : prefix + "." + path);
  }

  public void add(ErrorCode code, String field, String description) {
    String f = field.isEmpty() ? prefix : prefix.isEmpty() ? field : prefix + "." + field;
    list.add(new Violation(code, f, description));
  }

  public void invalid(String field, String description) {
    add(ErrorCode.INVALID_ARGUMENT, field, description);
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public List<Violation> list() {
    return List.copyOf(list);
  }

  /** Throws an {@link ApiException} if anything was recorded. */
  public void throwIfAny() {
    if (!list.isEmpty()) {
      throw new ApiException(list);
    }
  }
}
