package org.wayleave.controller.northbound;

import com.google.protobuf.Message;
import io.grpc.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.core.Violation;
import org.wayleave.controller.core.Visibility;

/**
 * What a caller may see and change. Engineers and the NOC see everything. A supplier sees its own
 * Supplier record, the councils it serves (the policy's list for it, else its Supplier record's),
 * their sites, routers and VLAN pools, and only its own circuits in those councils; anything else
 * looks as if it did not exist, so the answer for another supplier's object is the answer for a
 * missing id.
 *
 * <p>A supplier's writes are circuits only (the role check refuses the rest before this). It may
 * not name another supplier or a council it does not serve, and a circuit it creates has an id
 * beginning {@code <SUPPLIER>-} (the supplier id in capitals, as circuit ids are): circuit ids are
 * one namespace, and the prefix keeps a supplier from learning another's ids by colliding with
 * them.
 */
final class Scope implements Visibility {
  static final Context.Key<Scope> KEY = Context.key("wayleave-scope");
  private static final Scope ALL = new Scope(null, Set.of(), null);
  private static final Pattern USED_BY =
      Pattern.compile("(already used by circuit )([A-Z0-9][A-Z0-9-]*)");

  private final String supplier;
  private final Set<String> councils;
  private final ResourceCache cache;

  private Scope(String supplier, Set<String> councils, ResourceCache cache) {
    this.supplier = supplier;
    this.councils = councils;
    this.cache = cache;
  }

  static Scope all() {
    return ALL;
  }

  static Scope supplier(String supplier, Set<String> councils, ResourceCache cache) {
    return new Scope(supplier, Set.copyOf(councils), cache);
  }

  /** The current call's scope; everything outside a call (in-process use, tests of services). */
  static Scope current() {
    Scope s = KEY.get();
    return s == null ? ALL : s;
  }

  /**
   * The prefix of circuit ids a supplier creates: {@code QUILLON-CARRIER-} for {@code
   * quillon-carrier}.
   */
  String idPrefix() {
    return supplier.toUpperCase(Locale.ROOT) + "-";
  }

  boolean isAll() {
    return supplier == null;
  }

  /**
   * Whether the caller may see {@code obj} (null: nothing to see), and so name it in its writes.
   */
  @Override
  public boolean sees(Message obj) {
    if (obj == null) {
      return false;
    }
    if (isAll()) {
      return true;
    }
    if (obj instanceof Circuit c) {
      return supplier.equals(c.getSpec().getSupplier())
          && councils.contains(c.getSpec().getCouncil());
    }
    if (obj instanceof Council c) {
      return councils.contains(c.getId());
    }
    if (obj instanceof Supplier s) {
      return supplier.equals(s.getId());
    }
    if (obj instanceof Site s) {
      return councils.contains(s.getCouncil());
    }
    if (obj instanceof Device d) {
      Site site = cache.get(Kind.SITE, d.getSite());
      return site != null && councils.contains(site.getCouncil());
    }
    if (obj instanceof VlanPool p) {
      return sees(cache.get(Kind.DEVICE, p.getDevice()));
    }
    return false;
  }

  <T extends Message> Predicate<T> filter() {
    return isAll() ? t -> true : this::sees;
  }

  /** Whether a council id is one the caller serves (everything for engineers and the NOC). */
  boolean servesCouncil(String council) {
    return isAll() || councils.contains(council);
  }

  /**
   * Refuses a supplier's writes it may not make, before they are planned; nothing for others. Every
   * refusal reads the same whether or not the object named exists.
   */
  void checkWrites(List<Op> ops) {
    if (isAll()) {
      return;
    }
    List<Violation> v = new ArrayList<>();
    for (Op op : ops) {
      String at = op.field().isEmpty() ? "" : op.field() + ".";
      if (op.kind() != Kind.CIRCUIT) {
        v.add(
            new Violation(
                ErrorCode.PERMISSION_DENIED,
                at.isEmpty() ? "kind" : op.field(),
                "a supplier may write circuits only"));
        continue;
      }
      Circuit existing = cache.get(Kind.CIRCUIT, op.id());
      boolean visible = sees(existing);
      String what = "circuit '" + op.id() + "'";
      switch (op.mode()) {
        case UPDATE, DELETE -> {
          if (!visible) {
            // What the planner answers for a missing circuit.
            v.add(new Violation(ErrorCode.NOT_FOUND, at + "id", what + " does not exist"));
            continue;
          }
        }
        case CREATE, UPSERT -> {
          if (!visible && !op.id().startsWith(idPrefix())) {
            v.add(
                new Violation(
                    ErrorCode.INVALID_ARGUMENT,
                    at + "id",
                    "a circuit supplier '"
                        + supplier
                        + "' creates must have an id beginning '"
                        + idPrefix()
                        + "' (got '"
                        + op.id()
                        + "')"));
            continue;
          }
        }
      }
      if (op.obj() instanceof Circuit c) {
        if (!supplier.equals(c.getSpec().getSupplier())) {
          v.add(
              new Violation(
                  ErrorCode.PERMISSION_DENIED,
                  at + "spec.supplier",
                  "must be '"
                      + supplier
                      + "', the supplier your certificate names (got '"
                      + c.getSpec().getSupplier()
                      + "')"));
        }
        if (!councils.contains(c.getSpec().getCouncil())) {
          v.add(
              new Violation(
                  ErrorCode.PERMISSION_DENIED,
                  at + "spec.council",
                  "supplier '"
                      + supplier
                      + "' is not contracted to serve council '"
                      + c.getSpec().getCouncil()
                      + "'"));
        }
      }
    }
    if (!v.isEmpty()) {
      throw new ApiException(v);
    }
  }

  /**
   * A refusal as this caller may read it: a conflict with a circuit it cannot see names no circuit
   * ("already used by another circuit").
   */
  ApiException redact(ApiException e) {
    if (isAll()) {
      return e;
    }
    boolean changed = false;
    List<Violation> out = new ArrayList<>(e.violations().size());
    for (Violation v : e.violations()) {
      Matcher m = USED_BY.matcher(v.description());
      StringBuilder sb = new StringBuilder();
      boolean any = false;
      while (m.find()) {
        any = true;
        String id = m.group(2);
        m.appendReplacement(
            sb,
            Matcher.quoteReplacement(
                sees(cache.get(Kind.CIRCUIT, id)) ? m.group() : "already used by another circuit"));
      }
      m.appendTail(sb);
      if (any) {
        changed = true;
        out.add(new Violation(v.code(), v.field(), sb.toString()));
      } else {
        out.add(v);
      }
    }
    return changed ? new ApiException(out) : e;
  }
}
