package org.wayleave.controller.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * The state of one poll's walk of the IF-MIB columns: which columns are still open, where each one
 * stands, and the rows collected. snmp4j's {@code TableUtils} walks tables too, but cannot carry
 * {@code sysUpTime} as a non-repeater in the same GETBULK; doing so halves the requests per poll,
 * which is the poller's main cost at fleet scale.
 *
 * <p>The first request is {@code GETBULK(non-repeaters=1: sysUpTime, columns...)}; each later one
 * continues the columns still open from the last OID seen in each. A column closes at the first OID
 * outside it (or an exception value); a column whose OIDs do not increase (a broken agent) closes
 * too, so a walk always ends.
 */
final class BulkWalk {
  /** Most requests one walk may take: 2,000 interfaces at 25 repetitions, and then some. */
  static final int MAX_REQUESTS = 100;

  private final List<IfMib.Column> columns;
  private final OID[] last;
  private final boolean[] open;
  private final Map<Integer, IfRow> rows = new HashMap<>();
  private long sysUpTime = -1;
  private int requests;

  BulkWalk(List<IfMib.Column> columns) {
    this.columns = List.copyOf(columns);
    this.last = new OID[columns.size()];
    this.open = new boolean[columns.size()];
    for (int i = 0; i < last.length; i++) {
      last[i] = columns.get(i).oid;
      open[i] = true;
    }
  }

  boolean first() {
    return requests == 0;
  }

  int requests() {
    return requests;
  }

  /** Fills the next request's variable bindings and repetition counts. */
  void prepare(PDU pdu, int maxRepetitions) {
    pdu.setType(PDU.GETBULK);
    int nonRepeaters = 0;
    if (requests == 0) {
      pdu.add(new VariableBinding(IfMib.SYS_UP_TIME_NEXT));
      nonRepeaters = 1;
    }
    for (int i = 0; i < last.length; i++) {
      if (open[i]) {
        pdu.add(new VariableBinding(last[i]));
      }
    }
    pdu.setNonRepeaters(nonRepeaters);
    pdu.setMaxRepetitions(maxRepetitions);
    requests++;
  }

  /**
   * Takes an answer to the request last {@linkplain #prepare prepared}.
   *
   * @return true when every column is closed (the walk is complete)
   */
  boolean accept(PDU response) {
    List<? extends VariableBinding> vbs = response.getVariableBindings();
    int i = 0;
    if (requests == 1) {
      if (!vbs.isEmpty()
          && vbs.get(0).getOid().equals(IfMib.SYS_UP_TIME)
          && !vbs.get(0).isException()) {
        sysUpTime = vbs.get(0).getVariable().toLong();
      }
      i = 1;
    }
    int[] asked = openIndexes();
    if (asked.length == 0) {
      return true;
    }
    boolean[] progressed = new boolean[last.length];
    for (int k = 0; i < vbs.size(); i++, k++) {
      int col = asked[k % asked.length];
      if (!open[col]) {
        continue;
      }
      VariableBinding vb = vbs.get(i);
      OID oid = vb.getOid();
      IfMib.Column c = columns.get(col);
      if (vb.isException()
          || oid.size() != c.oid.size() + 1
          || !oid.startsWith(c.oid)
          || oid.compareTo(last[col]) <= 0) {
        open[col] = false;
        continue;
      }
      last[col] = oid;
      progressed[col] = true;
      int ifIndex = oid.get(oid.size() - 1);
      store(rows.computeIfAbsent(ifIndex, IfRow::new), c, vb.getVariable());
    }
    // A column the answer did not move (the agent trimmed the answer to nothing for it) stays open
    // only if some column moved; otherwise the walk would ask the same thing forever.
    boolean any = false;
    for (boolean p : progressed) {
      any |= p;
    }
    if (!any || requests >= MAX_REQUESTS) {
      Arrays.fill(open, false);
    }
    return openIndexes().length == 0;
  }

  private int[] openIndexes() {
    int n = 0;
    for (boolean o : open) {
      n += o ? 1 : 0;
    }
    int[] out = new int[n];
    for (int i = 0, j = 0; i < open.length; i++) {
      if (open[i]) {
        out[j++] = i;
      }
    }
    return out;
  }

  private static void store(IfRow row, IfMib.Column c, Variable v) {
    switch (c) {
      case IF_NAME, IF_DESCR, IF_ALIAS -> row.set(c, text(v));
      default -> row.set(c, v.toLong());
    }
  }

  private static String text(Variable v) {
    if (v instanceof OctetString s) {
      return new String(s.getValue(), StandardCharsets.UTF_8);
    }
    return v.toString();
  }

  long sysUpTime() {
    return sysUpTime;
  }

  Map<Integer, IfRow> rows() {
    return rows;
  }

  /**
   * Whether the agent returned any ifXTable column: an old agent without it gets 32-bit counters
   * next time.
   */
  boolean sawIfX() {
    for (IfRow r : rows.values()) {
      if (r.has(IfMib.Column.IF_NAME) || r.has(IfMib.Column.IF_HC_IN_OCTETS)) {
        return true;
      }
    }
    return false;
  }

  /** The columns to walk next time given what this walk found. */
  List<IfMib.Column> nextColumns() {
    if (rows.isEmpty()) {
      return IfMib.ALL;
    }
    return sawIfX() ? IfMib.WITH_IFX : IfMib.WITHOUT_IFX;
  }

  int rowCount() {
    return rows.size();
  }
}
