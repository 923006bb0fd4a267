package org.wayleave.cli.manifest;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the test manifests and the repository's examples are. */
final class Fixtures {
  private Fixtures() {}

  /**
   * A file or directory under {@code src/test/resources/manifests}, as copied to the test
   * classpath.
   */
  static Path manifest(String relative) {
    try {
      Path root = Path.of(Fixtures.class.getResource("/manifests").toURI());
      return root.resolve(relative);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The repository's {@code examples} directory: the nearest ancestor of the working directory
   * (Maven runs the cli tests in {@code cli/}) that holds {@code examples} beside a {@code
   * pom.xml}.
   */
  static Path examples() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("examples"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir.resolve("examples");
      }
    }
    throw new IllegalStateException("no examples directory above " + Path.of("").toAbsolutePath());
  }
}
