package org.wayleave.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Supplier;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Op;

/**
 * The NOC benchmark's network: London's 33 councils as the {@code london} seed has them (so the
 * dashboard draws its London tile map), and the {@code scale} seed's routers, each router's site
 * moved into one of them in blocks (router {@code d} of {@code n} to council {@code (d - 1) x 33 /
 * n}), all served by {@code scale-carrier}; the circuits are {@link ScaleCircuits}' spread, each in
 * its router's council. At 10,000 routers and 100,000 circuits every council holds 303 or 304
 * routers and 3,030 or 3,040 circuits.
 */
final class NocInventory {
  private final List<Resource> councils;
  private final List<Resource> resources;
  private final int devices;

  NocInventory(int devices, int snmpPort) {
    this.devices = devices;
    List<Resource> london = new ArrayList<>();
    for (Resource r : Seeds.london()) {
      if (r.hasCouncil()) {
        london.add(r);
      }
    }
    this.councils = List.copyOf(london);
    List<Resource> out = new ArrayList<>(councils);
    for (Resource r : Seeds.withSnmpPort(Seeds.scale(devices), snmpPort)) {
      switch (r.getKindCase()) {
        case COUNCIL -> {} // the scale seed's own councils are replaced by London's
        case SUPPLIER -> {
          Supplier.Builder s = r.getSupplier().toBuilder().clearCouncils();
          councils.forEach(c -> s.addCouncils(c.getCouncil().getId()));
          out.add(Resource.newBuilder().setSupplier(s).build());
        }
        case SITE -> {
          Site s = r.getSite();
          int d = Integer.parseInt(s.getId().substring(s.getId().lastIndexOf('-') + 1));
          out.add(Resource.newBuilder().setSite(s.toBuilder().setCouncil(councilOf(d))).build());
        }
        default -> out.add(r);
      }
    }
    this.resources = List.copyOf(out);
  }

  /** Everything but the circuits, in an order the controller accepts in one Apply. */
  List<Resource> resources() {
    return resources;
  }

  /** The council of router {@code d} (from 1). */
  String councilOf(int d) {
    return councils.get((int) ((d - 1L) * councils.size() / devices)).getCouncil().getId();
  }

  int councils() {
    return councils.size();
  }

  /** The councils' ids, in the seed's order. */
  List<String> councilIds() {
    return councils.stream().map(r -> r.getCouncil().getId()).toList();
  }

  /**
   * {@code circuits} new circuits, {@link ScaleCircuits}' spread, each in its router's council and
   * committing the bandwidth its simulated sub-interface has (10-100 Mbit/s), which then carries
   * 20-60 % of it.
   */
  List<Op> circuitOps(int circuits) {
    return ScaleCircuits.ops(
        circuits, devices, this::councilOf, ScaleCircuits::simulatedBandwidthMbps);
  }

  /** Circuits per council for {@code circuits} spread as {@link #circuitOps} does, seed order. */
  Map<String, Integer> circuitsPerCouncil(int circuits) {
    Map<String, Integer> out = new LinkedHashMap<>();
    councilIds().forEach(id -> out.put(id, 0));
    for (int i = 0; i < circuits; i++) {
      out.merge(councilOf(i % devices + 1), 1, Integer::sum);
    }
    return out;
  }
}
