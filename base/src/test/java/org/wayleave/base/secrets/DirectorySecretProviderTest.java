package org.wayleave.base.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySecretProviderTest {
  @TempDir Path dir;

  @Test
  void aReferenceIsAFileUnderTheDirectoryWithItsNewlineStripped() throws Exception {
    Files.createDirectories(dir.resolve("snmp/rtr-a"));
    Files.writeString(dir.resolve("snmp/rtr-a/auth"), "s3cret-passphrase\n");
    assertThat(new DirectorySecretProvider(dir).resolve("snmp/rtr-a/auth"))
        .isEqualTo("s3cret-passphrase");
  }

  @Test
  void aMissingSecretNamesTheReferenceNotAValue() {
    assertThatThrownBy(() -> new DirectorySecretProvider(dir).resolve("snmp/rtr-a/priv"))
        .isInstanceOf(SecretProvider.SecretException.class)
        .hasMessageContaining("snmp/rtr-a/priv")
        .hasMessageContaining("no such file");
  }

  @Test
  void referencesThatCouldLeaveTheDirectoryAreRefused() {
    DirectorySecretProvider p = new DirectorySecretProvider(dir);
    for (String bad : List.of("../x", "/etc/passwd", "a/../../b", "", "a//b")) {
      assertThatThrownBy(() -> p.resolve(bad))
          .as(bad)
          .isInstanceOf(SecretProvider.SecretException.class)
          .hasMessageContaining("secret reference");
    }
  }

  @Test
  void generateMissingCreatesOwnerOnlyRandomSecretsOnceAndKeepsExistingOnes() throws Exception {
    Files.createDirectories(dir.resolve("snmp"));
    Files.writeString(dir.resolve("snmp/kept"), "mine-and-only-mine");
    DirectorySecretProvider p = new DirectorySecretProvider(dir);
    assertThat(p.generateMissing(List.of("snmp/kept", "snmp/a/auth", "snmp/a/priv"))).isEqualTo(2);
    assertThat(p.generateMissing(List.of("snmp/a/auth"))).isZero();
    assertThat(p.resolve("snmp/kept")).isEqualTo("mine-and-only-mine");
    assertThat(p.resolve("snmp/a/auth")).hasSize(32).isNotEqualTo(p.resolve("snmp/a/priv"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("snmp/a/auth")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void noProviderSaysHowToConfigureOne() {
    assertThatThrownBy(() -> SecretProvider.none().resolve("snmp/x"))
        .hasMessageContaining("--secrets");
  }
}
