package org.wayleave.controller.telemetry;

/**
 * One interface as one poll saw it: a row of {@code ifTable} joined with its {@code ifXTable} row.
 * Counters are unsigned (a {@code long} holding a 64-bit or 32-bit value); a column the agent did
 * not return is absent, which {@link #has} tells. Mutable while the poll fills it, then handed over
 * and not changed again.
 */
public final class IfRow {
  public final int ifIndex;
  private int present;
  String name = "";
  String descr = "";
  String alias = "";
  int adminStatus;
  int operStatus;
  long hcInOctets;
  long hcOutOctets;
  long inOctets;
  long outOctets;
  long inErrors;
  long outErrors;
  long inDiscards;
  long highSpeedMbps;
  long speedBps;

  public IfRow(int ifIndex) {
    this.ifIndex = ifIndex;
  }

  /** Whether the agent returned this column for this row. */
  public boolean has(IfMib.Column c) {
    return (present & (1 << c.ordinal())) != 0;
  }

  void mark(IfMib.Column c) {
    present |= 1 << c.ordinal();
  }

  /** ifName, else ifDescr. */
  public String name() {
    return has(IfMib.Column.IF_NAME) ? name : descr;
  }

  public String alias() {
    return alias;
  }

  public int adminStatus() {
    return adminStatus;
  }

  public int operStatus() {
    return operStatus;
  }

  /** The interface speed in bit/s: ifHighSpeed when known, else ifSpeed; 0 when unknown. */
  public double speedBps() {
    if (has(IfMib.Column.IF_HIGH_SPEED) && highSpeedMbps > 0) {
      return highSpeedMbps * 1e6;
    }
    return has(IfMib.Column.IF_SPEED) ? speedBps : 0;
  }

  /**
   * Sets a value as a poll or a test would; package-private fields keep the hot path
   * allocation-free.
   */
  public IfRow set(IfMib.Column c, long value) {
    switch (c) {
      case IF_SPEED -> speedBps = value;
      case IF_ADMIN_STATUS -> adminStatus = (int) value;
      case IF_OPER_STATUS -> operStatus = (int) value;
      case IF_IN_OCTETS -> inOctets = value;
      case IF_IN_DISCARDS -> inDiscards = value;
      case IF_IN_ERRORS -> inErrors = value;
      case IF_OUT_OCTETS -> outOctets = value;
      case IF_OUT_ERRORS -> outErrors = value;
      case IF_HC_IN_OCTETS -> hcInOctets = value;
      case IF_HC_OUT_OCTETS -> hcOutOctets = value;
      case IF_HIGH_SPEED -> highSpeedMbps = value;
      default -> throw new IllegalArgumentException("column " + c + " is not numeric");
    }
    mark(c);
    return this;
  }

  /** Sets a text column (ifName, ifDescr, ifAlias). */
  public IfRow set(IfMib.Column c, String value) {
    switch (c) {
      case IF_NAME -> name = value;
      case IF_DESCR -> descr = value;
      case IF_ALIAS -> alias = value;
      default -> throw new IllegalArgumentException("column " + c + " is not text");
    }
    mark(c);
    return this;
  }

  @Override
  public String toString() {
    return "IfRow{"
        + ifIndex
        + " "
        + name()
        + " alias="
        + alias
        + " admin="
        + adminStatus
        + " oper="
        + operStatus
        + "}";
  }
}
