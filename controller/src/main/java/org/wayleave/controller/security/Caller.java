package org.wayleave.controller.security;

import java.util.Objects;
import org.wayleave.base.pki.Identity;

/**
 * Who is calling, once authenticated: the principal the audit trail records ({@code role:name}) and
 * the role the policy gives it. A supplier's name is its supplier id.
 */
public record Caller(String principal, Identity.Role role, String name) {
  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
  }

  /** A caller on a port that runs without TLS ({@code --insecure}): anyone, with every right. */
  public static Caller insecure(String from) {
    return new Caller("insecure@" + from, Identity.Role.ENGINEER, "insecure");
  }

  public boolean is(Identity.Role r) {
    return role == r;
  }

  /** May change desired state (everything): engineers only. */
  public boolean canWrite() {
    return role == Identity.Role.ENGINEER;
  }
}
