package org.wayleave.controller.telemetry;

import java.io.IOException;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;

/**
 * The poller's snmp4j stack, shared by every device: one UDP socket with its I/O thread, v2c and v3
 * message processing, and the USM that keeps each v3 user localised to its router's engine id.
 */
final class SnmpSession implements AutoCloseable {
  private final Snmp snmp;
  private final MPv3 mpv3;
  private final USM usm;

  /** Opens the socket and starts listening. */
  SnmpSession() throws IOException {
    // Every protocol USM knows, so a device explicitly set to MD5, SHA-1 or DES can be polled;
    // which one a device gets is decided by its settings (SHA-256 and AES-128 when unset).
    SecurityProtocols protocols =
        new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
    byte[] localEngineId = MPv3.createLocalEngineID();
    this.usm = new USM(protocols, new OctetString(localEngineId), 0);
    this.mpv3 =
        new MPv3(
            localEngineId,
            null,
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            CounterSupport.getInstance());
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(new MPv2c());
    dispatcher.addMessageProcessingModel(mpv3);
    DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
    transport.setReceiveBufferSize(4 << 20);
    transport.setThreadName("snmp-poller-io");
    this.snmp = new Snmp(dispatcher, transport);
    snmp.listen();
  }

  /** Sends {@code pdu}; the answer (or the timeout) goes to {@code listener} on the I/O thread. */
  void send(PDU pdu, Target<UdpAddress> target, ResponseListener listener) throws IOException {
    snmp.send(pdu, target, null, listener);
  }

  /**
   * The engine id the agent at {@code address} gave in answer to a discovery probe, or null when it
   * gave none.
   */
  OctetString discoveredEngineId(UdpAddress address, PDU response) {
    OctetString engineId = mpv3.getEngineID(address);
    if ((engineId == null || engineId.length() == 0) && response instanceof ScopedPDU s) {
      engineId = s.getContextEngineID();
    }
    return engineId == null || engineId.length() == 0 ? null : engineId;
  }

  /** Localises {@code user} to {@code engineId} (once: snmp4j keeps the localised keys). */
  void addUser(UsmUser user, OctetString engineId) {
    usm.addUser(user, engineId);
  }

  @Override
  public void close() throws IOException {
    snmp.close();
  }
}
