package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.simulator.AgentCertificates;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.Simulator;

/**
 * README's walkthrough, command for command: the {@code ./wayleave} lines of its "Walkthrough"
 * section are read from README.md and run against a controller and simulator set up as {@code
 * ./wayleave demo} sets them up.
 */
class WalkthroughIT {
  @TempDir Path dir;

  @Test
  void theReadmeWalkthroughAddsCircuitsThatComeUp() throws Exception {
    Path repo = Path.of("").toAbsolutePath().getParent();
    String readme = Files.readString(repo.resolve("README.md"));
    String section = readme.substring(readme.indexOf("### Walkthrough"));
    section = section.substring(0, section.indexOf("```", section.indexOf("```") + 3));
    List<String[]> commands = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\./wayleave (.+)$").matcher(section);
    while (m.find()) {
      commands.add(m.group(1).trim().split("\\s+"));
    }
    assertThat(commands).as("the walkthrough's commands").hasSizeGreaterThanOrEqualTo(3);

    TestPki pki = TestPki.in(dir.resolve("pki"));
    try (Controller controller =
        Controller.start(
            new ControllerConfig(
                    dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withSecurity(pki.controller(), AccessPolicy.defaults()))) {
      controller
          .state()
          .apply(
              Op.upserts(Seeds.exampleCircuits("london"), "examples"),
              "system:demo",
              "demo example circuits");
      try (Simulator sim =
          Simulator.start(
              "127.0.0.1:" + controller.agentPort(),
              Scenarios.devices("london", 0),
              AgentCertificates.fromCa(pki.dir(), Clock.systemUTC()))) {
        List<String> outputs = new ArrayList<>();
        for (String[] cmd : commands) {
          List<String> args = new ArrayList<>();
          for (String a : cmd) {
            args.add(a.startsWith("examples/") ? repo.resolve(a).toString() : a);
          }
          args.add("--server");
          args.add("127.0.0.1:" + controller.grpcPort());
          // The walkthrough runs against the demo, whose certificate the verbs find in data/pki on
          // their own.
          args.addAll(pki.clientArgs());
          int code = run(args, outputs);
          assertThat(code)
              .as("./wayleave %s%n%s", String.join(" ", cmd), outputs.get(outputs.size() - 1))
              .isEqualTo(cmd[0].equals("plan") ? PlanCommand.CHANGES : 0);
        }
        String all = String.join("\n", outputs);
        assertThat(all)
            .contains(
                "+ ge-0/0/2.101  LPSN-CAM-0002  100 Mbit/s",
                "All 4 circuit(s) are ACTIVE.",
                "Circuit:",
                "LPSN-CAM-0002",
                "Applied",
                "InSync",
                "Recent events:");
      }
    }
  }

  private static int run(List<String> args, List<String> outputs) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      return Main.run(args.toArray(String[]::new));
    } finally {
      System.setOut(out);
      System.setErr(err);
      outputs.add(buf.toString(StandardCharsets.UTF_8));
    }
  }
}
