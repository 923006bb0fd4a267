package org.wayleave.simulator.snmp;

import java.util.Map;

/**
 * Runs the counters of one {@link RouterMib}'s interfaces forward in time: the exact integral of
 * {@link TrafficModel}'s rates between two instants, under the faults in force. A sub-interface
 * that is admin or oper down, or sits on a port that is down, carries nothing; a port carries what
 * its sub-interfaces carried plus its base load, or its congested rate; flapping downtime carries
 * nothing; error bursts add to ifInErrors. Guarded by the MIB.
 */
final class TrafficCounters {
  private TrafficCounters() {}

  /**
   * Adds what every interface in {@code table} carried and counted over [{@code t0}, {@code t1}].
   *
   * @param bootNanos when the router booted: the traffic's swing runs from there
   */
  static void advance(
      InterfaceTable table, Map<String, IfFaults> faults, long bootNanos, long t0, long t1) {
    for (IfState p : table.ports()) {
      p.stepIn = 0;
      p.stepOut = 0;
    }
    for (IfState s : table.subInterfaces()) {
      IfState port = table.portOf(s);
      IfFaults f = faults.get(s.name);
      IfFaults pf = port == null ? null : faults.get(port.name);
      if (s.adminUp && s.operUp && (pf == null || !pf.linkDown)) {
        double in = s.inOctets;
        double out = s.outOctets;
        carry(s, f, pf == null ? null : pf.flap, bootNanos, t0, t1);
        if (port != null) {
          port.stepIn += s.inOctets - in;
          port.stepOut += s.outOctets - out;
        }
      }
      countErrors(s, f, t0, t1);
    }
    for (IfState p : table.ports()) {
      IfFaults f = faults.get(p.name);
      if (f == null || !f.linkDown) {
        if (f != null && f.congestPercent > 0) {
          carry(p, f, null, bootNanos, t0, t1);
        } else {
          carryPort(p, f == null ? null : f.flap, t0, t1);
        }
      }
      countErrors(p, f, t0, t1);
    }
  }

  /**
   * Adds what a port that is up carries over [t0, t1]: its base load outside its flapping downtime,
   * plus what its sub-interfaces carried in this step.
   */
  private static void carryPort(IfState p, Flap flap, long t0, long t1) {
    double base =
        TrafficModel.octetsPerSecond(p.speedMbps)
            * TrafficModel.PORT_BASE_LOAD
            / TrafficModel.MAX_LOAD;
    Flap.upIntervals(
        t0,
        t1,
        flap,
        null,
        (a, b, w) -> {
          p.inOctets += w * base * p.inLoad * (b - a) / 1e9;
          p.outOctets += w * base * p.outLoad * (b - a) / 1e9;
        });
    p.inOctets += p.stepIn;
    p.outOctets += p.stepOut;
  }

  /**
   * Adds what an interface that is up carries over [t0, t1], outside its (and its port's) flapping
   * downtime.
   */
  private static void carry(IfState s, IfFaults f, Flap portFlap, long boot, long t0, long t1) {
    double full = TrafficModel.octetsPerSecond(s.speedMbps);
    int congest = f == null ? 0 : f.congestPercent;
    Flap.upIntervals(
        t0,
        t1,
        f == null ? null : f.flap,
        portFlap,
        (a, b, w) -> {
          if (congest > 0) {
            double octets = w * full * congest / 100.0 * (b - a) / 1e9;
            s.inOctets += octets;
            s.outOctets += octets;
            if (congest > 100) {
              s.inDiscards += octets * (congest - 100) / congest / TrafficModel.PACKET_OCTETS;
            }
          } else {
            s.inOctets +=
                w * TrafficModel.swingingOctets(full * s.inLoad, s.phase, a - boot, b - boot);
            s.outOctets +=
                w * TrafficModel.swingingOctets(full * s.outLoad, s.phase, a - boot, b - boot);
          }
        });
  }

  private static void countErrors(IfState s, IfFaults f, long t0, long t1) {
    if (f != null && f.burstPerSecond > 0) {
      long from = Math.max(t0, f.burstFrom);
      long to = Math.min(t1, f.burstTo);
      if (to > from) {
        s.inErrors += f.burstPerSecond * (to - from) / 1e9;
      }
    }
  }
}
