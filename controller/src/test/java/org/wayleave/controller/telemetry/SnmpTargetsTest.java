package org.wayleave.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.smi.OctetString;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.SecretProvider;

/** Which version a device is polled with: v3 authPriv unless v2c is set and allowed. */
class SnmpTargetsTest {
  private static final Map<String, String> SECRETS =
      Map.of(
          "snmp/r/auth",
          "auth-passphrase-1",
          "snmp/r/priv",
          "priv-passphrase-1",
          "snmp/r/community",
          "community-1");
  private static final SecretProvider PROVIDER =
      ref -> {
        String s = SECRETS.get(ref);
        if (s == null) {
          throw new SecretProvider.SecretException("secret '" + ref + "' is missing");
        }
        return s;
      };

  private static Device device(SnmpSettings s) {
    return Device.newBuilder()
        .setId("rtr-test-01")
        .setManagementAddress("127.0.0.1")
        .setSnmp(s)
        .build();
  }

  private static final SnmpSettings V3 =
      SnmpSettings.newBuilder()
          .setUser("wayleave")
          .setAuthSecretRef("snmp/r/auth")
          .setPrivSecretRef("snmp/r/priv")
          .build();

  @Test
  void anUnsetVersionIsPolledAsV3AuthPriv() {
    SnmpTargets.Resolved r = SnmpTargets.resolve(device(V3), PROVIDER, 25);
    assertThat(r.version()).isEqualTo(SnmpVersion.SNMP_VERSION_V3);
    assertThat(r.user()).isNotNull();
    assertThat(r.community()).isNull();
    assertThat(SnmpTargets.target(r, new OctetString("e"), 1000, 0).getSecurityLevel())
        .isEqualTo(SecurityLevel.AUTH_PRIV);
  }

  @Test
  void v2cIsPolledOnlyWhenAllowed() {
    SnmpSettings v2c =
        SnmpSettings.newBuilder()
            .setVersion(SnmpVersion.SNMP_VERSION_V2C)
            .setCommunityRef("snmp/r/community")
            .build();
    assertThatThrownBy(() -> SnmpTargets.resolve(device(v2c), PROVIDER, 25))
        .hasMessageContaining("allow_v2c")
        .hasMessageContaining("rtr-test-01")
        .hasMessageNotContaining("community-1");
    SnmpTargets.Resolved r =
        SnmpTargets.resolve(device(v2c.toBuilder().setAllowV2C(true).build()), PROVIDER, 25);
    assertThat(r.version()).isEqualTo(SnmpVersion.SNMP_VERSION_V2C);
    assertThat(r.toString()).doesNotContain("community-1");
  }
}
