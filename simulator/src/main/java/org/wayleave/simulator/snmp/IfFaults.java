package org.wayleave.simulator.snmp;

/** The faults on one interface of a {@link RouterMib}. Guarded by the MIB. */
final class IfFaults {
  boolean linkDown;
  Flap flap;
  int congestPercent;
  long burstFrom;
  long burstTo;
  double burstPerSecond;

  boolean isEmpty() {
    return !linkDown && flap == null && congestPercent == 0 && burstPerSecond == 0;
  }
}
