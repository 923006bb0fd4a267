package org.wayleave.simulator.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.VariableBinding;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;

/**
 * Responses built from a MIB view: GETBULK as RFC 3416 says, and never bigger than the requester
 * can take.
 */
class PduResponderTest {
  static final OID IF_DESCR = new OID("1.3.6.1.2.1.2.2.1.2");
  static final OID IF_ALIAS = new OID("1.3.6.1.2.1.31.1.1.1.18");
  MibView view;

  @BeforeEach
  void setUp() {
    SimRouter router = new SimRouter("rtr-pdu-01", List.of("ge-0/0/0", "ge-0/0/1"));
    for (int vlan = 100; vlan < 140; vlan++) {
      router.addForeign(
          SubInterface.newBuilder()
              .setName("ge-0/0/1." + vlan)
              .setPort("ge-0/0/1")
              .setCTag(vlan)
              .setAlias("LPSN-PDU-" + vlan)
              .setBandwidthMbps(10)
              .setAdminUp(true)
              .build());
    }
    view = RouterMib.of(router, () -> 0L).view();
  }

  static PDU request(int type, OID... oids) {
    PDU pdu = new PDU();
    pdu.setType(type);
    pdu.setRequestID(new Integer32(77));
    for (OID oid : oids) {
      pdu.add(new VariableBinding(oid));
    }
    return pdu;
  }

  static PDU bulk(int nonRepeaters, int maxRepetitions, OID... oids) {
    PDU pdu = request(PDU.GETBULK, oids);
    pdu.setNonRepeaters(nonRepeaters);
    pdu.setMaxRepetitions(maxRepetitions);
    return pdu;
  }

  @Test
  void getBulkAnswersTheNonRepeatersOnceThenRoundsOfTheRepeaters() {
    PDU response =
        PduResponder.respond(
            bulk(1, 3, new OID("1.3.6.1.2.1.1.3"), IF_DESCR, IF_ALIAS), () -> view, 65_000);
    assertThat(response.getType()).isEqualTo(PDU.RESPONSE);
    assertThat(response.getRequestID().getValue()).isEqualTo(77);
    assertThat(response.getVariableBindings())
        .extracting(vb -> vb.getOid().toDottedString())
        .containsExactly(
            "1.3.6.1.2.1.1.3.0",
            "1.3.6.1.2.1.2.2.1.2.1",
            "1.3.6.1.2.1.31.1.1.1.18.1",
            "1.3.6.1.2.1.2.2.1.2.2",
            "1.3.6.1.2.1.31.1.1.1.18.2",
            "1.3.6.1.2.1.2.2.1.2.3",
            "1.3.6.1.2.1.31.1.1.1.18.3");
  }

  @Test
  void getBulkPastTheEndAnswersEndOfMibViewAndStops() {
    PDU response =
        PduResponder.respond(
            bulk(0, 1_000, new OID("1.3.6.1.2.1.31.1.1.1.18.40")), () -> view, 65_000);
    assertThat(response.getVariableBindings())
        .extracting(vb -> vb.getOid().toDottedString())
        .containsExactly(
            "1.3.6.1.2.1.31.1.1.1.18.41",
            "1.3.6.1.2.1.31.1.1.1.18.42",
            "1.3.6.1.2.1.31.1.1.1.18.42");
    assertThat(response.get(2).getVariable()).isEqualTo(Null.endOfMibView);
  }

  @Test
  void aGetBulkAnswerTooBigForTheRequesterIsTrimmedNotRefused() {
    PDU whole = PduResponder.respond(bulk(0, 500, IF_DESCR), () -> view, 65_000);
    PDU trimmed = PduResponder.respond(bulk(0, 500, IF_DESCR), () -> view, 484);
    assertThat(trimmed.getErrorStatus()).isEqualTo(PDU.noError);
    assertThat(trimmed.getBERLength()).isLessThanOrEqualTo(484);
    assertThat(trimmed.size()).isPositive().isLessThan(whole.size());
    List<VariableBinding> prefix =
        List.copyOf(whole.getVariableBindings().subList(0, trimmed.size()));
    assertThat(List.copyOf(trimmed.getVariableBindings())).isEqualTo(prefix);
    PDU nothingFits = PduResponder.respond(bulk(0, 500, IF_DESCR), () -> view, 30);
    assertThat(nothingFits.getErrorStatus()).isEqualTo(PDU.noError);
    assertThat(nothingFits.size()).isZero();
  }

  @Test
  void aGetAnswerTooBigForTheRequesterIsTooBig() {
    OID[] oids = new OID[42];
    for (int i = 0; i < oids.length; i++) {
      oids[i] = new OID(IF_ALIAS).append(i + 1);
    }
    PDU response = PduResponder.respond(request(PDU.GET, oids), () -> view, 484);
    assertThat(response.getErrorStatus()).isEqualTo(PDU.tooBig);
    assertThat(response.getErrorIndex()).isZero();
    assertThat(response.size()).isZero();
    assertThat(PduResponder.respond(request(PDU.GET, oids), () -> view, 65_000).getErrorStatus())
        .isEqualTo(PDU.noError);
  }

  @Test
  void aScopedRequestGetsAScopedResponseInItsContext() {
    ScopedPDU request = new ScopedPDU();
    request.setType(PDU.GETNEXT);
    request.setContextEngineID(new OctetString("engine"));
    request.add(new VariableBinding(IF_DESCR));
    PDU response = PduResponder.respond(request, () -> view, 65_000);
    assertThat(response).isInstanceOf(ScopedPDU.class);
    assertThat(((ScopedPDU) response).getContextEngineID()).isEqualTo(new OctetString("engine"));
    assertThat(response.get(0).getVariable().toString()).isEqualTo("ge-0/0/0");
  }

  @Test
  void setIsRefusedAndOtherPdusAreNotAnswered() {
    PDU set = request(PDU.SET, new OID("1.3.6.1.2.1.1.5.0"));
    assertThat(PduResponder.respond(set, () -> view, 65_000).getErrorStatus())
        .isEqualTo(PDU.notWritable);
    assertThat(
            PduResponder.respond(
                request(PDU.TRAP, new OID("1.3.6.1.2.1.1.5.0")), () -> view, 65_000))
        .isNull();
  }
}
