package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.secrets.SecretProvider.SecretException;
import org.wayleave.base.seed.Seeds;
import org.wayleave.simulator.SimDevice.SnmpEndpoint;
import org.wayleave.simulator.snmp.SnmpFleet;

/**
 * Scenarios fill each router's SNMP settings from its device's inventory and the secrets they name.
 */
class ScenariosTest {
  @TempDir Path dir;
  DirectorySecretProvider secrets;

  @BeforeEach
  void setUp() {
    secrets = new DirectorySecretProvider(dir);
  }

  @Test
  void londonRoutersAnswerV3AtTheirManagementAddressWithTheirSecrets() throws Exception {
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    List<SimDevice> devices = Scenarios.devices("london", 0, secrets);
    assertThat(devices).hasSize(33).allSatisfy(d -> assertThat(d.hasSnmp()).isTrue());
    SimDevice camden =
        devices.stream().filter(d -> d.id().equals("rtr-camden-01")).findFirst().orElseThrow();
    var seeded =
        Seeds.london().stream()
            .filter(r -> r.hasDevice() && r.getDevice().getId().equals("rtr-camden-01"))
            .findFirst()
            .orElseThrow()
            .getDevice();
    SnmpEndpoint e = camden.snmp();
    assertThat(e.host()).isEqualTo(seeded.getManagementAddress()).startsWith("127.1.0.");
    assertThat(e.port()).isEqualTo(Seeds.SNMP_PORT);
    assertThat(e.version()).isEqualTo(SnmpVersion.SNMP_VERSION_V3);
    assertThat(e.user()).isEqualTo("wayleave");
    assertThat(e.authProtocol()).isEqualTo(SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256);
    assertThat(e.privProtocol()).isEqualTo(SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES128);
    String auth = Files.readString(dir.resolve("snmp/rtr-camden-01/auth")).strip();
    assertThat(e.authPassphrase()).isEqualTo(auth);
    assertThat(e.privPassphrase())
        .isEqualTo(Files.readString(dir.resolve("snmp/rtr-camden-01/priv")).strip());
    assertThat(e.toString())
        .doesNotContain(auth)
        .doesNotContain(e.privPassphrase())
        .contains("127.1.0.");
    assertThat(camden.ports())
        .containsExactly("ge-0/0/0", "ge-0/0/1", "ge-0/0/2", "ge-0/0/3", "fxp0");
    assertThat(camden.portSpecs().get(0).speedMbps()).isEqualTo(10_000);
    assertThat(camden.portSpecs().get(0).description()).isEqualTo("uplink to the PSN core");
  }

  @Test
  void scaleRoutersAnswerV2cWithTheSharedCommunityAndPortZeroMeans161() throws Exception {
    secrets.generateMissing(Seeds.secretRefs(Seeds.scale(3)));
    List<SimDevice> devices =
        Scenarios.fromInventory(Seeds.withSnmpPort(Seeds.scale(3), 0), secrets);
    assertThat(devices)
        .hasSize(3)
        .allSatisfy(
            d -> {
              assertThat(d.snmp().version()).isEqualTo(SnmpVersion.SNMP_VERSION_V2C);
              assertThat(d.snmp().port()).isEqualTo(161);
              assertThat(d.snmp().community())
                  .isEqualTo(secrets.resolve(Seeds.SCALE_COMMUNITY_REF));
              assertThat(d.snmp().user()).isNull();
            });
    assertThat(devices).extracting(d -> d.snmp().host()).doesNotHaveDuplicates();
  }

  @Test
  void anUnsetSnmpVersionIsV3AuthPriv() throws Exception {
    secrets.generateMissing(Seeds.secretRefs(Seeds.london()));
    var seeded =
        Seeds.london().stream()
            .filter(r -> r.hasDevice())
            .findFirst()
            .orElseThrow()
            .getDevice()
            .toBuilder();
    seeded.getSnmpBuilder().clearVersion();
    List<SimDevice> devices =
        Scenarios.fromInventory(List.of(Resource.newBuilder().setDevice(seeded).build()), secrets);
    assertThat(devices)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.snmp().version()).isEqualTo(SnmpVersion.SNMP_VERSION_V3);
              assertThat(d.snmp().user()).isEqualTo("wayleave");
            });
  }

  @Test
  void aMissingSecretNamesTheDeviceTheFieldAndTheReference() {
    assertThatThrownBy(() -> Scenarios.devices("eastern", 0, secrets))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("device rtr-")
        .hasMessageContaining("snmp.auth_secret_ref")
        .hasMessageContaining("snmp/rtr-");
  }

  @Test
  void withoutSecretsRoutersDoNotAnswerSnmp() {
    assertThat(Scenarios.devices("london", 0)).hasSize(33).noneMatch(SimDevice::hasSnmp);
    assertThatThrownBy(() -> Scenarios.devices("narnia", 0, secrets))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scenario")
        .hasMessageContaining("narnia");
  }

  @Test
  void snmpSettingsAreCheckedWithMessagesNamingTheField() {
    assertThatThrownBy(() -> SnmpEndpoint.v3("127.0.0.1", 161, "u", "short", "long-enough-priv"))
        .hasMessageContaining("authPassphrase")
        .hasMessageContaining("8 characters");
    assertThatThrownBy(() -> SnmpEndpoint.v2c("127.0.0.1", 161, ""))
        .hasMessageContaining("community");
    assertThatThrownBy(() -> SnmpEndpoint.v2c("127.0.0.1", 70_000, "c"))
        .hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                SnmpEndpoint.v3(
                    "127.0.0.1", 161, "x".repeat(33), "long-enough-auth", "long-enough-priv"))
        .hasMessageContaining("user");
    assertThatThrownBy(() -> new SimDevice("r", List.of("ge-0/0/0", "ge-0/0/0")))
        .hasMessageContaining("ports")
        .hasMessageContaining("twice");
  }

  @Test
  void snmpOnlyRoutersComeWithTheirSubInterfaces() throws Exception {
    secrets.generateMissing(Seeds.secretRefs(Seeds.scale(4)));
    List<SnmpFleet.Member> members = Scenarios.snmpOnly(4, 10, secrets);
    assertThat(members)
        .hasSize(4)
        .allSatisfy(
            m -> {
              assertThat(m.mib().router().config().getSubInterfacesCount()).isEqualTo(10);
              assertThat(m.mib().view().rows()).hasSize(15);
              assertThat(m.endpoint().isV3()).isFalse();
            });
  }

  @Test
  void partsOfAFleetCoverEveryRouterOnce() {
    List<Integer> all = java.util.stream.IntStream.range(0, 10_001).boxed().toList();
    List<Integer> joined = new java.util.ArrayList<>();
    for (int k = 1; k <= 3; k++) {
      List<Integer> p = Scenarios.part(all, k, 3);
      assertThat(p.size()).isBetween(3333, 3334);
      joined.addAll(p);
    }
    assertThat(joined).isEqualTo(all);
    assertThat(Scenarios.parsePart(null)).containsExactly(1, 1);
    assertThat(Scenarios.parsePart("2/4")).containsExactly(2, 4);
  }

  @Test
  void aBadPartSaysTheForm() {
    for (String bad : List.of("0/2", "3/2", "2", "a/b", "1/2/3", "1/1001", "-1/2")) {
      assertThatThrownBy(() -> Scenarios.parsePart(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be K/N with 1 <= K <= N <= 1000")
          .hasMessageContaining("'" + bad + "'");
    }
  }
}
