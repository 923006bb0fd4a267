package org.wayleave.base.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets as files in a directory, one file per secret, as mounted secrets are in container
 * platforms: the reference {@code snmp/rtr-camden-01/auth} is the file {@code
 * DIR/snmp/rtr-camden-01/auth}, whose content (trailing newline stripped) is the secret.
 *
 * <p>References are relative paths of lower-case slugs; anything that could step outside the
 * directory is refused. Values are read once and cached.
 */
public final class DirectorySecretProvider implements SecretProvider {
  private final Path dir;
  private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();

  public DirectorySecretProvider(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
  }

  public Path dir() {
    return dir;
  }

  @Override
  public String resolve(String ref) {
    String cached = cache.get(ref);
    if (cached != null) {
      return cached;
    }
    Path file = file(ref);
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new SecretException(
            "secret '"
                + ref
                + "': the file "
                + dir.relativize(file)
                + " in the secrets directory is empty");
      }
      cache.put(ref, value);
      return value;
    } catch (NoSuchFileException e) {
      throw new SecretException(
          "secret '" + ref + "': no such file in the secrets directory " + dir);
    } catch (IOException e) {
      throw new SecretException(
          "secret '"
              + ref
              + "': cannot read it from the secrets directory: "
              + e.getClass().getSimpleName());
    }
  }

  /**
   * Writes a fresh random secret (32 hex characters) for every reference that has no file yet, with
   * owner-only permissions. For demos and simulators, which need matching secrets on both sides.
   *
   * @return how many secrets were created
   */
  public int generateMissing(Collection<String> refs) {
    SecureRandom random = new SecureRandom();
    int created = 0;
    for (String ref : refs) {
      Path file = file(ref);
      if (Files.exists(file)) {
        continue;
      }
      byte[] bytes = new byte[16];
      random.nextBytes(bytes);
      try {
        Files.createDirectories(file.getParent());
        // Owner-only from the moment the file exists, before the secret is written into it.
        Files.writeString(
            createOwnerOnly(file), HexFormat.of().formatHex(bytes) + "\n", StandardCharsets.UTF_8);
        restrict(file);
        created++;
      } catch (FileAlreadyExistsException e) {
        // Another process wrote it first; theirs stands.
      } catch (IOException e) {
        throw new SecretException(
            "secret '" + ref + "': cannot create it in the secrets directory: " + e.getMessage());
      }
    }
    return created;
  }

  private static Path createOwnerOnly(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createFile(file);
  }

  private static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: nothing more to do.
    }
  }

  private Path file(String ref) {
    if (!SecretProvider.validRef(ref)) {
      throw new SecretException(
          "secret reference '"
              + ref
              + "': must be a relative path of names made of letters, digits, '.', '_' and '-' (no"
              + " '..')");
    }
    Path file = dir.resolve(ref).normalize();
    if (!file.startsWith(dir)) {
      throw new SecretException("secret reference '" + ref + "': escapes the secrets directory");
    }
    return file;
  }
}
