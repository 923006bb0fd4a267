package org.wayleave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/** The JFR recording a benchmark makes on {@code --jfr FILE}: the 'profile' settings, adjusted. */
final class JfrProfile {
  private JfrProfile() {}

  /**
   * A recording named {@code name} into {@code file} (its directory created), not yet started, with
   * the 'profile' settings and {@code overrides} over them (such as {@code
   * jdk.ExecutionSample#period}).
   */
  static Recording recording(Path file, String name, Map<String, String> overrides)
      throws IOException, ParseException {
    Map<String, String> settings =
        new HashMap<>(Configuration.getConfiguration("profile").getSettings());
    settings.putAll(overrides);
    Recording r = new Recording(settings);
    r.setName(name);
    Files.createDirectories(file.toAbsolutePath().getParent());
    r.setDestination(file.toAbsolutePath());
    return r;
  }
}
