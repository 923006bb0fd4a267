package org.wayleave.controller.telemetry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.snmp4j.AbstractTarget;
import org.snmp4j.CommunityTarget;
import org.snmp4j.UserTarget;
import org.snmp4j.mp.SnmpConstants;
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
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.SecretProvider;

/**
 * Turns a device's SNMP settings into an snmp4j target (and, for v3, the USM user), resolving the
 * secrets it references. An unset version means v3 authPriv (the default); v2c only with {@code
 * allow_v2c}. Unset v3 protocols mean SHA-256 and AES-128; MD5, SHA-1 and DES only when set
 * explicitly.
 */
final class SnmpTargets {
  private SnmpTargets() {}

  /** What polling one device needs; secrets stay inside and are never printed. */
  record Resolved(
      UdpAddress address,
      SnmpVersion version,
      OctetString community,
      UsmUser user,
      int maxRepetitions) {
    @Override
    public String toString() {
      return "Resolved{" + address + " " + version + "}";
    }
  }

  /**
   * @throws IllegalArgumentException (or {@link SecretProvider.SecretException}) naming the field
   *     or the secret reference, never a secret
   */
  static Resolved resolve(Device d, SecretProvider secrets, int defaultMaxRepetitions) {
    if (!d.hasSnmp()) {
      throw new IllegalArgumentException("device " + d.getId() + " has no snmp settings");
    }
    SnmpSettings s = d.getSnmp();
    InetAddress host;
    try {
      host = InetAddress.getByName(d.getManagementAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "management_address '"
              + d.getManagementAddress()
              + "' of "
              + d.getId()
              + " does not resolve");
    }
    UdpAddress address = new UdpAddress(host, s.getPort() == 0 ? 161 : s.getPort());
    int maxRep = s.getMaxRepetitions() > 0 ? s.getMaxRepetitions() : defaultMaxRepetitions;
    SnmpVersion version = version(s);
    if (version == SnmpVersion.SNMP_VERSION_V2C) {
      if (!s.getAllowV2C()) {
        // Stored before allow_v2c existed, or written around validation: never send the community
        // in clear unasked.
        throw new IllegalArgumentException(
            "snmp.version of "
                + d.getId()
                + " is SNMP_VERSION_V2C, which sends the community in clear: set allow_v2c: true on"
                + " the device to poll it over v2c");
      }
      return new Resolved(
          address, version, new OctetString(secrets.resolve(s.getCommunityRef())), null, maxRep);
    }
    if (version != SnmpVersion.SNMP_VERSION_V3) {
      throw new IllegalArgumentException(
          "snmp.version of "
              + d.getId()
              + " must be SNMP_VERSION_V3 (or unset, which means v3) or SNMP_VERSION_V2C");
    }
    String auth = secrets.resolve(s.getAuthSecretRef());
    String priv = secrets.resolve(s.getPrivSecretRef());
    if (auth.length() < 8 || priv.length() < 8) {
      throw new IllegalArgumentException(
          "snmp secrets of " + d.getId() + " must be at least 8 characters (RFC 3414)");
    }
    UsmUser user =
        new UsmUser(
            new OctetString(s.getUser()),
            auth(s.getAuthProtocol()),
            new OctetString(auth),
            priv(s.getPrivProtocol()),
            new OctetString(priv));
    return new Resolved(address, version, null, user, maxRep);
  }

  /** The version polled with: an unset version means v3 authPriv, the default. */
  static SnmpVersion version(SnmpSettings s) {
    return s.getVersion() == SnmpVersion.SNMP_VERSION_UNSPECIFIED
        ? SnmpVersion.SNMP_VERSION_V3
        : s.getVersion();
  }

  static OID auth(SnmpAuthProtocol p) {
    return switch (p) {
      case SNMP_AUTH_PROTOCOL_MD5 -> AuthMD5.ID;
      case SNMP_AUTH_PROTOCOL_SHA1 -> AuthSHA.ID;
      case SNMP_AUTH_PROTOCOL_SHA224 -> AuthHMAC128SHA224.ID;
      case SNMP_AUTH_PROTOCOL_SHA384 -> AuthHMAC256SHA384.ID;
      case SNMP_AUTH_PROTOCOL_SHA512 -> AuthHMAC384SHA512.ID;
      default -> AuthHMAC192SHA256.ID;
    };
  }

  static OID priv(SnmpPrivProtocol p) {
    return switch (p) {
      case SNMP_PRIV_PROTOCOL_DES -> PrivDES.ID;
      case SNMP_PRIV_PROTOCOL_AES192 -> PrivAES192.ID;
      case SNMP_PRIV_PROTOCOL_AES256 -> PrivAES256.ID;
      default -> PrivAES128.ID;
    };
  }

  /** The target for requests; v3 once the engine id is known. */
  static AbstractTarget<UdpAddress> target(
      Resolved r, OctetString engineId, long timeoutMillis, int retries) {
    AbstractTarget<UdpAddress> t;
    if (r.version() == SnmpVersion.SNMP_VERSION_V2C) {
      CommunityTarget<UdpAddress> ct = new CommunityTarget<>(r.address(), r.community());
      ct.setVersion(SnmpConstants.version2c);
      t = ct;
    } else {
      UserTarget<UdpAddress> ut =
          new UserTarget<>(
              r.address(),
              r.user().getSecurityName(),
              engineId.getValue(),
              SecurityLevel.AUTH_PRIV);
      ut.setVersion(SnmpConstants.version3);
      t = ut;
    }
    t.setTimeout(timeoutMillis);
    t.setRetries(retries);
    return t;
  }

  /** An unauthenticated v3 target for engine id discovery. */
  static UserTarget<UdpAddress> discovery(Resolved r, long timeoutMillis, int retries) {
    UserTarget<UdpAddress> t = new UserTarget<>();
    t.setAddress(r.address());
    t.setVersion(SnmpConstants.version3);
    t.setSecurityLevel(SecurityLevel.NOAUTH_NOPRIV);
    t.setSecurityName(new OctetString());
    t.setTimeout(timeoutMillis);
    t.setRetries(retries);
    return t;
  }
}
