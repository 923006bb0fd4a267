package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAppliedGenerationStoreTest {
  @TempDir Path dir;

  @Test
  void aMissingFileMeansZero() {
    assertThat(new FileAppliedGenerationStore(dir.resolve("none")).load()).isZero();
  }

  @Test
  void roundTripsAcrossInstancesAndLeavesNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("state/deep/applied-generation");
    FileAppliedGenerationStore store = new FileAppliedGenerationStore(file);
    store.save(41);
    store.save(42);

    assertThat(new FileAppliedGenerationStore(file).load()).isEqualTo(42);
    assertThat(Files.readString(file)).isEqualTo("42\n");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void theTermIsKeptBesideTheGenerationAndAFileWithoutOneMeansTermZero() throws IOException {
    Path file = dir.resolve("applied-generation");
    Files.writeString(file, "42\n"); // as agents wrote it before terms
    FileAppliedGenerationStore store = new FileAppliedGenerationStore(file);
    assertThat(store.load()).isEqualTo(42);
    assertThat(store.term()).isZero();

    store.save(43, 7);
    assertThat(Files.readString(file)).isEqualTo("43 7\n");
    store.save(44); // a generation alone keeps the term
    FileAppliedGenerationStore again = new FileAppliedGenerationStore(file);
    assertThat(again.load()).isEqualTo(44);
    assertThat(again.term()).isEqualTo(7);
    Files.writeString(file, "44 seven\n");
    assertThat(again.term()).as("garbled: term 0, with a warning").isZero();
  }

  @Test
  void aGarbledFileMeansZeroRatherThanAStuckAgent() throws IOException {
    Path file = dir.resolve("applied-generation");
    Files.writeString(file, "forty-two");
    assertThat(new FileAppliedGenerationStore(file).load()).isZero();
    Files.writeString(file, "-3\n");
    assertThat(new FileAppliedGenerationStore(file).load()).isZero();
  }

  @Test
  void refusesNegativeGenerationsAndReportsUnwritableFiles() throws IOException {
    FileAppliedGenerationStore store = new FileAppliedGenerationStore(dir.resolve("g"));
    assertThatThrownBy(() -> store.save(-1))
        .hasMessageContaining("generation: must not be negative");

    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    assertThatThrownBy(() -> new FileAppliedGenerationStore(blocker.resolve("g")).save(1))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot save applied generation 1");
  }

  @Test
  void inMemoryStoreRemembersWithinTheProcess() {
    AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    assertThat(store.load()).isZero();
    store.save(9);
    assertThat(store.load()).isEqualTo(9);
    assertThatThrownBy(() -> store.save(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
