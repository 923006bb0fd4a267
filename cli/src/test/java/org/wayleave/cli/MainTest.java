package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's command line: every subcommand answers --help; bad options fail clearly. */
class MainTest {
  @Test
  void everySubcommandAnswersHelp() {
    CommandLine cli = new CommandLine(new Main());
    assertThat(cli.getSubcommands()).containsKey("controller");
    for (var e : cli.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      StringBuilderOut out = new StringBuilderOut();
      int code = new CommandLine(new Main()).setOut(out.writer()).execute(e.getKey(), "--help");
      assertThat(code).as(e.getKey() + " --help").isZero();
      assertThat(out.text()).as(e.getKey() + " --help").contains("Usage: wayleave " + e.getKey());
    }
  }

  @Test
  void theCommandListGivesEachCommandOneWholeSentence() {
    StringBuilderOut out = new StringBuilderOut();
    assertThat(new CommandLine(new Main()).setOut(out.writer()).execute("--help")).isZero();
    String list = out.text().substring(out.text().indexOf("Commands:") + "Commands:".length());
    for (String line : list.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      // "  demo        Runs a controller ...": one line each, a sentence, not a cut-off one.
      assertThat(line).as("a command's summary on one line").matches("\\s+[a-z]+\\s+\\S.*");
      if (!line.strip().startsWith("help")) {
        assertThat(line).as("a whole sentence").endsWith(".");
      }
    }
    StringBuilderOut demo = new StringBuilderOut();
    new CommandLine(new Main()).setOut(demo.writer()).execute("demo", "--help");
    assertThat(demo.text())
        .as("the full text stays in the command's own help")
        .contains("seeded with London's 33");
  }

  @Test
  void unknownSeedIsRefusedWithTheValidNames() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run("controller", "--seed", "atlantis", "--data", "target/unused"))
          .isEqualTo(2);
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--seed")
        .contains("atlantis")
        .contains("london")
        .contains("eastern");
  }

  @Test
  void badPortIsAUsageError() {
    assertThat(Main.run("controller", "--grpc-port", "not-a-port")).isEqualTo(2);
  }

  /** Collects what a command prints. */
  private static final class StringBuilderOut {
    private final StringWriter buf = new StringWriter();

    PrintWriter writer() {
      return new PrintWriter(buf, true);
    }

    String text() {
      return buf.toString();
    }
  }
}
