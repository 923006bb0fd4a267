package org.wayleave.simulator.snmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * What one router's MIB says at one instant: the system scalars and one row per interface, with
 * counters already integrated up to that instant. Immutable; answers GET and GETNEXT in strict
 * lexicographic OID order (system scalars, ifNumber, ifTable then ifXTable; within a table column
 * by column, rows by ifIndex).
 */
public final class MibView {
  /**
   * One interface as IF-MIB shows it. Counters are 64-bit; ifTable shows their low 32 bits.
   *
   * @param ifType {@value IfMib#ETHERNET_CSMACD} for a physical port, {@value IfMib#L2VLAN} for a
   *     sub-interface
   * @param speedMbps line rate of a port, bandwidth of a sub-interface
   * @param alias ifAlias: the circuit id of a sub-interface, the description of a port
   */
  public record IfRow(
      int ifIndex,
      String name,
      int ifType,
      long speedMbps,
      String alias,
      boolean adminUp,
      boolean operUp,
      long inOctets,
      long outOctets,
      long inErrors,
      long outErrors,
      long inDiscards) {}

  private final String sysDescr;
  private final String sysName;
  private final long sysUpTimeTicks;
  private final boolean ifXTable;
  private final IfRow[] rows;
  private final int[] ifIndexes;

  MibView(
      String sysDescr, String sysName, long sysUpTimeTicks, boolean ifXTable, List<IfRow> rows) {
    this.sysDescr = sysDescr;
    this.sysName = sysName;
    this.sysUpTimeTicks = sysUpTimeTicks;
    this.ifXTable = ifXTable;
    this.rows = rows.toArray(IfRow[]::new);
    Arrays.sort(this.rows, (a, b) -> Integer.compare(a.ifIndex(), b.ifIndex()));
    this.ifIndexes = Arrays.stream(this.rows).mapToInt(IfRow::ifIndex).toArray();
  }

  public String sysDescr() {
    return sysDescr;
  }

  public String sysName() {
    return sysName;
  }

  /** Hundredths of a second since the router's last boot, as sysUpTime shows it (wraps at 2^32). */
  public long sysUpTimeTicks() {
    return sysUpTimeTicks & 0xFFFF_FFFFL;
  }

  /** Whether the router shows ifXTable (an old device does not, and has only 32-bit counters). */
  public boolean hasIfXTable() {
    return ifXTable;
  }

  /** The interfaces, by ifIndex. */
  public List<IfRow> rows() {
    return List.of(rows);
  }

  public Optional<IfRow> row(String name) {
    for (IfRow r : rows) {
      if (r.name().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** GET: the instance's value, or noSuchObject / noSuchInstance. */
  public VariableBinding get(OID oid) {
    int[] o = oid.getValue();
    for (IfMib.MibObject obj : IfMib.OBJECTS) {
      if (!shown(obj) || compareToPrefix(o, obj.prefix()) != 0) {
        continue;
      }
      if (o.length == obj.prefix().length + 1) {
        int index = o[o.length - 1];
        if (obj.scalar() ? index == 0 : Arrays.binarySearch(ifIndexes, index) >= 0) {
          return value(obj, index);
        }
      }
      return new VariableBinding(oid, Null.noSuchInstance);
    }
    return new VariableBinding(oid, Null.noSuchObject);
  }

  /** GETNEXT: the first instance strictly after {@code oid}, or endOfMibView. */
  public VariableBinding next(OID oid) {
    int[] o = oid.getValue();
    for (IfMib.MibObject obj : IfMib.OBJECTS) {
      if (!shown(obj)) {
        continue;
      }
      int[] instances = obj.scalar() ? SCALAR : ifIndexes;
      int c = compareToPrefix(o, obj.prefix());
      if (c > 0 || instances.length == 0) {
        continue;
      }
      int pos = 0;
      if (c == 0 && o.length > obj.prefix().length) {
        pos = firstAbove(instances, o[obj.prefix().length] & 0xFFFF_FFFFL);
      }
      if (pos < instances.length) {
        return value(obj, instances[pos]);
      }
    }
    return new VariableBinding(oid, Null.endOfMibView);
  }

  /** Every instance under {@code root}, in order (a GETNEXT walk). */
  public List<VariableBinding> walk(OID root) {
    List<VariableBinding> out = new ArrayList<>();
    VariableBinding vb = next(root);
    while (!vb.getVariable().isException() && vb.getOid().startsWith(root)) {
      out.add(vb);
      vb = next(vb.getOid());
    }
    return out;
  }

  private static final int[] SCALAR = {0};

  /** Position of the first element above {@code key} in an ascending array (its length if none). */
  private static int firstAbove(int[] ascending, long key) {
    int lo = 0;
    int hi = ascending.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ascending[mid] <= key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private boolean shown(IfMib.MibObject obj) {
    return ifXTable || obj.group() != IfMib.Group.IF_X_TABLE;
  }

  private VariableBinding value(IfMib.MibObject obj, int index) {
    int[] oid = Arrays.copyOf(obj.prefix(), obj.prefix().length + 1);
    oid[oid.length - 1] = index;
    IfRow row = obj.scalar() ? null : rows[Arrays.binarySearch(ifIndexes, index)];
    return new VariableBinding(new OID(oid), obj.value().apply(this, row));
  }

  /**
   * Compares an OID with an object's prefix over the prefix's length: negative if the OID sorts
   * before every instance of the object, 0 if it starts with the prefix, positive if it sorts
   * after.
   */
  static int compareToPrefix(int[] oid, int[] prefix) {
    int n = Math.min(oid.length, prefix.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compareUnsigned(oid[i], prefix[i]);
      if (c != 0) {
        return c;
      }
    }
    return oid.length < prefix.length ? -1 : 0;
  }
}
