package org.wayleave.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./wayleave}. */
@Command(
    name = "wayleave",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Provisioning controller for Public Services Network circuits.",
    subcommands = {
      DemoCommand.class,
      LabCommand.class,
      ControllerCommand.class,
      AgentCommand.class,
      SimulatorCommand.class,
      PlanCommand.class,
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      DescribeCommand.class,
      WatchCommand.class,
      HistoryCommand.class,
      RollbackCommand.class,
      CertsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"wayleave " + (v == null ? "development build" : v)};
    }
  }
}
