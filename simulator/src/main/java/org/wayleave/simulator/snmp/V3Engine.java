package org.wayleave.simulator.snmp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.snmp4j.CommandResponder;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.AuthHMAC128SHA224;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.AuthHMAC256SHA384;
import org.snmp4j.security.AuthHMAC384SHA512;
import org.snmp4j.security.AuthMD5;
import org.snmp4j.security.AuthSHA;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.PrivAES192;
import org.snmp4j.security.PrivAES256;
import org.snmp4j.security.PrivDES;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;

/**
 * The SNMPv3 engine of one router: its own engine id, USM with its one user, and a message
 * dispatcher with MPv3 only. Built on the router's first request, so a v2c fleet carries none. Used
 * by the fleet's selector thread only.
 */
final class V3Engine {
  /** SNMP4J's private enterprise number, as engine ids made with snmp4j carry it. */
  private static final int ENTERPRISE = 4976;

  private static final int MAX_TEXT = MPv3.MAXLEN_ENGINE_ID - 5;

  final MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
  final OctetString engineId;
  private final USM usm;
  private int boots;

  V3Engine(
      RouterMib mib,
      SnmpEndpoint settings,
      SecurityProtocols protocols,
      CounterSupport counters,
      CommandResponder responder) {
    this.engineId = new OctetString(engineId(mib.deviceId()));
    this.boots = mib.boots();
    this.usm = new USM(protocols, engineId, boots, counters);
    usm.addUser(
        new UsmUser(
            new OctetString(settings.user()),
            authProtocol(settings.authProtocol()),
            new OctetString(settings.authPassphrase()),
            privProtocol(settings.privProtocol()),
            new OctetString(settings.privPassphrase())));
    MPv3 mp =
        new MPv3(
            engineId.getValue(),
            null,
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            counters);
    dispatcher.addMessageProcessingModel(mp);
    dispatcher.addCommandResponder(responder);
  }

  /** After the router rebooted, the engine has booted once more and its engine time restarts. */
  void followBoots(int routerBoots) {
    if (routerBoots != boots) {
      boots = routerBoots;
      usm.setLocalEngine(engineId, boots, 0);
    }
  }

  /**
   * A router's engine id, derived from its device id (RFC 3411 format 4, text): {@code 80 00 13 70
   * 04} and the id; an id longer than {@value #MAX_TEXT} bytes gives format 5 with the first 16
   * bytes of its SHA-256.
   */
  static byte[] engineId(String deviceId) {
    byte[] text = deviceId.getBytes(StandardCharsets.UTF_8);
    byte format = 4;
    if (text.length > MAX_TEXT) {
      format = 5;
      try {
        text = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(text), 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
    byte[] id = new byte[5 + text.length];
    id[0] = (byte) (0x80 | (ENTERPRISE >>> 24));
    id[1] = (byte) (ENTERPRISE >>> 16);
    id[2] = (byte) (ENTERPRISE >>> 8);
    id[3] = (byte) ENTERPRISE;
    id[4] = format;
    System.arraycopy(text, 0, id, 5, text.length);
    return id;
  }

  static OID authProtocol(SnmpAuthProtocol p) {
    return switch (p) {
      case SNMP_AUTH_PROTOCOL_MD5 -> AuthMD5.ID;
      case SNMP_AUTH_PROTOCOL_SHA1 -> AuthSHA.ID;
      case SNMP_AUTH_PROTOCOL_SHA224 -> AuthHMAC128SHA224.ID;
      case SNMP_AUTH_PROTOCOL_SHA256, SNMP_AUTH_PROTOCOL_UNSPECIFIED -> AuthHMAC192SHA256.ID;
      case SNMP_AUTH_PROTOCOL_SHA384 -> AuthHMAC256SHA384.ID;
      case SNMP_AUTH_PROTOCOL_SHA512 -> AuthHMAC384SHA512.ID;
      case UNRECOGNIZED -> throw new IllegalArgumentException("authProtocol: unrecognised value");
    };
  }

  static OID privProtocol(SnmpPrivProtocol p) {
    return switch (p) {
      case SNMP_PRIV_PROTOCOL_DES -> PrivDES.ID;
      case SNMP_PRIV_PROTOCOL_AES128, SNMP_PRIV_PROTOCOL_UNSPECIFIED -> PrivAES128.ID;
      case SNMP_PRIV_PROTOCOL_AES192 -> PrivAES192.ID;
      case SNMP_PRIV_PROTOCOL_AES256 -> PrivAES256.ID;
      case UNRECOGNIZED -> throw new IllegalArgumentException("privProtocol: unrecognised value");
    };
  }
}
