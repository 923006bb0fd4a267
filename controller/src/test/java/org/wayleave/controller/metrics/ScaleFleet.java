package org.wayleave.controller.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.SiteKind;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * London grown to fleet size, for what {@code /metrics} weighs there: the 33 real councils and five
 * suppliers of the London seed, {@code devices} routers shared out among the councils ({@code
 * rtr-camden-001}, ...) and {@code circuits} circuits spread over the routers ({@code
 * LPSN-CAM-0001}, the seed's id scheme, numbered per council), each bought from the suppliers
 * serving its council in turn. So label values are as long as real ones, not short synthetic ids.
 *
 * <p>Phases are a plausible mix (mostly ACTIVE, some of every other phase), or all one phase. The
 * resources are raw store values: written without planning, which at this size would take minutes
 * and is not what is measured.
 */
final class ScaleFleet {
  static final String PORT = "ge-0/0/1";
  static final int FIRST_C_TAG = 100;

  final int devices;
  final int circuits;
  private final CircuitPhase only; // null: the mix

  private final List<String> councils = new ArrayList<>();
  private final Map<String, String> codes = new HashMap<>();
  private final Map<String, List<String>> suppliers = new LinkedHashMap<>();

  /**
   * @param only every circuit in this phase, or null for the mix
   */
  ScaleFleet(int devices, int circuits, CircuitPhase only) {
    this.devices = devices;
    this.circuits = circuits;
    this.only = only;
    for (Resource r : Seeds.london()) {
      if (r.hasCouncil()) {
        councils.add(r.getCouncil().getId());
      }
    }
    for (Resource r : Seeds.london()) {
      if (r.hasSupplier()) {
        for (String c : r.getSupplier().getCouncilsList()) {
          suppliers.computeIfAbsent(c, k -> new ArrayList<>()).add(r.getSupplier().getId());
        }
      }
    }
    for (Resource r : Seeds.exampleCircuits("london")) {
      Circuit c = r.getCircuit();
      if (c.getId().endsWith("-0001") && !codes.containsKey(c.getSpec().getCouncil())) {
        codes.put(c.getSpec().getCouncil(), c.getId().split("-")[1]); // LPSN-CAM-0001
      }
    }
  }

  /** Router {@code d}'s id and the council it serves: routers go to councils in turn. */
  String device(int d) {
    return String.format("rtr-%s-%03d", council(d), d / councils.size() + 1);
  }

  private String council(int device) {
    return councils.get(device % councils.size());
  }

  /** Circuit {@code k}'s router: circuits go to routers in turn, so each has circuits / devices. */
  private int deviceOf(int circuit) {
    return circuit % devices;
  }

  private int cTag(int circuit) {
    return FIRST_C_TAG + circuit / devices;
  }

  /**
   * Every resource and status as store keys and values: the London seed's councils and suppliers, a
   * site per router, the routers, the circuits and their statuses.
   */
  Map<String, byte[]> storeValues() {
    Map<String, byte[]> kv = new LinkedHashMap<>();
    for (Resource r : Seeds.london()) {
      if (r.hasCouncil()) {
        Council c = r.getCouncil();
        kv.put(Kind.COUNCIL.key(c.getId()), c.toByteArray());
      } else if (r.hasSupplier()) {
        Supplier s = r.getSupplier();
        kv.put(Kind.SUPPLIER.key(s.getId()), s.toByteArray());
      }
    }
    for (int d = 0; d < devices; d++) {
      String site = device(d).substring("rtr-".length()) + "-site";
      kv.put(
          Kind.SITE.key(site),
          Site.newBuilder()
              .setId(site)
              .setCouncil(council(d))
              .setName("Site " + d)
              .setKind(SiteKind.SITE_KIND_OFFICE)
              .build()
              .toByteArray());
      kv.put(
          Kind.DEVICE.key(device(d)),
          Device.newBuilder().setId(device(d)).setSite(site).build().toByteArray());
    }
    Map<String, Integer> perCouncil = new HashMap<>();
    for (int k = 0; k < circuits; k++) {
      Circuit c = circuit(k, perCouncil.merge(council(deviceOf(k)), 1, Integer::sum));
      kv.put(Kind.CIRCUIT.key(c.getId()), c.toByteArray());
      kv.put(
          Kind.CIRCUIT_STATUS_PREFIX + c.getId(),
          CircuitStatus.newBuilder().setPhase(phase(k)).build().toByteArray());
    }
    return kv;
  }

  private Circuit circuit(int k, int seq) {
    String council = council(deviceOf(k));
    List<String> from = suppliers.get(council);
    return Circuit.newBuilder()
        .setId(String.format("LPSN-%s-%04d", codes.get(council), seq))
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil(council)
                .setSupplier(from.get(seq % from.size()))
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(
                    Termination.newBuilder()
                        .setDevice(device(deviceOf(k)))
                        .setPort(PORT)
                        .setCTag(cTag(k)))
                .setCommittedMbps(10)
                .setAdminState(AdminState.ADMIN_STATE_ENABLED))
        .build();
  }

  /**
   * A plausible day: 1 in 50 DEGRADED, 1 in 100 DOWN, 1 in 500 each of the others, the rest ACTIVE.
   */
  private CircuitPhase phase(int k) {
    if (only != null) {
      return only;
    }
    if (k % 50 == 7) {
      return CircuitPhase.CIRCUIT_PHASE_DEGRADED;
    }
    if (k % 100 == 13) {
      return CircuitPhase.CIRCUIT_PHASE_DOWN;
    }
    return switch (k % 500) {
      case 21 -> CircuitPhase.CIRCUIT_PHASE_PENDING;
      case 23 -> CircuitPhase.CIRCUIT_PHASE_PROVISIONING;
      case 29 -> CircuitPhase.CIRCUIT_PHASE_DRIFTED;
      case 31 -> CircuitPhase.CIRCUIT_PHASE_FAILED;
      case 37 -> CircuitPhase.CIRCUIT_PHASE_DECOMMISSIONING;
      default -> CircuitPhase.CIRCUIT_PHASE_ACTIVE;
    };
  }

  /**
   * Poll {@code n} (from 1, 10 s apart) of every router: its circuits' sub-interfaces, each having
   * carried 1 Mbit/s in and out since the previous poll, so from the second poll on every circuit
   * has a rate.
   */
  void poll(Telemetry telemetry, int n) {
    long t = 10L * n;
    for (int d = 0; d < devices; d++) {
      Map<Integer, IfRow> rows = new HashMap<>();
      for (int k = d; k < circuits; k += devices) {
        int ifIndex = 1000 + cTag(k);
        rows.put(
            ifIndex,
            new IfRow(ifIndex)
                .set(IfMib.Column.IF_NAME, SubInterfaces.name(PORT, 0, cTag(k)))
                .set(IfMib.Column.IF_ALIAS, "")
                .set(IfMib.Column.IF_ADMIN_STATUS, IfMib.UP)
                .set(IfMib.Column.IF_OPER_STATUS, IfMib.UP)
                .set(IfMib.Column.IF_HIGH_SPEED, 1000)
                .set(IfMib.Column.IF_HC_IN_OCTETS, t * 1_000_000 / 8)
                .set(IfMib.Column.IF_HC_OUT_OCTETS, t * 1_000_000 / 8)
                .set(IfMib.Column.IF_IN_ERRORS, 0)
                .set(IfMib.Column.IF_OUT_ERRORS, 0)
                .set(IfMib.Column.IF_IN_DISCARDS, 0));
      }
      telemetry.polled(
          device(d),
          new DeviceSample(
              t * 1_000_000_000L,
              MetricsFixture.NOW.toEpochMilli() + t * 1000,
              100_000 + t * 100,
              rows));
    }
  }
}
