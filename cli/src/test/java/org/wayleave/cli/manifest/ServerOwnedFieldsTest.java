package org.wayleave.cli.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.Termination;

/**
 * What {@code get -o yaml} writes can be edited and applied back, as a kubectl user expects: the
 * fields the controller owns are left out with a note, and {@code meta.revision} becomes the
 * write's expected revision (so a stale edit is refused, not applied over someone else's).
 */
class ServerOwnedFieldsTest {
  @TempDir Path tmp;

  @Test
  void getOutputReadsBackWithoutServerOwnedFieldsAndKeepsTheRevisionAsPrecondition()
      throws Exception {
    Circuit stored =
        Circuit.newBuilder()
            .setId("LPSN-CAM-0001")
            .setMeta(
                ObjectMeta.newBuilder()
                    .setRevision(42)
                    .setCreateRevision(3)
                    .setUpdatedBy("engineer:alice")
                    .setUpdateTime(Timestamp.newBuilder().setSeconds(1_796_000_000)))
            .setSpec(
                CircuitSpec.newBuilder()
                    .setCouncil("camden")
                    .setSupplier("quillon-carrier")
                    .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                    .setAEnd(
                        Termination.newBuilder()
                            .setDevice("rtr-camden-01")
                            .setPort("ge-0/0/1")
                            .setCTag(100))
                    .setCommittedMbps(100)
                    .setGeneration(4))
            .setStatus(CircuitStatus.newBuilder().setPhase(CircuitPhase.CIRCUIT_PHASE_ACTIVE))
            .build();
    Path file = tmp.resolve("edited.yaml");
    Files.writeString(
        file,
        Manifests.toYaml(List.of(Resource.newBuilder().setCircuit(stored).build()), true)
            .replace("committedMbps: 100", "committedMbps: 200"));

    ManifestItem item = Manifests.read(file).get(0);

    Circuit read = item.resource().getCircuit();
    assertThat(read.getSpec().getCommittedMbps()).as("the edit").isEqualTo(200);
    assertThat(read.hasStatus()).isFalse();
    assertThat(read.getSpec().getGeneration()).isZero();
    assertThat(read.getMeta())
        .as("only the revision, as the expected revision")
        .isEqualTo(ObjectMeta.newBuilder().setRevision(42).build());
    assertThat(item.ignored()).containsExactly("meta", "spec.generation", "status");
    assertThat(item.ignoredNote())
        .contains("ignored meta, spec.generation, status (the controller sets them)")
        .contains("meta.revision 42 is the expected revision");
  }

  @Test
  void eachServerOwnedFieldIsIgnoredWithANote() throws Exception {
    ManifestItem meta = Manifests.read(Fixtures.manifest("server-owned-meta.yaml")).get(0);
    assertThat(meta.ignored()).containsExactly("meta");
    assertThat(Kinds.revisionOf(meta.resource())).isEqualTo(7);
    ManifestItem status = Manifests.read(Fixtures.manifest("server-owned-status.yaml")).get(0);
    assertThat(status.ignored()).containsExactly("status");
    assertThat(status.resource().getCircuit().hasStatus()).isFalse();
    List<ManifestItem> generation =
        Manifests.read(Fixtures.manifest("server-owned-generation.yaml"));
    assertThat(generation.get(0).ignoredNote()).as("nothing ignored, no note").isNull();
    assertThat(generation.get(2).ignored()).containsExactly("spec.generation");
    assertThat(generation.get(2).ignoredNote()).doesNotContain("expected revision");
  }

  @Test
  void aRevisionThatIsNoNumberIsRefusedNamingTheField() throws Exception {
    Path file = tmp.resolve("bad.yaml");
    Files.writeString(file, "kind: Council\nid: camden\nmeta:\n  revision: latest\n");
    ManifestException e = catchThrowableOfType(ManifestException.class, () -> Manifests.read(file));
    assertThat(e.getMessage()).contains("meta.revision").contains("got 'latest'");
  }
}
