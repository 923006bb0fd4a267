package org.wayleave.agent.ovs;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the system's programs are: on the PATH, or in the sbin directories root's PATH has. */
final class Programs {
  private Programs() {}

  /** The program's path, or its bare name when it is nowhere (running it then says so). */
  static String find(String program) {
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (!d.isEmpty()) {
        Path p = Path.of(d, program);
        if (Files.isExecutable(p)) {
          return p.toString();
        }
      }
    }
    return program;
  }
}
