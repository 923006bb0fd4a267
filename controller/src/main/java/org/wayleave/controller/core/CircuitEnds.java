package org.wayleave.controller.core;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Termination;

/** The terminations of a circuit, with their field names. */
public final class CircuitEnds {
  private CircuitEnds() {}

  /** A named end: {@code a_end} or {@code b_end}. */
  public record End(String field, Termination termination) {}

  /** The ends that are set, a_end first. */
  public static List<Termination> of(Circuit c) {
    List<Termination> out = new ArrayList<>(2);
    for (End e : named(c)) {
      out.add(e.termination());
    }
    return out;
  }

  /** The ends that are set, with their field names, a_end first. */
  public static List<End> named(Circuit c) {
    CircuitSpec s = c.getSpec();
    List<End> out = new ArrayList<>(2);
    if (s.hasAEnd()) {
      out.add(new End("a_end", s.getAEnd()));
    }
    if (s.hasBEnd()) {
      out.add(new End("b_end", s.getBEnd()));
    }
    return out;
  }
}
