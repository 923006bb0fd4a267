package org.wayleave.controller.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;

/** SNMP settings rules: v3 authPriv is the default, v2c only where a device allows it. */
class SnmpValidationTest {
  private static final SnmpSettings V3 =
      SnmpSettings.newBuilder()
          .setVersion(SnmpVersion.SNMP_VERSION_V3)
          .setUser("wayleave")
          .setAuthSecretRef("snmp/r/auth")
          .setPrivSecretRef("snmp/r/priv")
          .build();
  private static final SnmpSettings V2C =
      SnmpSettings.newBuilder()
          .setVersion(SnmpVersion.SNMP_VERSION_V2C)
          .setCommunityRef("snmp/r/community")
          .build();

  /** Field to description of every violation. */
  private static Map<String, String> check(SnmpSettings s) {
    Violations v = new Violations();
    Validation.snmp(s, v.at("snmp"));
    return v.list().stream().collect(Collectors.toMap(Violation::field, Violation::description));
  }

  @Test
  void v3AndAnUnsetVersionWithTheirSecretsAreAccepted() {
    assertThat(check(V3)).isEmpty();
    assertThat(check(V3.toBuilder().clearVersion().build())).isEmpty();
  }

  @Test
  void anUnsetVersionIsHeldToTheV3Rules() {
    Map<String, String> got =
        check(SnmpSettings.newBuilder().setCommunityRef("snmp/r/community").build());
    assertThat(got).containsOnlyKeys("snmp.user", "snmp.auth_secret_ref", "snmp.priv_secret_ref");
    assertThat(got.get("snmp.user")).isEqualTo("is required for SNMP v3");
    assertThat(got.get("snmp.auth_secret_ref")).isEqualTo("is required for SNMP v3 (USM authPriv)");
    assertThat(got.get("snmp.priv_secret_ref")).isEqualTo("is required for SNMP v3 (USM authPriv)");
    assertThat(check(V3.toBuilder().clearVersion().setPrivSecretRef("../priv").build()))
        .containsOnlyKeys("snmp.priv_secret_ref");
  }

  @Test
  void v2cWithoutAllowV2cIsRefusedOnVersionNamingTheRule() {
    Map<String, String> got = check(V2C);
    assertThat(got).containsOnlyKeys("snmp.version");
    assertThat(got.get("snmp.version"))
        .contains(
            "SNMP v2c sends the community in clear: set allow_v2c: true on this device to use it");
  }

  @Test
  void v2cWithAllowV2cIsAccepted() {
    assertThat(check(V2C.toBuilder().setAllowV2C(true).build())).isEmpty();
    assertThat(check(V2C.toBuilder().setAllowV2C(true).clearCommunityRef().build()))
        .containsOnlyKeys("snmp.community_ref");
  }

  @Test
  void allowV2cWithV3OrAnUnsetVersionIsRefused() {
    for (SnmpSettings s : List.of(V3, V3.toBuilder().clearVersion().build())) {
      Map<String, String> got = check(s.toBuilder().setAllowV2C(true).build());
      assertThat(got).containsOnlyKeys("snmp.allow_v2c");
      assertThat(got.get("snmp.allow_v2c")).contains("only meaningful with SNMP_VERSION_V2C");
    }
  }

  @Test
  void anUnknownVersionIsRefused() {
    assertThat(check(V3.toBuilder().setVersionValue(7).build())).containsOnlyKeys("snmp.version");
  }
}
