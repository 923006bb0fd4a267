package org.wayleave.simulator.snmp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.snmp4j.CommunityTarget;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;

/** An snmp4j manager for tests: v2c and v3 requests to simulated routers over loopback. */
final class SnmpTestClient implements AutoCloseable {
  /** How long a request waits for its answer; only reached when no answer comes. */
  // Generous: a v3 request to a router first seen localises keys on both sides, slow on a busy CI
  // machine.
  static final long TIMEOUT_MILLIS = 3_000;

  private final Snmp snmp;
  private final USM usm;
  private final long timeoutMillis;

  SnmpTestClient() {
    this(0, TIMEOUT_MILLIS);
  }

  /**
   * @param maxMessageSize the largest message this manager takes (its v3 msgMaxSize); 0 for
   *     snmp4j's default
   * @param timeoutMillis how long a request waits for its answer
   */
  SnmpTestClient(int maxMessageSize, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    try {
      SecurityProtocols protocols =
          new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
      byte[] local = MPv3.createLocalEngineID();
      usm = new USM(protocols, new OctetString(local), 0);
      MPv3 mp =
          new MPv3(
              local,
              null,
              protocols,
              SecurityModels.getCollection(new SecurityModel[] {usm}),
              CounterSupport.getInstance());
      MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
      dispatcher.addMessageProcessingModel(new MPv2c());
      dispatcher.addMessageProcessingModel(mp);
      DefaultUdpTransportMapping transport =
          new DefaultUdpTransportMapping(new UdpAddress("127.0.0.1/0"));
      if (maxMessageSize > 0) {
        transport.setMaxInboundMessageSize(maxMessageSize);
      }
      snmp = new Snmp(dispatcher, transport);
      snmp.listen();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request PDU for {@code endpoint}'s version, of {@code type}, for {@code oids}. */
  static PDU pdu(SnmpEndpoint endpoint, int type, OID... oids) {
    PDU pdu = endpoint.isV3() ? new ScopedPDU() : new PDU();
    pdu.setType(type);
    for (OID oid : oids) {
      pdu.add(new VariableBinding(oid));
    }
    return pdu;
  }

  static PDU bulk(SnmpEndpoint endpoint, int nonRepeaters, int maxRepetitions, OID... oids) {
    PDU pdu = pdu(endpoint, PDU.GETBULK, oids);
    pdu.setNonRepeaters(nonRepeaters);
    pdu.setMaxRepetitions(maxRepetitions);
    return pdu;
  }

  /**
   * Sends {@code pdu} to a router at {@code address} with {@code endpoint}'s credentials; null if
   * no answer came.
   */
  PDU send(InetSocketAddress address, SnmpEndpoint endpoint, PDU pdu) {
    return send(address, endpoint, pdu, SecurityLevel.AUTH_PRIV);
  }

  /** As {@link #send(InetSocketAddress, SnmpEndpoint, PDU)}, v3 at the given security level. */
  PDU send(InetSocketAddress address, SnmpEndpoint endpoint, PDU pdu, int securityLevel) {
    try {
      Target<UdpAddress> target = target(address, endpoint);
      target.setSecurityLevel(endpoint.isV3() ? securityLevel : SecurityLevel.NOAUTH_NOPRIV);
      ResponseEvent<UdpAddress> e = snmp.send(pdu, target);
      return e.getResponse();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  PDU get(SnmpFleet.Binding b, OID... oids) {
    return send(b.address(), b.endpoint(), pdu(b.endpoint(), PDU.GET, oids));
  }

  PDU next(SnmpFleet.Binding b, OID... oids) {
    return send(b.address(), b.endpoint(), pdu(b.endpoint(), PDU.GETNEXT, oids));
  }

  /** Walks {@code root} with GETBULK (max-repetitions 10), as snmpbulkwalk does. */
  List<VariableBinding> bulkWalk(SnmpFleet.Binding b, OID root) {
    List<VariableBinding> out = new ArrayList<>();
    OID cursor = root;
    while (true) {
      PDU response = send(b.address(), b.endpoint(), bulk(b.endpoint(), 0, 10, cursor));
      if (response == null || response.getErrorStatus() != PDU.noError) {
        throw new AssertionError("bulk walk of " + root + " at " + cursor + " failed: " + response);
      }
      for (VariableBinding vb : response.getVariableBindings()) {
        if (vb.getVariable().isException() || !vb.getOid().startsWith(root)) {
          return out;
        }
        out.add(vb);
        cursor = vb.getOid();
      }
      if (response.size() == 0) {
        return out;
      }
    }
  }

  private Target<UdpAddress> target(InetSocketAddress address, SnmpEndpoint e) {
    UdpAddress to = new UdpAddress(address.getAddress(), address.getPort());
    if (!e.isV3()) {
      CommunityTarget<UdpAddress> t = new CommunityTarget<>(to, new OctetString(e.community()));
      t.setVersion(SnmpConstants.version2c);
      t.setTimeout(timeoutMillis);
      t.setRetries(0);
      return t;
    }
    OctetString user = new OctetString(e.user());
    usm.removeAllUsers(user);
    usm.addUser(
        new UsmUser(
            user,
            V3Engine.authProtocol(e.authProtocol()),
            new OctetString(e.authPassphrase()),
            V3Engine.privProtocol(e.privProtocol()),
            new OctetString(e.privPassphrase())));
    UserTarget<UdpAddress> t = new UserTarget<>();
    t.setAddress(to);
    t.setSecurityName(user);
    t.setSecurityLevel(SecurityLevel.AUTH_PRIV);
    t.setVersion(SnmpConstants.version3);
    t.setTimeout(timeoutMillis);
    t.setRetries(0);
    return t;
  }

  @Override
  public void close() {
    try {
      snmp.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
