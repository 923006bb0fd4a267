package org.wayleave.cli.lab;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The system's programs, run to completion or started as daemons, with what went wrong said. */
public final class Shell {
  private Shell() {}

  /** A command that failed: the command line and what it printed. */
  public static final class CommandException extends RuntimeException {
    CommandException(String message) {
      super(message);
    }
  }

  /** Runs {@code cmd} and returns what it printed; throws naming it when it fails. */
  public static String run(String... cmd) {
    return run(List.of(cmd), Map.of());
  }

  public static String run(List<String> cmd, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder(resolve(cmd)).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CommandException(String.join(" ", cmd) + ": no end within 60 s");
      }
      if (p.exitValue() != 0) {
        throw new CommandException(
            String.join(" ", cmd) + " (exit " + p.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new CommandException(String.join(" ", cmd) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(String.join(" ", cmd) + ": interrupted");
    }
  }

  /** Runs {@code cmd}, ignoring failure: for tearing down what may already be gone. */
  public static boolean tryRun(String... cmd) {
    try {
      run(cmd);
      return true;
    } catch (CommandException e) {
      return false;
    }
  }

  /** Starts a long-running {@code cmd}, its output to {@code log}. */
  public static Process start(List<String> cmd, Map<String, String> env, Path log) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(resolve(cmd)).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new CommandException(String.join(" ", cmd) + ": " + e.getMessage());
    }
  }

  /** The program's path (the sbin directories included), or null when it is not installed. */
  public static Path which(String program) {
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return Path.of(d, program);
      }
    }
    return null;
  }

  private static List<String> resolve(List<String> cmd) {
    List<String> out = new ArrayList<>(cmd);
    Path p = which(out.get(0));
    if (p != null && !out.get(0).contains("/")) {
      out.set(0, p.toString());
    }
    return out;
  }
}
