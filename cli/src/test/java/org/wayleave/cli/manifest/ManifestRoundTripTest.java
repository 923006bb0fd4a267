package org.wayleave.cli.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Supplier;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;

/** Rendering objects as manifests: what toYaml and toJson write, read gives back. */
class ManifestRoundTripTest {
  @TempDir Path tmp;

  /** A circuit as the controller returns it: bookkeeping, generation and status all set. */
  private static final Resource STORED =
      Resource.newBuilder()
          .setCircuit(
              Circuit.newBuilder()
                  .setId("LPSN-CAM-0002")
                  .setMeta(
                      ObjectMeta.newBuilder()
                          .setRevision(42)
                          .setCreateRevision(40)
                          .setCreateTime(Timestamp.newBuilder().setSeconds(1_790_000_000L))
                          .setUpdateTime(
                              Timestamp.newBuilder()
                                  .setSeconds(1_790_000_060L)
                                  .setNanos(500_000_000))
                          .setUpdatedBy("engineer@camden"))
                  .setSpec(
                      CircuitSpec.newBuilder()
                          .setCouncil("camden")
                          .setSupplier("quillon-carrier")
                          .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                          .setAEnd(
                              Termination.newBuilder()
                                  .setDevice("rtr-camden-01")
                                  .setPort("ge-0/0/2")
                                  .setCTag(0)
                                  .setSTag(4094))
                          .setCommittedMbps(5_000_000_000L)
                          .setAdminState(AdminState.ADMIN_STATE_ENABLED)
                          .setDescription(
                              "Camden Town Hall second PSN link\nordered: 2026-01-05 # ref Q-77")
                          .setGeneration(3))
                  .setStatus(
                      CircuitStatus.newBuilder()
                          .setPhase(CircuitPhase.CIRCUIT_PHASE_ACTIVE)
                          .setObservedGeneration(3)
                          .addConditions(
                              Condition.newBuilder()
                                  .setType("LinkUp")
                                  .setStatus(ConditionStatus.CONDITION_STATUS_TRUE)
                                  .setReason("OperUp")
                                  .setLastTransitionTime(
                                      Timestamp.newBuilder().setSeconds(1_790_000_100L))
                                  .setObservedGeneration(3))))
          .build();

  @Test
  void everySeedObjectSurvivesToYamlThenRead() throws Exception {
    List<Resource> all = new ArrayList<>();
    for (String region : Seeds.NAMES) {
      all.addAll(Seeds.byName(region));
      all.addAll(Seeds.exampleCircuits(region));
    }
    Path file = Files.writeString(tmp.resolve("seeds.yaml"), Manifests.toYaml(all, false));

    List<ManifestItem> items = Manifests.read(file);

    assertThat(ManifestReadTest.resources(items)).isEqualTo(all);
    assertThat(items).extracting(ManifestItem::document).startsWith(1, 2, 3).endsWith(all.size());
  }

  @Test
  void serverOwnedFieldsAreLeftOutSoTheOutputCanBeAppliedAgain() throws Exception {
    String yaml = Manifests.toYaml(List.of(STORED), false);
    Path file = Files.writeString(tmp.resolve("circuit.yaml"), yaml);

    assertThat(yaml).doesNotContain("meta", "status", "generation", "revision", "ACTIVE");
    Resource read = Manifests.read(file).get(0).resource();
    assertThat(read).isEqualTo(Encoder.withoutServerFields(STORED));
    // Presence survives: an explicit c_tag of 0 is not the same as none.
    assertThat(read.getCircuit().getSpec().getAEnd().hasCTag()).isTrue();
    assertThat(read.getCircuit().getSpec().getGeneration()).isZero();
  }

  @Test
  void withStatusShowsServerOwnedFieldsWhichReadBackIgnoredKeepingTheRevision() throws Exception {
    String yaml = Manifests.toYaml(List.of(STORED), true);
    Path file = Files.writeString(tmp.resolve("circuit.yaml"), yaml);

    assertThat(yaml)
        .contains("meta:\n  revision: 42\n")
        .contains("updatedBy: engineer@camden")
        .contains("updateTime: 2026-09-21T14:14:20.500Z")
        .contains("  generation: 3\n")
        .contains("status:\n  phase: ACTIVE\n")
        .contains("  - type: LinkUp\n    status: \"TRUE\"\n");
    // What get -o yaml wrote applies back: the controller's fields are ignored (with a note), and
    // the revision read with the object is the write's precondition.
    ManifestItem item = Manifests.read(file).get(0);
    assertThat(item.ignored()).containsExactly("meta", "spec.generation", "status");
    assertThat(Encoder.withoutServerFields(item.resource()))
        .isEqualTo(Encoder.withoutServerFields(STORED));
    assertThat(Kinds.revisionOf(item.resource())).isEqualTo(42);
  }

  @Test
  void documentsLookAsAnEngineerWouldWriteThem() {
    Resource site =
        Seeds.london().stream()
            .filter(r -> r.getSite().getId().equals("camden-civic"))
            .findFirst()
            .orElseThrow();
    Resource circuit =
        Seeds.exampleCircuits("london").stream()
            .filter(r -> r.getCircuit().getId().equals("LPSN-CAM-0001"))
            .findFirst()
            .orElseThrow();

    String yaml = Manifests.toYaml(List.of(site, circuit), false);

    assertThat(yaml)
        .isEqualTo(
            """
            kind: Site
            id: camden-civic
            council: camden
            name: 5 Pancras Square
            siteKind: CIVIC_CENTRE
            address: "5 Pancras Square, London N1C 4AG"
            ---
            kind: Circuit
            id: LPSN-CAM-0001
            spec:
              council: camden
              supplier: quillon-carrier
              kind: PSN_ACCESS
              aEnd:
                device: rtr-camden-01
                port: ge-0/0/1
              committedMbps: 100
              adminState: ENABLED
              description: PSN access for London Borough of Camden at 5 Pancras Square
            """);
  }

  @Test
  void awkwardStringsSurviveQuotingRules() throws Exception {
    List<String> awkward =
        List.of(
            "",
            "yes",
            "NO",
            "true",
            "null",
            "~",
            "123",
            "0123",
            "1e3",
            "0x1F",
            "2026-01-01",
            "a: b",
            "# hash",
            "- dash",
            " lead",
            "trail ",
            "multi\nline\n",
            "'single'",
            "\"double\"",
            "@at",
            "*star",
            "&amp",
            "!bang",
            "%pct",
            "`tick",
            "{brace}",
            "[bracket]",
            "ünïcödé £",
            "tab\there",
            ":colon",
            "?q",
            "---",
            "...",
            "a,b",
            "x #y");
    Resource supplier =
        Resource.newBuilder()
            .setSupplier(Supplier.newBuilder().setId("s").setName("yes").addAllCouncils(awkward))
            .build();
    Path file =
        Files.writeString(
            tmp.resolve("awkward.yaml"),
            Manifests.toYaml(
                List.of(
                    supplier,
                    supplier.toBuilder()
                        .setSupplier(supplier.getSupplier().toBuilder().setId("t"))
                        .build()),
                false));

    List<Resource> read = ManifestReadTest.resources(Manifests.read(file));

    assertThat(read.get(0)).isEqualTo(supplier);
    assertThat(read.get(1).getSupplier().getCouncilsList()).isEqualTo(awkward);
  }

  @Test
  void jsonFormIsTheSameDocumentAndReadsBack() throws Exception {
    String json = Manifests.toJson(STORED, false);
    Path file = Files.writeString(tmp.resolve("circuit.json"), json);

    assertThat(json)
        .startsWith("{\n  \"kind\": \"Circuit\",\n  \"id\": \"LPSN-CAM-0002\",\n  \"spec\": {\n")
        .contains("\"kind\": \"PSN_ACCESS\"")
        .contains("\"committedMbps\": 5000000000")
        .doesNotContain("meta", "status");
    assertThat(Manifests.read(file).get(0).resource())
        .isEqualTo(Encoder.withoutServerFields(STORED));
    assertThat(Manifests.toJson(STORED, true))
        .contains("\"meta\": {", "\"phase\": \"ACTIVE\"", "\"generation\": 3");
  }

  @Test
  void nothingToRenderIsAnEmptyString() {
    assertThat(Manifests.toYaml(List.of(), true)).isEmpty();
  }
}
