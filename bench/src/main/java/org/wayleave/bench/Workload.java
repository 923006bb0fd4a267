package org.wayleave.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.VlanRules;

/**
 * The circuits the benchmark creates, derived from a seed inventory: circuit {@code k} goes to
 * council {@code k mod councils}, on that council's router, on the router's circuit-carrying ports
 * in turn, bought from the suppliers serving that council in turn. Every circuit commits 1 Mbit/s
 * and leaves {@code c_tag} unset, so the controller allocates it.
 *
 * <p>The spread is what keeps a long run inside the inventory: {@link #capacity()} says how many
 * circuits fit before a VLAN pool or a port's bandwidth runs out.
 */
final class Workload {
  static final long COMMITTED_MBPS = 1;

  /** One place a circuit can land. */
  record Target(
      String council,
      String device,
      List<String> ports,
      List<String> suppliers,
      int vlanIds,
      Map<String, Long> portSpeeds) {}

  private final List<Target> targets;
  private long next;

  Workload(List<Resource> inventory) {
    Map<String, String> siteCouncil = new LinkedHashMap<>();
    Map<String, Device> deviceByCouncil = new LinkedHashMap<>();
    Map<String, VlanPool> poolByDevice = new LinkedHashMap<>();
    List<String> councils = new ArrayList<>();
    List<Supplier> suppliers = new ArrayList<>();
    for (Resource r : inventory) {
      switch (r.getKindCase()) {
        case COUNCIL -> councils.add(r.getCouncil().getId());
        case SUPPLIER -> suppliers.add(r.getSupplier());
        case SITE -> {
          Site s = r.getSite();
          siteCouncil.put(s.getId(), s.getCouncil());
        }
        case DEVICE -> {
          Device d = r.getDevice();
          deviceByCouncil.putIfAbsent(siteCouncil.get(d.getSite()), d);
        }
        case VLAN_POOL -> poolByDevice.putIfAbsent(r.getVlanPool().getDevice(), r.getVlanPool());
        default -> {}
      }
    }
    List<Target> out = new ArrayList<>();
    for (String council : councils) {
      Device d = deviceByCouncil.get(council);
      if (d == null) {
        continue;
      }
      VlanPool pool = poolByDevice.get(d.getId());
      List<String> ports = new ArrayList<>();
      Map<String, Long> speeds = new LinkedHashMap<>();
      for (Port p : d.getPortsList()) {
        boolean covered =
            pool != null
                && (pool.getPortsCount() == 0 || pool.getPortsList().contains(p.getName()));
        if (p.getRole() != PortRole.PORT_ROLE_MANAGEMENT && covered) {
          ports.add(p.getName());
          speeds.put(p.getName(), p.getSpeedMbps());
        }
      }
      List<String> serving = new ArrayList<>();
      for (Supplier s : suppliers) {
        if (s.getCouncilsList().contains(council)) {
          serving.add(s.getId());
        }
      }
      if (ports.isEmpty() || serving.isEmpty()) {
        continue;
      }
      out.add(
          new Target(
              council,
              d.getId(),
              List.copyOf(ports),
              List.copyOf(serving),
              VlanRules.allocatable(pool).cardinality(),
              Map.copyOf(speeds)));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "the seed inventory has no council with a router, a VLAN pool and a supplier");
    }
    this.targets = List.copyOf(out);
  }

  static Workload of(List<Resource> inventory) {
    return new Workload(inventory);
  }

  List<Target> targets() {
    return targets;
  }

  int councils() {
    return targets.size();
  }

  int ports() {
    return targets.stream().mapToInt(t -> t.ports().size()).sum();
  }

  /**
   * How many circuits the round-robin spread fits: every pool covers all of its device's ports (one
   * c-tag per circuit per device), and each port carries at most its speed in 1 Mbit/s circuits.
   */
  long capacity() {
    long min = Long.MAX_VALUE;
    int n = targets.size();
    for (Target t : targets) {
      // Circuits per device before its pool is exhausted, scaled to the whole round-robin.
      min = Math.min(min, (long) t.vlanIds() * n);
      for (Map.Entry<String, Long> p : t.portSpeeds().entrySet()) {
        long perPort = p.getValue() / COMMITTED_MBPS;
        min = Math.min(min, perPort * t.ports().size() * n);
      }
    }
    return min;
  }

  /** The next circuit of the spread, with id {@code prefix-NNNNNN}. */
  Circuit next(String prefix, int seq) {
    long k = next++;
    Target t = targets.get((int) (k % targets.size()));
    long round = k / targets.size();
    String port = t.ports().get((int) (round % t.ports().size()));
    String supplier = t.suppliers().get((int) ((round / t.ports().size()) % t.suppliers().size()));
    return Circuit.newBuilder()
        .setId(String.format("%s-%06d", prefix, seq))
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil(t.council())
                .setSupplier(supplier)
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(Termination.newBuilder().setDevice(t.device()).setPort(port))
                .setCommittedMbps(COMMITTED_MBPS)
                .setAdminState(AdminState.ADMIN_STATE_ENABLED)
                .setDescription("benchmark circuit " + prefix + " " + seq + " for " + t.council()))
        .build();
  }

  /**
   * {@code circuits} new circuits ({@code PREFIX-NNNNNNN}) spread evenly over the first {@code
   * devices} routers of {@link Seeds#scale} and their first three ports, as CREATE operations for
   * one in-process Apply: the 100,000-circuit store of the southbound and core benchmarks.
   */
  static List<Op> scaleCircuits(int devices, int circuits, String prefix) {
    return ScaleCircuits.ops(
        prefix, circuits, devices, d -> Seeds.scaleCouncilId((d - 1) / 100 + 1), round -> 1);
  }
}
