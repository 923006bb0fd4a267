package org.wayleave.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;

/**
 * The circuits of the scale runs, on the {@code scale} seed's routers: circuit {@code i} on router
 * {@code i mod devices + 1}, round {@code r = i / devices} on port {@code ge-0/0/(1 + r mod 3)},
 * bought from {@code scale-carrier}, its c-tag left to the controller. Every router's pool then
 * hands round {@code r} c-tag {@code 100 + r} (the lowest free), so router {@code d}'s circuits are
 * the sub-interfaces {@code ge-0/0/1.100}, {@code ge-0/0/2.101}, ... that {@code
 * Scenarios.snmpOnly} serves over SNMP.
 */
final class ScaleCircuits {
  /** The supplier of every circuit; it must serve every council the circuits name. */
  static final String SUPPLIER = "scale-carrier";

  private ScaleCircuits() {}

  /**
   * The bandwidth {@code Scenarios.snmpOnly} gives a router's sub-interface of round {@code r} (its
   * {@code r}th, from 0), in Mbit/s: 10 to 100. The simulated routers carry 20-60 % of it.
   */
  static long simulatedBandwidthMbps(int round) {
    return 10L * (1 + round % 10);
  }

  /**
   * {@code circuits} new circuits spread evenly over {@code devices} routers, each in the council
   * {@code councilOf} gives its router (by number, from 1), committing what {@code committedMbps}
   * gives its round.
   */
  static List<Op> ops(
      int circuits, int devices, IntFunction<String> councilOf, IntToLongFunction committedMbps) {
    return ops("SCALE", circuits, devices, councilOf, committedMbps);
  }

  /** As above, the ids {@code PREFIX-NNNNNNN}. */
  static List<Op> ops(
      String prefix,
      int circuits,
      int devices,
      IntFunction<String> councilOf,
      IntToLongFunction committedMbps) {
    List<Op> out = new ArrayList<>(circuits);
    for (int i = 0; i < circuits; i++) {
      int d = i % devices + 1;
      int round = i / devices;
      int port = 1 + round % 3;
      out.add(
          Op.write(
              Op.Mode.CREATE,
              Kind.CIRCUIT,
              Circuit.newBuilder()
                  .setId(String.format("%s-%07d", prefix, i))
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil(councilOf.apply(d))
                          .setSupplier(SUPPLIER)
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice(Seeds.scaleDeviceId(d))
                                  .setPort("ge-0/0/" + port))
                          .setCommittedMbps(committedMbps.applyAsLong(round)))
                  .build(),
              "resources[" + i + "]"));
    }
    return out;
  }

  /** The id of circuit {@code i}. */
  static String id(int i) {
    return String.format("SCALE-%07d", i);
  }
}
