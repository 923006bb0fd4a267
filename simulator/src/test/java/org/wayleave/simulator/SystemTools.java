package org.wayleave.simulator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * System tests use real programs of this machine (net-snmp's {@code snmpbulkwalk}, ...). Where one
 * is missing, the test is skipped with a message saying what to install, unless the environment
 * variable {@value #REQUIRE} is {@code 1} (CI), in which case it fails with that message.
 */
public final class SystemTools {
  /** Set to {@code 1} to make a missing program fail the test instead of skipping it. */
  public static final String REQUIRE = "WAYLEAVE_REQUIRE_SYSTEM_TESTS";

  private SystemTools() {}

  /**
   * The program {@code command} found on the {@code PATH}; skips (or fails, see {@link #REQUIRE})
   * the calling test if it is not installed.
   *
   * @param debianPackage the Debian package that provides it, for the message
   */
  public static Path require(String command, String debianPackage) {
    return require(command, debianPackage, System.getenv());
  }

  /** As {@link #require(String, String)}, with the environment given (for tests of this class). */
  static Path require(String command, String debianPackage, Map<String, String> env) {
    Optional<Path> found = find(command, env.getOrDefault("PATH", ""));
    if (found.isPresent()) {
      return found.get();
    }
    String message =
        command
            + " is not installed (no executable '"
            + command
            + "' on the PATH); install the Debian package '"
            + debianPackage
            + "' to run this system test";
    if ("1".equals(env.get(REQUIRE))) {
      return Assertions.fail(message + " (" + REQUIRE + "=1 makes system tests required)");
    }
    Assumptions.abort(message + " (skipped; set " + REQUIRE + "=1 to make it fail instead)");
    throw new AssertionError("unreachable");
  }

  /** The first executable file named {@code command} in the directories of {@code path}. */
  static Optional<Path> find(String command, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
