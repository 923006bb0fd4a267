package org.wayleave.simulator.snmp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Gauge32;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;

/**
 * The objects a simulated router serves (SNMPv2-MIB system scalars, IF-MIB ifTable and ifXTable),
 * in OID order.
 */
final class IfMib {
  static final OID SYS_DESCR = new OID("1.3.6.1.2.1.1.1.0");
  static final OID SYS_UP_TIME = new OID("1.3.6.1.2.1.1.3.0");
  static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
  static final OID IF_NUMBER = new OID("1.3.6.1.2.1.2.1.0");
  static final OID IF_ENTRY = new OID("1.3.6.1.2.1.2.2.1");
  static final OID IF_X_ENTRY = new OID("1.3.6.1.2.1.31.1.1.1");

  static final int ETHERNET_CSMACD = 6;
  static final int L2VLAN = 135;
  static final long MAX_GAUGE32 = 0xFFFF_FFFFL;

  /** Which part of the MIB an object belongs to. */
  enum Group {
    SYSTEM,
    IF_TABLE,
    IF_X_TABLE
  }

  /**
   * A scalar (its instances are {@code .0}) or a table column (its instances are the ifIndexes).
   *
   * @param prefix the object's OID, without the instance
   */
  record MibObject(int[] prefix, Group group, BiFunction<MibView, MibView.IfRow, Variable> value) {
    boolean scalar() {
      return group == Group.SYSTEM;
    }
  }

  /** Every object, in lexicographic OID order. */
  static final List<MibObject> OBJECTS =
      List.of(
          scalar("1.3.6.1.2.1.1.1", (v, r) -> text(v.sysDescr())),
          scalar("1.3.6.1.2.1.1.3", (v, r) -> new TimeTicks(v.sysUpTimeTicks())),
          scalar("1.3.6.1.2.1.1.5", (v, r) -> text(v.sysName())),
          scalar("1.3.6.1.2.1.2.1", (v, r) -> new Integer32(v.rows().size())),
          ifEntry(1, (v, r) -> new Integer32(r.ifIndex())),
          ifEntry(2, (v, r) -> text(r.name())),
          ifEntry(3, (v, r) -> new Integer32(r.ifType())),
          ifEntry(5, (v, r) -> new Gauge32(Math.min(MAX_GAUGE32, r.speedMbps() * 1_000_000L))),
          ifEntry(7, (v, r) -> new Integer32(r.adminUp() ? 1 : 2)),
          ifEntry(8, (v, r) -> new Integer32(r.operUp() ? 1 : 2)),
          ifEntry(10, (v, r) -> counter32(r.inOctets())),
          ifEntry(13, (v, r) -> counter32(r.inDiscards())),
          ifEntry(14, (v, r) -> counter32(r.inErrors())),
          ifEntry(16, (v, r) -> counter32(r.outOctets())),
          ifEntry(20, (v, r) -> counter32(r.outErrors())),
          ifXEntry(1, (v, r) -> text(r.name())),
          ifXEntry(6, (v, r) -> new Counter64(r.inOctets())),
          ifXEntry(10, (v, r) -> new Counter64(r.outOctets())),
          ifXEntry(15, (v, r) -> new Gauge32(Math.min(MAX_GAUGE32, r.speedMbps()))),
          ifXEntry(18, (v, r) -> text(r.alias())));

  private IfMib() {}

  /** The low 32 bits of a 64-bit counter, as an agent keeping both would report them. */
  static Counter32 counter32(long value) {
    return new Counter32(value & 0xFFFF_FFFFL);
  }

  static OctetString text(String s) {
    return new OctetString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static MibObject scalar(String oid, BiFunction<MibView, MibView.IfRow, Variable> value) {
    return new MibObject(new OID(oid).getValue(), Group.SYSTEM, value);
  }

  private static MibObject ifEntry(int column, BiFunction<MibView, MibView.IfRow, Variable> value) {
    return new MibObject(new OID(IF_ENTRY).append(column).getValue(), Group.IF_TABLE, value);
  }

  private static MibObject ifXEntry(
      int column, BiFunction<MibView, MibView.IfRow, Variable> value) {
    return new MibObject(new OID(IF_X_ENTRY).append(column).getValue(), Group.IF_X_TABLE, value);
  }
}
