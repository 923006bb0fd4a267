package org.wayleave.cli.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.Council;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.SiteKind;
import org.wayleave.api.v1.SnmpAuthProtocol;
import org.wayleave.api.v1.SnmpPrivProtocol;
import org.wayleave.api.v1.SnmpSettings;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;

/** Reading manifests: documents, files, directories, names and enum spellings. */
class ManifestReadTest {
  @TempDir Path tmp;

  @Test
  void readsEveryDocumentOfAFileSkippingEmptyOnesAndNumberingThemAsWritten() throws Exception {
    Path file = Fixtures.manifest("multi.yaml");

    List<ManifestItem> items = Manifests.read(file);

    // Documents 2 and 3 are empty (back-to-back separators, a comment only) but still count.
    assertThat(items)
        .extracting(ManifestItem::file, ManifestItem::document, ManifestItem::line)
        .containsExactly(tuple(file, 1, 3), tuple(file, 4, 12), tuple(file, 5, 18));
    assertThat(items.get(0).resource().getCouncil())
        .isEqualTo(
            Council.newBuilder()
                .setId("camden")
                .setName("London Borough of Camden")
                .setRegion("london")
                .setGssCode("E09000007")
                .build());
    assertThat(items.get(1).resource().getSupplier())
        .isEqualTo(
            Supplier.newBuilder()
                .setId("quillon-carrier")
                .setName("Quillon Carrier Services Ltd")
                .addCouncils("camden")
                .addCouncils("hackney")
                .build());
    assertThat(items.get(2).resource().getCircuit())
        .isEqualTo(
            Circuit.newBuilder()
                .setId("LPSN-CAM-0002")
                .setSpec(
                    CircuitSpec.newBuilder()
                        .setCouncil("camden")
                        .setSupplier("quillon-carrier")
                        .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                        .setAEnd(
                            Termination.newBuilder().setDevice("rtr-camden-01").setPort("ge-0/0/2"))
                        .setCommittedMbps(100)
                        .setDescription("Camden Town Hall second PSN link"))
                .build());
    // An unset c_tag stays unset (proto3 optional): the controller allocates it.
    assertThat(items.get(2).resource().getCircuit().getSpec().getAEnd().hasCTag()).isFalse();
  }

  @Test
  void whereNamesFileLineDocumentKindAndId() throws Exception {
    Path file = Fixtures.manifest("multi.yaml");

    List<ManifestItem> items = Manifests.read(file);

    assertThat(items.get(2).where()).isEqualTo(file + ":18 (document 5, Circuit LPSN-CAM-0002)");
    assertThat(items.get(0).where()).isEqualTo(file + ":3 (document 1, Council camden)");
  }

  @Test
  void readsADirectoryRecursivelyInPathOrderYamlAndYmlOnly() throws Exception {
    Path dir = Fixtures.manifest("dir");

    List<ManifestItem> items = Manifests.read(dir);

    // 10-inventory.yml, 20-circuits.yaml (two documents), comments-only.yaml (none),
    // sub/05-more.yaml: sorted by path, not by file name; notes.txt skipped.
    assertThat(items)
        .extracting(
            i -> dir.relativize(i.file()).toString(),
            ManifestItem::document,
            i -> Kinds.idOf(i.resource()))
        .containsExactly(
            tuple("10-inventory.yml", 1, "camden-depot"),
            tuple("20-circuits.yaml", 1, "LPSN-CAM-0002"),
            tuple("20-circuits.yaml", 2, "LPSN-HAC-0002"),
            tuple("sub/05-more.yaml", 1, "LPSN-ISL-0002"));
    assertThat(items.get(0).file()).isEqualTo(dir.resolve("10-inventory.yml"));
  }

  @Test
  void readsSeveralPathsInTheOrderGiven() throws Exception {
    List<ManifestItem> items =
        Manifests.read(
            List.of(Fixtures.manifest("dir/sub/05-more.yaml"), Fixtures.manifest("multi.yaml")));

    assertThat(items)
        .extracting(i -> Kinds.idOf(i.resource()))
        .containsExactly("LPSN-ISL-0002", "camden", "quillon-carrier", "LPSN-CAM-0002");
  }

  @Test
  void anEmptyFileOrDirectoryGivesNoObjects() throws Exception {
    Files.writeString(tmp.resolve("empty.yaml"), "");
    Files.createDirectory(tmp.resolve("nothing"));

    assertThat(Manifests.read(tmp.resolve("empty.yaml"))).isEmpty();
    assertThat(Manifests.read(tmp.resolve("nothing"))).isEmpty();
  }

  @Test
  void enumValuesWithAndWithoutTheirTypePrefixAndSnakeOrCamelNamesGiveTheSameObjects()
      throws Exception {
    Device device =
        Device.newBuilder()
            .setId("rtr-camden-02")
            .setSite("camden-depot")
            .setManagementAddress("192.0.2.10")
            .setSnmp(
                SnmpSettings.newBuilder()
                    .setVersion(SnmpVersion.SNMP_VERSION_V3)
                    .setUser("wayleave")
                    .setAuthProtocol(SnmpAuthProtocol.SNMP_AUTH_PROTOCOL_SHA256)
                    .setAuthSecretRef("snmp/rtr-camden-02/auth")
                    .setPrivProtocol(SnmpPrivProtocol.SNMP_PRIV_PROTOCOL_AES256)
                    .setPrivSecretRef("snmp/rtr-camden-02/priv")
                    .setMaxRepetitions(25))
            .addPorts(
                Port.newBuilder()
                    .setName("ge-0/0/1")
                    .setSpeedMbps(1000)
                    .setRole(PortRole.PORT_ROLE_ACCESS))
            .addPorts(
                Port.newBuilder()
                    .setName("fxp0")
                    .setSpeedMbps(1000)
                    .setRole(PortRole.PORT_ROLE_MANAGEMENT))
            .setKeepUnownedVlans(true)
            .build();
    Site site =
        Site.newBuilder()
            .setId("camden-depot")
            .setCouncil("camden")
            .setName("Regis Road Depot")
            .setKind(SiteKind.SITE_KIND_DEPOT)
            .build();
    Circuit circuit =
        Circuit.newBuilder()
            .setId("LPSN-CAM-0003")
            .setSpec(
                CircuitSpec.newBuilder()
                    .setCouncil("camden")
                    .setSupplier("quillon-carrier")
                    .setKind(CircuitKind.CIRCUIT_KIND_INTER_SITE)
                    .setAEnd(
                        Termination.newBuilder()
                            .setDevice("rtr-camden-01")
                            .setPort("ge-0/0/3")
                            .setCTag(300))
                    .setBEnd(
                        Termination.newBuilder()
                            .setDevice("rtr-camden-02")
                            .setPort("ge-0/0/1")
                            .setCTag(300)
                            .setSTag(20))
                    .setCommittedMbps(250)
                    .setAdminState(AdminState.ADMIN_STATE_DISABLED))
            .build();
    List<Resource> expected =
        List.of(
            Resource.newBuilder().setDevice(device).build(),
            Resource.newBuilder().setSite(site).build(),
            Resource.newBuilder().setCircuit(circuit).build());

    assertThat(resources(Manifests.read(Fixtures.manifest("enums-full.yaml")))).isEqualTo(expected);
    assertThat(resources(Manifests.read(Fixtures.manifest("enums-short.yaml"))))
        .isEqualTo(expected);
  }

  @Test
  void allowV2cIsReadUnderEitherNameAndWrittenBack() throws Exception {
    Path file = tmp.resolve("v2c.yaml");
    Files.writeString(
        file,
        """
        kind: Device
        id: rtr-old-01
        site: old-site
        managementAddress: 192.0.2.20
        snmp: {version: V2C, communityRef: snmp/rtr-old-01/community, allowV2c: true}
        ports: [{name: ge-0/0/1, speedMbps: 1000}]
        ---
        kind: Device
        id: rtr-old-02
        site: old-site
        management_address: 192.0.2.21
        snmp: {version: SNMP_VERSION_V2C, community_ref: snmp/rtr-old-02/community, allow_v2c: true}
        ports: [{name: ge-0/0/1, speed_mbps: 1000}]
        ---
        kind: Device
        id: rtr-new-01
        site: old-site
        managementAddress: 192.0.2.22
        snmp: {user: wayleave, authSecretRef: snmp/rtr-new-01/auth, privSecretRef: snmp/rtr-new-01/priv}
        ports: [{name: ge-0/0/1, speedMbps: 1000}]
        """);

    List<Resource> read = resources(Manifests.read(file));

    assertThat(read)
        .extracting(r -> r.getDevice().getSnmp().getAllowV2C())
        .containsExactly(true, true, false);
    assertThat(read)
        .extracting(r -> r.getDevice().getSnmp().getVersion())
        .containsExactly(
            SnmpVersion.SNMP_VERSION_V2C,
            SnmpVersion.SNMP_VERSION_V2C,
            SnmpVersion.SNMP_VERSION_UNSPECIFIED);
    String yaml = Manifests.toYaml(read, false);
    assertThat(yaml).contains("allowV2c: true");
    Path again = Files.writeString(tmp.resolve("again.yaml"), yaml);
    assertThat(resources(Manifests.read(again))).isEqualTo(read);
  }

  @Test
  void yamlScalarTypingDoesNotGetInTheWayOfStringFieldsAndQuotedNumbersAreIntegers()
      throws Exception {
    Path file = tmp.resolve("typing.yaml");
    Files.writeString(
        file,
        """
        kind: Council
        id: 0123
        name: yes
        region: 'london'
        gssCode: E09000007
        ---
        kind: VlanPool
        id: pool-x
        device: rtr-x-01
        ranges: [{first: "100", last: 0x3E7}]
        reserved: [999, '998']
        """);

    List<Resource> read = resources(Manifests.read(file));

    assertThat(read.get(0).getCouncil())
        .isEqualTo(
            Council.newBuilder()
                .setId("0123")
                .setName("yes")
                .setRegion("london")
                .setGssCode("E09000007")
                .build());
    assertThat(read.get(1).getVlanPool().getRanges(0).getFirst()).isEqualTo(100);
    assertThat(read.get(1).getVlanPool().getRanges(0).getLast()).isEqualTo(999);
    assertThat(read.get(1).getVlanPool().getReservedList()).containsExactly(999, 998);
  }

  @Test
  void readsTheJsonFormToo() throws Exception {
    Path file = tmp.resolve("circuit.json");
    Files.writeString(
        file,
        "{\"kind\": \"Circuit\", \"id\": \"LPSN-CAM-0002\", \"spec\": {\"council\": \"camden\","
            + " \"committedMbps\": \"100\", \"adminState\": \"ADMIN_STATE_ENABLED\"}}");

    List<ManifestItem> items = Manifests.read(file);

    assertThat(items)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.resource().getCircuit().getSpec().getCommittedMbps()).isEqualTo(100);
              assertThat(i.resource().getCircuit().getSpec().getAdminState())
                  .isEqualTo(AdminState.ADMIN_STATE_ENABLED);
            });
  }

  @Test
  void nullValuesLeaveFieldsAtTheirDefaults() throws Exception {
    Path file = tmp.resolve("nulls.yaml");
    Files.writeString(file, "kind: Council\nid: camden\nname:\nregion: ~\n");

    assertThat(Manifests.read(file).get(0).resource().getCouncil())
        .isEqualTo(Council.newBuilder().setId("camden").build());
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreFine() throws Exception {
    Path file = tmp.resolve("windows.yaml");
    Files.writeString(
        file, "\uFEFFkind: Council\r\nid: camden\r\n---\r\nkind: Council\r\nid: brent\r\n");

    List<ManifestItem> items = Manifests.read(file);

    assertThat(items)
        .extracting(i -> i.resource().getCouncil().getId(), ManifestItem::line)
        .containsExactly(tuple("camden", 1), tuple("brent", 4));
  }

  static List<Resource> resources(List<ManifestItem> items) {
    return items.stream().map(ManifestItem::resource).toList();
  }
}
