package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.VlanPool;

/**
 * Rules between objects, checked against the state as it would be after the batch: references
 * resolve, suppliers serve the councils they sell to, pools do not overlap, nothing still in use is
 * deleted.
 */
final class References {
  private References() {}

  /**
   * @param seen what the caller may name: a reference to anything else is refused as a reference to
   *     a missing object, word for word
   */
  static void check(Kind<?> kind, Message obj, StateView s, Visibility seen, Violations v) {
    if (kind == Kind.SUPPLIER) {
      Supplier sup = (Supplier) obj;
      for (int i = 0; i < sup.getCouncilsCount(); i++) {
        exists(s, seen, Kind.COUNCIL, sup.getCouncils(i), "councils[" + i + "]", v);
      }
    } else if (kind == Kind.SITE) {
      exists(s, seen, Kind.COUNCIL, ((Site) obj).getCouncil(), "council", v);
    } else if (kind == Kind.DEVICE) {
      exists(s, seen, Kind.SITE, ((Device) obj).getSite(), "site", v);
    } else if (kind == Kind.VLAN_POOL) {
      pool((VlanPool) obj, s, seen, v);
    } else if (kind == Kind.CIRCUIT) {
      circuit((Circuit) obj, s, seen, v);
    }
  }

  /**
   * The object {@code id} refers to, or null with NOT_FOUND recorded: the same for a missing object
   * and one the caller may not see.
   */
  private static <T extends Message> T exists(
      StateView s, Visibility seen, Kind<T> kind, String id, String field, Violations v) {
    T obj = s.get(kind, id);
    if (obj != null && !seen.sees(obj)) {
      obj = null;
    }
    if (obj == null) {
      v.add(ErrorCode.NOT_FOUND, field, kind.name() + " '" + id + "' does not exist");
    }
    return obj;
  }

  static Port port(Device d, String name) {
    for (Port p : d.getPortsList()) {
      if (p.getName().equals(name)) {
        return p;
      }
    }
    return null;
  }

  private static void pool(VlanPool p, StateView s, Visibility seen, Violations v) {
    Device d = exists(s, seen, Kind.DEVICE, p.getDevice(), "device", v);
    if (d == null) {
      return;
    }
    for (int i = 0; i < p.getPortsCount(); i++) {
      if (port(d, p.getPorts(i)) == null) {
        v.add(
            ErrorCode.NOT_FOUND,
            "ports[" + i + "]",
            "device '" + d.getId() + "' has no port '" + p.getPorts(i) + "'");
      }
    }
    for (String otherId : s.poolsOf(p.getDevice())) {
      if (otherId.equals(p.getId())) {
        continue;
      }
      VlanPool other = s.get(Kind.VLAN_POOL, otherId);
      if (other == null) {
        continue;
      }
      boolean overlap =
          p.getPortsCount() == 0
              || other.getPortsCount() == 0
              || p.getPortsList().stream().anyMatch(other.getPortsList()::contains);
      if (overlap) {
        v.add(
            ErrorCode.FAILED_PRECONDITION,
            "ports",
            "a port is covered by at most one pool, and pool '"
                + otherId
                + "' already covers "
                + (other.getPortsCount() == 0 ? "every port" : "port(s) " + other.getPortsList())
                + " of device '"
                + p.getDevice()
                + "'");
      }
    }
  }

  private static void circuit(Circuit c, StateView s, Visibility seen, Violations v) {
    CircuitSpec spec = c.getSpec();
    Violations sv = v.at("spec");
    Council council = exists(s, seen, Kind.COUNCIL, spec.getCouncil(), "council", sv);
    Supplier supplier = exists(s, seen, Kind.SUPPLIER, spec.getSupplier(), "supplier", sv);
    if (council != null
        && supplier != null
        && !supplier.getCouncilsList().contains(council.getId())) {
      sv.add(
          ErrorCode.FAILED_PRECONDITION,
          "supplier",
          "supplier '"
              + supplier.getId()
              + "' is not contracted to serve council '"
              + council.getId()
              + "'");
    }
    for (CircuitEnds.End end : CircuitEnds.named(c)) {
      circuitEnd(spec, end, council, supplier, s, seen, sv);
    }
  }

  /**
   * One end of a circuit: its device and port exist and may carry it, at a council it may serve.
   */
  private static void circuitEnd(
      CircuitSpec spec,
      CircuitEnds.End end,
      Council council,
      Supplier supplier,
      StateView s,
      Visibility seen,
      Violations sv) {
    Violations ev = sv.at(end.field());
    Device d = exists(s, seen, Kind.DEVICE, end.termination().getDevice(), "device", ev);
    if (d == null) {
      return;
    }
    Port p = port(d, end.termination().getPort());
    if (p == null) {
      ev.add(
          ErrorCode.NOT_FOUND,
          "port",
          "device '" + d.getId() + "' has no port '" + end.termination().getPort() + "'");
      return;
    }
    endPort(spec, end, d, p, s, sv, ev);
    Site site = s.get(Kind.SITE, d.getSite());
    if (site == null || council == null || site.getCouncil().equals(council.getId())) {
      return;
    }
    endCouncil(end, d, site, council, supplier, ev);
  }

  /** The port an end terminates on: not a management port, fast enough, the VLAN not reserved. */
  private static void endPort(
      CircuitSpec spec,
      CircuitEnds.End end,
      Device d,
      Port p,
      StateView s,
      Violations sv,
      Violations ev) {
    if (p.getRole() == PortRole.PORT_ROLE_MANAGEMENT) {
      ev.invalid(
          "port",
          "port '"
              + p.getName()
              + "' of device '"
              + d.getId()
              + "' is a management port; circuits may not terminate on it");
    }
    if (spec.getCommittedMbps() > p.getSpeedMbps()) {
      sv.invalid(
          "committed_mbps",
          "must not exceed the speed of port "
              + p.getName()
              + " of device '"
              + d.getId()
              + "' ("
              + p.getSpeedMbps()
              + " Mbit/s; got "
              + spec.getCommittedMbps()
              + ")");
    }
    if (end.termination().hasCTag()) {
      VlanPool pool = s.poolFor(d.getId(), p.getName());
      if (pool != null && pool.getReservedList().contains(end.termination().getCTag())) {
        ev.invalid(
            "c_tag",
            "VLAN " + end.termination().getCTag() + " is reserved by pool '" + pool.getId() + "'");
      }
    }
  }

  /**
   * An end at a site of another council than the circuit's: refused at the A-end; elsewhere only
   * when the supplier does not serve that council.
   */
  private static void endCouncil(
      CircuitEnds.End end, Device d, Site site, Council council, Supplier supplier, Violations ev) {
    String atSite =
        "device '" + d.getId() + "' is at a site of council '" + site.getCouncil() + "'";
    if (end.field().equals("a_end")) {
      ev.add(
          ErrorCode.FAILED_PRECONDITION,
          "device",
          atSite + ", not of council '" + council.getId() + "'");
    } else if (supplier != null && !supplier.getCouncilsList().contains(site.getCouncil())) {
      // The other end of a shared-service link: the supplier must serve that council too, or it
      // could order VLANs on routers of councils that never contracted it.
      ev.add(
          ErrorCode.FAILED_PRECONDITION,
          "device",
          atSite
              + ", which supplier '"
              + supplier.getId()
              + "' is not contracted to serve (a circuit's supplier must serve the council of"
              + " every router it terminates on)");
    }
  }

  /** Refuses the delete of an object something still refers to. */
  static void checkDelete(Kind<?> kind, String id, StateView s, Violations v) {
    List<String> users = new ArrayList<>();
    if (kind == Kind.COUNCIL) {
      s.all(Kind.SITE).stream()
          .filter(x -> x.getCouncil().equals(id))
          .forEach(x -> users.add("site " + x.getId()));
      s.all(Kind.SUPPLIER).stream()
          .filter(x -> x.getCouncilsList().contains(id))
          .forEach(x -> users.add("supplier " + x.getId()));
      s.all(Kind.CIRCUIT).stream()
          .filter(x -> x.getSpec().getCouncil().equals(id))
          .forEach(x -> users.add("circuit " + x.getId()));
    } else if (kind == Kind.SUPPLIER) {
      s.all(Kind.CIRCUIT).stream()
          .filter(x -> x.getSpec().getSupplier().equals(id))
          .forEach(x -> users.add("circuit " + x.getId()));
    } else if (kind == Kind.SITE) {
      s.all(Kind.DEVICE).stream()
          .filter(x -> x.getSite().equals(id))
          .forEach(x -> users.add("device " + x.getId()));
    } else if (kind == Kind.DEVICE) {
      Set<String> pools = s.poolsOf(id);
      pools.forEach(p -> users.add("vlan_pool " + p));
      s.circuitsOnDevice(id).forEach(c -> users.add("circuit " + c));
    }
    if (!users.isEmpty()) {
      users.sort(null);
      String list =
          users.size() <= 5
              ? String.join(", ", users)
              : String.join(", ", users.subList(0, 5)) + " and " + (users.size() - 5) + " more";
      v.add(
          ErrorCode.FAILED_PRECONDITION,
          "",
          kind.name()
              + " '"
              + id
              + "' is still referred to by "
              + list
              + "; delete or change those first");
    }
  }
}
