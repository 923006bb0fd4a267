package org.wayleave.cli.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.Resource;
import org.wayleave.base.seed.Seeds;

/**
 * What the lab's controller holds: the London seed's records for the lab's councils (councils,
 * their suppliers, sites, routers and VLAN pools), each router's management address and SNMP port
 * being its lab ones, and one PSN access circuit per council on a service's VLAN.
 */
public final class LabInventory {
  /** A lab circuit's committed rate: small enough for iperf3 through a userspace switch. */
  public static final long COMMITTED_MBPS = 20;

  private LabInventory() {}

  /** The inventory for {@code routers}, in dependency order. */
  public static List<Resource> inventory(List<Lab.Router> routers) {
    Set<String> councils = new TreeSet<>();
    Set<String> devices = new TreeSet<>();
    routers.forEach(
        r -> {
          councils.add(r.council());
          devices.add(r.deviceId());
        });
    List<Resource> out = new ArrayList<>();
    for (Resource r : Seeds.london()) {
      switch (r.getKindCase()) {
        case COUNCIL -> {
          if (councils.contains(r.getCouncil().getId())) {
            out.add(r);
          }
        }
        case SUPPLIER -> {
          List<String> served =
              r.getSupplier().getCouncilsList().stream().filter(councils::contains).toList();
          if (!served.isEmpty()) {
            out.add(
                r.toBuilder()
                    .setSupplier(r.getSupplier().toBuilder().clearCouncils().addAllCouncils(served))
                    .build());
          }
        }
        case SITE -> {
          if (councils.contains(r.getSite().getCouncil())) {
            out.add(r);
          }
        }
        case DEVICE -> {
          if (devices.contains(r.getDevice().getId())) {
            Lab.Router lr =
                routers.stream()
                    .filter(x -> x.deviceId().equals(r.getDevice().getId()))
                    .findFirst()
                    .orElseThrow();
            var d = r.getDevice().toBuilder().setManagementAddress(lr.mgmtAddress());
            d.getSnmpBuilder().setPort(161);
            d.setModel("Open vSwitch (Wayleave lab)").setVendor("Open vSwitch");
            out.add(r.toBuilder().setDevice(d).build());
          }
        }
        case VLAN_POOL -> {
          if (devices.contains(r.getVlanPool().getDevice())) {
            out.add(r);
          }
        }
        default -> {}
      }
    }
    return List.copyOf(out);
  }

  /**
   * One PSN access circuit per council, the seed's example for it, on the lab port and the VLAN of
   * a service (the first council's on DWP's, the second's on GSi's, ...).
   */
  public static List<Resource> circuits(List<Lab.Router> routers) {
    List<Resource> out = new ArrayList<>();
    for (Lab.Router r : routers) {
      Lab.Service s = Lab.SERVICES.get((r.index() - 1) % Lab.SERVICES.size());
      for (Resource c : Seeds.exampleCircuits("london")) {
        var spec = c.getCircuit().getSpec();
        if (spec.getKind() == CircuitKind.CIRCUIT_KIND_PSN_ACCESS
            && spec.getCouncil().equals(r.council())) {
          var b = c.toBuilder();
          b.getCircuitBuilder()
              .getSpecBuilder()
              .setCommittedMbps(COMMITTED_MBPS)
              .setDescription("PSN access for " + r.council() + " to " + s.label() + " (lab)")
              .getAEndBuilder()
              .setPort(Lab.DEVICE_PORT)
              .setCTag(s.vlan());
          out.add(b.build());
        }
      }
    }
    return List.copyOf(out);
  }
}
