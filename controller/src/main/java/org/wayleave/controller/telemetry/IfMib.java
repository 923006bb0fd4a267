package org.wayleave.controller.telemetry;

import java.util.List;
import org.snmp4j.smi.OID;

/**
 * The IF-MIB (RFC 2863) and SNMPv2-MIB objects the poller reads, and which of them it walks for a
 * device. Rows of both tables are indexed by {@code ifIndex}, a single sub-identifier.
 */
public final class IfMib {
  private IfMib() {}

  /** {@code sysUpTime.0}: hundredths of a second since the agent (re)started. */
  public static final OID SYS_UP_TIME = new OID("1.3.6.1.2.1.1.3.0");

  /**
   * What a GETBULK asks for to get {@link #SYS_UP_TIME}: non-repeaters have GETNEXT semantics, so
   * the object's OID without the instance.
   */
  public static final OID SYS_UP_TIME_NEXT = new OID("1.3.6.1.2.1.1.3");

  /** The columns the poller walks; {@link #oid} is the column's OID without an index. */
  public enum Column {
    IF_DESCR("1.3.6.1.2.1.2.2.1.2", false),
    IF_SPEED("1.3.6.1.2.1.2.2.1.5", false),
    IF_ADMIN_STATUS("1.3.6.1.2.1.2.2.1.7", false),
    IF_OPER_STATUS("1.3.6.1.2.1.2.2.1.8", false),
    IF_IN_OCTETS("1.3.6.1.2.1.2.2.1.10", false),
    IF_IN_DISCARDS("1.3.6.1.2.1.2.2.1.13", false),
    IF_IN_ERRORS("1.3.6.1.2.1.2.2.1.14", false),
    IF_OUT_OCTETS("1.3.6.1.2.1.2.2.1.16", false),
    IF_OUT_ERRORS("1.3.6.1.2.1.2.2.1.20", false),
    IF_NAME("1.3.6.1.2.1.31.1.1.1.1", true),
    IF_HC_IN_OCTETS("1.3.6.1.2.1.31.1.1.1.6", true),
    IF_HC_OUT_OCTETS("1.3.6.1.2.1.31.1.1.1.10", true),
    IF_HIGH_SPEED("1.3.6.1.2.1.31.1.1.1.15", true),
    IF_ALIAS("1.3.6.1.2.1.31.1.1.1.18", true);

    public final OID oid;

    /** Whether the column is in {@code ifXTable} (absent on old agents). */
    public final boolean ifX;

    Column(String oid, boolean ifX) {
      this.oid = new OID(oid);
      this.ifX = ifX;
    }
  }

  /** Everything: the first poll of a device, before it is known whether it has {@code ifXTable}. */
  public static final List<Column> ALL = List.of(Column.values());

  /**
   * A device with {@code ifXTable}: names, aliases and 64-bit counters from it; no 32-bit octets,
   * no ifDescr.
   */
  public static final List<Column> WITH_IFX =
      List.of(
          Column.IF_ADMIN_STATUS,
          Column.IF_OPER_STATUS,
          Column.IF_IN_DISCARDS,
          Column.IF_IN_ERRORS,
          Column.IF_OUT_ERRORS,
          Column.IF_NAME,
          Column.IF_HC_IN_OCTETS,
          Column.IF_HC_OUT_OCTETS,
          Column.IF_HIGH_SPEED,
          Column.IF_ALIAS);

  /** A device without {@code ifXTable}: ifDescr for the name, 32-bit octet counters, ifSpeed. */
  public static final List<Column> WITHOUT_IFX =
      List.of(
          Column.IF_DESCR,
          Column.IF_SPEED,
          Column.IF_ADMIN_STATUS,
          Column.IF_OPER_STATUS,
          Column.IF_IN_OCTETS,
          Column.IF_IN_DISCARDS,
          Column.IF_IN_ERRORS,
          Column.IF_OUT_OCTETS,
          Column.IF_OUT_ERRORS);

  /** ifAdminStatus / ifOperStatus values. */
  public static final int UP = 1;

  public static final int DOWN = 2;
}
