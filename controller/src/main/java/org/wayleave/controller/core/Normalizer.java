package org.wayleave.controller.core;

import com.google.protobuf.Message;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Termination;

/**
 * Brings a requested object into its stored shape: server-owned fields cleared, defaults filled,
 * allocated VLANs carried over, the circuit generation moved on a spec change.
 */
final class Normalizer {
  private Normalizer() {}

  /** {@code m} without the fields the server owns (meta; a circuit's status). */
  static <T extends Message> T strip(Kind<T> kind, Message m) {
    T obj = kind.withMeta(kind.cast(m), ObjectMeta.getDefaultInstance());
    if (obj instanceof Circuit c) {
      return kind.cast(c.toBuilder().clearStatus().clearMeta().build());
    }
    return obj;
  }

  static Message normalize(Kind<?> kind, Message requested, Message existing, Violations v) {
    Message obj = strip(kind, requested);
    if (kind != Kind.CIRCUIT) {
      return obj;
    }
    Circuit c = (Circuit) obj;
    Circuit old = (Circuit) existing;
    CircuitSpec.Builder spec = c.getSpec().toBuilder();
    if (spec.getAdminState() == AdminState.ADMIN_STATE_UNSPECIFIED) {
      spec.setAdminState(AdminState.ADMIN_STATE_ENABLED);
    }
    if (old == null) {
      spec.setGeneration(1);
      return c.toBuilder().setSpec(spec).build();
    }
    CircuitSpec oldSpec = old.getSpec();
    if (!spec.getCouncil().equals(oldSpec.getCouncil())) {
      v.invalid(
          "spec.council",
          "is immutable: circuit "
              + c.getId()
              + " belongs to council '"
              + oldSpec.getCouncil()
              + "' (delete and re-create it to move it)");
    }
    if (spec.hasAEnd() && oldSpec.hasAEnd()) {
      spec.setAEnd(keepTag(spec.getAEnd(), oldSpec.getAEnd()));
    }
    if (spec.hasBEnd() && oldSpec.hasBEnd()) {
      spec.setBEnd(keepTag(spec.getBEnd(), oldSpec.getBEnd()));
    }
    spec.setGeneration(oldSpec.getGeneration());
    if (!spec.build().equals(oldSpec)) {
      spec.setGeneration(oldSpec.getGeneration() + 1);
    }
    return c.toBuilder().setSpec(spec).build();
  }

  /**
   * An end that names no c-tag keeps the one allocated before, if it still lands on the same port.
   */
  private static Termination keepTag(Termination requested, Termination old) {
    if (requested.hasCTag() || !old.hasCTag()) {
      return requested;
    }
    boolean samePlace =
        requested.getDevice().equals(old.getDevice())
            && requested.getPort().equals(old.getPort())
            && requested.hasSTag() == old.hasSTag()
            && requested.getSTag() == old.getSTag();
    return samePlace ? requested.toBuilder().setCTag(old.getCTag()).build() : requested;
  }
}
