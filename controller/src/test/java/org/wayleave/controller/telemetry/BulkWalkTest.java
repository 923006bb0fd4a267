package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.smi.Counter32;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/** The GETBULK walk's bookkeeping, against answers built by hand. */
class BulkWalkTest {
  static final List<IfMib.Column> COLS = List.of(IfMib.Column.IF_OPER_STATUS, IfMib.Column.IF_NAME);

  static VariableBinding vb(IfMib.Column c, int ifIndex, Variable v) {
    return new VariableBinding(new OID(c.oid).append(ifIndex), v);
  }

  @Test
  void firstRequestCarriesSysUpTimeAsTheOneNonRepeater() {
    BulkWalk w = new BulkWalk(COLS);
    PDU pdu = new PDU();
    w.prepare(pdu, 10);
    assertThat(pdu.getNonRepeaters()).isEqualTo(1);
    assertThat(pdu.getMaxRepetitions()).isEqualTo(10);
    assertThat(pdu.get(0).getOid()).isEqualTo(IfMib.SYS_UP_TIME_NEXT);
    assertThat(pdu.get(1).getOid()).isEqualTo(IfMib.Column.IF_OPER_STATUS.oid);
    assertThat(pdu.get(2).getOid()).isEqualTo(IfMib.Column.IF_NAME.oid);
  }

  @Test
  void rowsInterleaveByColumnAndAColumnClosesAtTheFirstOidOutsideIt() {
    BulkWalk w = new BulkWalk(COLS);
    w.prepare(new PDU(), 3);
    PDU answer = new PDU();
    answer.add(new VariableBinding(IfMib.SYS_UP_TIME, new TimeTicks(4242)));
    answer.add(vb(IfMib.Column.IF_OPER_STATUS, 1, new Integer32(1)));
    answer.add(vb(IfMib.Column.IF_NAME, 1, new OctetString("ge-0/0/0")));
    answer.add(vb(IfMib.Column.IF_OPER_STATUS, 2, new Integer32(2)));
    answer.add(vb(IfMib.Column.IF_NAME, 2, new OctetString("ge-0/0/1")));
    // third repetition: oper ran into the next column; ifName into ifInMulticastPkts
    answer.add(vb(IfMib.Column.IF_IN_OCTETS, 1, new Integer32(0)));
    answer.add(new VariableBinding(new OID("1.3.6.1.2.1.31.1.1.1.2.1"), new Integer32(0)));
    assertThat(w.accept(answer)).isTrue();
    assertThat(w.sysUpTime()).isEqualTo(4242);
    assertThat(w.rows()).hasSize(2);
    assertThat(w.rows().get(2).name()).isEqualTo("ge-0/0/1");
    assertThat(w.rows().get(2).operStatus()).isEqualTo(2);
    assertThat(w.nextColumns()).isEqualTo(IfMib.WITH_IFX);
  }

  @Test
  void anOpenColumnContinuesFromItsLastOid() {
    BulkWalk w = new BulkWalk(COLS);
    w.prepare(new PDU(), 1);
    PDU answer = new PDU();
    answer.add(new VariableBinding(IfMib.SYS_UP_TIME, new TimeTicks(1)));
    answer.add(vb(IfMib.Column.IF_OPER_STATUS, 7, new Integer32(1)));
    answer.add(vb(IfMib.Column.IF_NAME, 7, new OctetString("x")));
    assertThat(w.accept(answer)).isFalse();
    PDU next = new PDU();
    w.prepare(next, 1);
    assertThat(next.getNonRepeaters()).isZero();
    assertThat(next.get(0).getOid()).isEqualTo(new OID(IfMib.Column.IF_OPER_STATUS.oid).append(7));
    assertThat(next.get(1).getOid()).isEqualTo(new OID(IfMib.Column.IF_NAME.oid).append(7));
  }

  @Test
  void anAgentThatDoesNotMoveForwardEndsTheWalk() {
    BulkWalk w = new BulkWalk(COLS);
    w.prepare(new PDU(), 1);
    PDU first = new PDU();
    first.add(new VariableBinding(IfMib.SYS_UP_TIME, new TimeTicks(1)));
    first.add(vb(IfMib.Column.IF_OPER_STATUS, 7, new Integer32(1)));
    first.add(vb(IfMib.Column.IF_NAME, 7, new OctetString("x")));
    w.accept(first);
    w.prepare(new PDU(), 1);
    PDU same = new PDU();
    same.add(vb(IfMib.Column.IF_OPER_STATUS, 7, new Integer32(1)));
    same.add(vb(IfMib.Column.IF_NAME, 7, new OctetString("x")));
    assertThat(w.accept(same)).isTrue();
  }

  @Test
  void anOldAgentWithoutIfXTableIsWalkedForThirtyTwoBitCountersNextTime() {
    BulkWalk w = new BulkWalk(List.of(IfMib.Column.IF_HC_IN_OCTETS, IfMib.Column.IF_IN_OCTETS));
    w.prepare(new PDU(), 2);
    PDU answer = new PDU();
    answer.add(new VariableBinding(IfMib.SYS_UP_TIME, new TimeTicks(1)));
    answer.add(new VariableBinding(new OID("1.3.6.1.2.1.31.1.1.1.6"), Null.endOfMibView));
    answer.add(vb(IfMib.Column.IF_IN_OCTETS, 1, new Counter32(5)));
    answer.add(new VariableBinding(new OID("1.3.6.1.2.1.31.1.1.1.6"), Null.endOfMibView));
    answer.add(vb(IfMib.Column.IF_OUT_OCTETS, 1, new Counter64(0)));
    assertThat(w.accept(answer)).isTrue();
    assertThat(w.rows().get(1).has(IfMib.Column.IF_IN_OCTETS)).isTrue();
    assertThat(w.nextColumns()).isEqualTo(IfMib.WITHOUT_IFX);
  }
}
