package org.wayleave.simulator.snmp;

/**
 * One interface's running state inside a {@link RouterMib}: what it is and what its counters hold.
 * Guarded by the MIB.
 */
final class IfState {
  final String name;
  final boolean physical;
  final int ifIndex;
  final double inLoad;
  final double outLoad;
  final double phase;

  /** The port a sub-interface sits on (null for a port). */
  String port;

  long speedMbps;
  String alias = "";
  boolean adminUp = true;

  /**
   * A sub-interface's operational status as the router keeps it; ports keep theirs in the faults.
   */
  boolean operUp = true;

  double inOctets;
  double outOctets;
  double inErrors;
  double inDiscards;

  /** Ports only: what the port's sub-interfaces carried during the step being integrated. */
  double stepIn;

  double stepOut;

  IfState(String name, boolean physical, int ifIndex) {
    this.name = name;
    this.physical = physical;
    this.ifIndex = ifIndex;
    this.inLoad = TrafficModel.load(name, TrafficModel.IN);
    this.outLoad = TrafficModel.load(name, TrafficModel.OUT);
    this.phase = TrafficModel.phase(name);
  }
}
