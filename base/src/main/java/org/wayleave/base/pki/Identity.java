package org.wayleave.base.pki;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a certificate speaks for: a role and a name, carried in the certificate as the URI subject
 * alternative name {@code wayleave://<role>/<name>} (for example {@code
 * wayleave://agent/rtr-camden-01} or {@code wayleave://supplier/quillon-carrier}).
 */
public record Identity(Role role, String name) {
  /** Names: lower-case slugs, as device and supplier ids are. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");

  public enum Role {
    /** A controller: the server side of both ports. */
    CONTROLLER,
    /** An engineer: everything. */
    ENGINEER,
    /** The NOC: read, acknowledge alarms. */
    NOC,
    /** A supplier: its own councils' circuits only. */
    SUPPLIER,
    /** An edge agent: speaks only for its own device. */
    AGENT;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the valid roles
     */
    public static Role of(String label) {
      for (Role r : values()) {
        if (r.label().equals(label)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "role: unknown '" + label + "'; choose from controller, engineer, noc, supplier, agent");
    }
  }

  public Identity {
    Objects.requireNonNull(role, "role");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: must be a lower-case slug of letters, digits, '.' and '-' (got '" + name + "')");
    }
  }

  /** The SAN URI that carries this identity. */
  public String uri() {
    return "wayleave://" + role.label() + "/" + name;
  }

  /** The principal as audit records show it, e.g. {@code supplier:quillon-carrier}. */
  public String principal() {
    return role.label() + ":" + name;
  }

  /** Parses a SAN URI; empty when it is not a Wayleave identity. */
  public static Optional<Identity> fromUri(String uri) {
    if (uri == null || !uri.startsWith("wayleave://")) {
      return Optional.empty();
    }
    String rest = uri.substring("wayleave://".length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Identity(Role.of(rest.substring(0, slash)), rest.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
