package org.wayleave.controller.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.SiteKind;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.api.v1.VlanRange;
import org.wayleave.base.secrets.SecretProvider;

/**
 * Field rules that an object must satisfy on its own, before it is compared with the store. Each
 * broken rule is recorded with its field path and the offending value; nothing is thrown here.
 */
public final class Validation {
  /** Ids of councils, suppliers, sites, devices and pools. */
  public static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

  /** Circuit ids such as {@code LPSN-CAM-0001}. */
  public static final Pattern CIRCUIT_ID = Pattern.compile("[A-Z0-9][A-Z0-9-]{2,62}");

  /** ONS GSS codes: a country letter and eight digits. */
  public static final Pattern GSS_CODE = Pattern.compile("[EWSN][0-9]{8}");

  /** Router port names; no dot, as the dot separates the VLAN in sub-interface names. */
  public static final Pattern PORT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9/:_-]{0,31}");

  /** Host names and IP literals. */
  public static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,253}");

  static final int MAX_NAME = 200;
  static final int MAX_DESCRIPTION = 1024;
  static final long MAX_PORT_SPEED_MBPS = 1_600_000;

  private Validation() {}

  /** Records every field rule {@code obj} of {@code kind} breaks. */
  public static void check(Kind<?> kind, Object obj, Violations v) {
    if (kind == Kind.COUNCIL) {
      council((Council) obj, v);
    } else if (kind == Kind.SUPPLIER) {
      supplier((Supplier) obj, v);
    } else if (kind == Kind.SITE) {
      site((Site) obj, v);
    } else if (kind == Kind.DEVICE) {
      device((Device) obj, v);
    } else if (kind == Kind.VLAN_POOL) {
      vlanPool((VlanPool) obj, v);
    } else if (kind == Kind.CIRCUIT) {
      circuit((Circuit) obj, v);
    } else {
      throw new IllegalArgumentException("unknown kind " + kind);
    }
  }

  static void slug(String field, String value, Violations v) {
    if (value.isEmpty()) {
      v.invalid(field, "is required");
    } else if (!SLUG.matcher(value).matches()) {
      v.invalid(
          field,
          "must match "
              + SLUG.pattern()
              + " (lower-case letters, digits and '-', 2-63 characters); got '"
              + value
              + "'");
    }
  }

  static void name(String field, String value, Violations v) {
    if (value.isBlank()) {
      v.invalid(field, "is required");
    } else if (value.length() > MAX_NAME) {
      v.invalid(field, "must be at most " + MAX_NAME + " characters (got " + value.length() + ")");
    }
  }

  static void council(Council c, Violations v) {
    slug("id", c.getId(), v);
    name("name", c.getName(), v);
    slug("region", c.getRegion(), v);
    if (!c.getGssCode().isEmpty() && !GSS_CODE.matcher(c.getGssCode()).matches()) {
      v.invalid(
          "gss_code",
          "must be a GSS code: a letter E, W, S or N and eight digits, e.g. E09000007; got '"
              + c.getGssCode()
              + "'");
    }
  }

  static void supplier(Supplier s, Violations v) {
    slug("id", s.getId(), v);
    name("name", s.getName(), v);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < s.getCouncilsCount(); i++) {
      String c = s.getCouncils(i);
      slug("councils[" + i + "]", c, v);
      if (!seen.add(c)) {
        v.invalid("councils[" + i + "]", "council '" + c + "' is listed twice");
      }
    }
  }

  static void site(Site s, Violations v) {
    slug("id", s.getId(), v);
    slug("council", s.getCouncil(), v);
    name("name", s.getName(), v);
    if (s.getKind() == SiteKind.UNRECOGNIZED) {
      v.invalid("kind", "is not a known site kind");
    }
  }

  static void device(Device d, Violations v) {
    slug("id", d.getId(), v);
    slug("site", d.getSite(), v);
    String addr = d.getManagementAddress();
    if (addr.isEmpty()) {
      v.invalid("management_address", "is required");
    } else if (!HOST.matcher(addr).matches()) {
      v.invalid("management_address", "must be a host name or IP literal; got '" + addr + "'");
    }
    if (d.getPortsCount() == 0) {
      v.invalid("ports", "must list at least one port");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < d.getPortsCount(); i++) {
      Port p = d.getPorts(i);
      String f = "ports[" + i + "]";
      if (p.getName().isEmpty()) {
        v.invalid(f + ".name", "is required");
      } else if (!PORT_NAME.matcher(p.getName()).matches()) {
        v.invalid(
            f + ".name",
            "must match "
                + PORT_NAME.pattern()
                + " (no '.', which separates the VLAN in sub-interface names); got '"
                + p.getName()
                + "'");
      } else if (!names.add(p.getName())) {
        v.invalid(f + ".name", "port '" + p.getName() + "' is listed twice");
      }
      if (p.getSpeedMbps() < 1 || p.getSpeedMbps() > MAX_PORT_SPEED_MBPS) {
        v.invalid(
            f + ".speed_mbps",
            "must be within 1-" + MAX_PORT_SPEED_MBPS + " Mbit/s (got " + p.getSpeedMbps() + ")");
      }
    }
    if (d.hasSnmp()) {
      snmp(d.getSnmp(), v.at("snmp"));
    }
  }

  private static void secretRef(String ref, String field, String when, Violations v) {
    if (ref.isEmpty()) {
      v.invalid(field, "is required " + when);
    } else if (!SecretProvider.validRef(ref)) {
      v.invalid(
          field,
          "must be a secret reference: a relative path of names made of letters, digits, '.', '_'"
              + " and '-', no '..' (got '"
              + ref
              + "')");
    }
  }

  static void snmp(SnmpSettings s, Violations v) {
    if (s.getPort() < 0 || s.getPort() > 65535) {
      v.invalid("port", "must be within 0-65535 (got " + s.getPort() + ")");
    }
    if (s.getMaxRepetitions() < 0 || s.getMaxRepetitions() > 1000) {
      v.invalid("max_repetitions", "must be within 0-1000 (got " + s.getMaxRepetitions() + ")");
    }
    if (s.getVersion() == SnmpVersion.SNMP_VERSION_V2C) {
      if (!s.getAllowV2C()) {
        v.invalid(
            "version",
            "SNMP v2c sends the community in clear: set allow_v2c: true on this device to use it "
                + "(or use SNMP v3 authPriv, the default)");
      }
      secretRef(s.getCommunityRef(), "community_ref", "for SNMP v2c", v);
    } else if (s.getVersion() == SnmpVersion.SNMP_VERSION_V3
        || s.getVersion() == SnmpVersion.SNMP_VERSION_UNSPECIFIED) {
      // Unset means v3 authPriv, the default, and is held to exactly the same rules.
      if (s.getAllowV2C()) {
        v.invalid(
            "allow_v2c",
            "is only meaningful with SNMP_VERSION_V2C; this device uses SNMP v3 authPriv, "
                + "so leave allow_v2c unset");
      }
      if (s.getUser().isEmpty()) {
        v.invalid("user", "is required for SNMP v3");
      } else if (s.getUser().length() > 32) {
        v.invalid(
            "user",
            "must be at most 32 characters (USM user names; got " + s.getUser().length() + ")");
      }
      // v3 is always authPriv; unset protocols mean SHA-256 and AES-128.
      secretRef(s.getAuthSecretRef(), "auth_secret_ref", "for SNMP v3 (USM authPriv)", v);
      secretRef(s.getPrivSecretRef(), "priv_secret_ref", "for SNMP v3 (USM authPriv)", v);
    } else {
      v.invalid(
          "version",
          "must be SNMP_VERSION_V3 (or unset, which means v3 authPriv) or SNMP_VERSION_V2C (with"
              + " allow_v2c: true)");
    }
  }

  static void vlanPool(VlanPool p, Violations v) {
    slug("id", p.getId(), v);
    slug("device", p.getDevice(), v);
    Set<String> ports = new HashSet<>();
    for (int i = 0; i < p.getPortsCount(); i++) {
      if (!ports.add(p.getPorts(i))) {
        v.invalid("ports[" + i + "]", "port '" + p.getPorts(i) + "' is listed twice");
      }
    }
    if (p.getRangesCount() == 0) {
      v.invalid("ranges", "must list at least one VLAN range");
    }
    for (int i = 0; i < p.getRangesCount(); i++) {
      VlanRange r = p.getRanges(i);
      String f = "ranges[" + i + "]";
      vlanId(f + ".first", r.getFirst(), v);
      vlanId(f + ".last", r.getLast(), v);
      if (r.getFirst() > r.getLast()) {
        v.invalid(f, "first must not exceed last (got " + r.getFirst() + "-" + r.getLast() + ")");
      }
    }
    for (int i = 0; i < p.getReservedCount(); i++) {
      vlanId("reserved[" + i + "]", p.getReserved(i), v);
    }
  }

  static void vlanId(String field, long id, Violations v) {
    if (!VlanRules.inRange(id)) {
      v.invalid(
          field,
          "VLAN id must be within " + VlanRules.MIN + "-" + VlanRules.MAX + " (got " + id + ")");
    }
  }

  static void circuit(Circuit c, Violations v) {
    if (c.getId().isEmpty()) {
      v.invalid("id", "is required");
    } else if (!CIRCUIT_ID.matcher(c.getId()).matches()) {
      v.invalid(
          "id",
          "must match "
              + CIRCUIT_ID.pattern()
              + " (upper-case letters, digits and '-', 3-63 characters, e.g. LPSN-CAM-0001); got '"
              + c.getId()
              + "'");
    }
    if (!c.hasSpec()) {
      v.invalid("spec", "is required");
      return;
    }
    CircuitSpec s = c.getSpec();
    Violations sv = v.at("spec");
    slug("council", s.getCouncil(), sv);
    slug("supplier", s.getSupplier(), sv);
    if (s.getKind() == CircuitKind.CIRCUIT_KIND_UNSPECIFIED
        || s.getKind() == CircuitKind.UNRECOGNIZED) {
      sv.invalid(
          "kind",
          "must be one of "
              + List.of(
                  "CIRCUIT_KIND_PSN_ACCESS",
                  "CIRCUIT_KIND_SHARED_SERVICE",
                  "CIRCUIT_KIND_INTER_SITE"));
    }
    if (s.getAdminState() == AdminState.UNRECOGNIZED) {
      sv.invalid("admin_state", "is not a known admin state");
    }
    if (!s.hasAEnd()) {
      sv.invalid("a_end", "is required");
    } else {
      termination(s.getAEnd(), sv.at("a_end"));
    }
    if (s.hasBEnd()) {
      termination(s.getBEnd(), sv.at("b_end"));
      if (s.hasAEnd() && sameTermination(s.getAEnd(), s.getBEnd())) {
        sv.invalid("b_end", "must differ from a_end");
      }
    }
    if (s.getCommittedMbps() < 1) {
      sv.invalid("committed_mbps", "must be at least 1 Mbit/s (got " + s.getCommittedMbps() + ")");
    }
    if (s.getDescription().length() > MAX_DESCRIPTION) {
      sv.invalid(
          "description",
          "must be at most "
              + MAX_DESCRIPTION
              + " characters (got "
              + s.getDescription().length()
              + ")");
    }
  }

  static void termination(Termination t, Violations v) {
    slug("device", t.getDevice(), v);
    if (t.getPort().isEmpty()) {
      v.invalid("port", "is required");
    }
    if (t.hasCTag()) {
      vlanId("c_tag", t.getCTag(), v);
      if (VlanRules.alwaysReserved(t.getCTag())) {
        v.invalid(
            "c_tag", "VLAN " + t.getCTag() + " is reserved (1 and 1002-1005 are never assigned)");
      }
    }
    if (t.hasSTag()) {
      vlanId("s_tag", t.getSTag(), v);
    }
  }

  static boolean sameTermination(Termination a, Termination b) {
    return a.getDevice().equals(b.getDevice())
        && a.getPort().equals(b.getPort())
        && a.hasSTag() == b.hasSTag()
        && a.getSTag() == b.getSTag()
        && a.hasCTag()
        && b.hasCTag()
        && a.getCTag() == b.getCTag();
  }
}
