package org.wayleave.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class SystemToolsTest {
  @TempDir Path dir;

  @Test
  void findsAnExecutableOnThePath() throws Exception {
    Path tool =
        Files.createFile(
            dir.resolve("frobnicate"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    assertThat(SystemTools.require("frobnicate", "frob", Map.of("PATH", "/nonexistent:" + dir)))
        .isEqualTo(tool);
  }

  @Test
  void aMissingProgramSkipsNamingThePackage() {
    assertThatThrownBy(
            () -> SystemTools.require("frobnicate", "frob-tools", Map.of("PATH", dir.toString())))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("frobnicate is not installed")
        .hasMessageContaining("'frob-tools'");
  }

  @Test
  void aMissingProgramFailsWhenSystemTestsAreRequired() {
    assertThatThrownBy(
            () ->
                SystemTools.require(
                    "frobnicate",
                    "frob-tools",
                    Map.of("PATH", dir.toString(), SystemTools.REQUIRE, "1")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("frobnicate is not installed")
        .hasMessageContaining(SystemTools.REQUIRE);
  }

  @Test
  void aFileThatIsNotExecutableIsNotTheProgram() throws Exception {
    Files.createFile(
        dir.resolve("frobnicate"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    assertThat(SystemTools.find("frobnicate", dir.toString())).isEmpty();
  }
}
