package org.wayleave.controller.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Real parts (net-snmp, etcd, Chromium) that system tests run. Missing on a developer's machine, a
 * test is skipped with a message saying what to install; in CI ({@code
 * WAYLEAVE_REQUIRE_SYSTEM_TESTS=1}) it fails instead.
 */
public final class SystemParts {
  private SystemParts() {}

  /**
   * The path of a command, searched on PATH and in the sbin directories.
   *
   * @param debianPackage what to install, for the message
   */
  public static Path require(String command, String debianPackage) {
    Optional<Path> found = find(command);
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        command
            + " is not installed (Debian package "
            + debianPackage
            + "): apt-get install "
            + debianPackage;
    if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
      fail(message + " — system tests are required here (WAYLEAVE_REQUIRE_SYSTEM_TESTS=1)");
    }
    Assumptions.abort(message + "; skipping this system test");
    throw new AssertionError("unreachable");
  }

  static Optional<Path> find(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, command);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
