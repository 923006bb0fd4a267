package org.wayleave.agent.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code ovsdb-server} (Debian {@code openvswitch-switch}) for tests, on a fresh
 * Open_vSwitch database and a socket in {@code dir}, initialised as {@code ovs-vsctl init} does. No
 * switch daemon runs: the database is read and written as a switch would have it.
 */
final class OvsdbServer implements AutoCloseable {
  static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");

  private final Process process;
  private final Path socket;

  private OvsdbServer(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts one in {@code dir} (skipped without Open vSwitch, failing in CI instead). */
  static OvsdbServer start(Path dir) throws IOException, InterruptedException {
    Path db = dir.resolve("conf.db");
    run(require("ovsdb-tool"), "create", db.toString(), SCHEMA.toString());
    Path socket = dir.resolve("db.sock");
    Process p =
        new ProcessBuilder(
                require("ovsdb-server"),
                db.toString(),
                "--remote=punix:" + socket,
                "--unixctl=" + dir.resolve("ovsdb.ctl"),
                "-vconsole:off",
                "--log-file=" + dir.resolve("ovsdb.log"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ovsdb.out").toFile())
            .start();
    OvsdbServer server = new OvsdbServer(p, socket);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket));
      server.vsctl("init");
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  Path socket() {
    return socket;
  }

  /** Runs {@code ovs-vsctl --no-wait ARGS} on this database, as someone at the console would. */
  void vsctl(String... args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of(require("ovs-vsctl"), "--db=unix:" + socket, "--no-wait"));
    cmd.addAll(List.of(args));
    run(cmd.toArray(String[]::new));
  }

  /** {@code ovs-vsctl get TABLE RECORD COLUMN}, trimmed. */
  String get(String table, String record, String column) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                require("ovs-vsctl"), "--db=unix:" + socket, "get", table, record, column)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).as("ovs-vsctl get: " + out).isZero();
    return out;
  }

  static String require(String command) {
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/sbin", "/sbin"));
    for (String d : dirs) {
      Path p = Path.of(d.isEmpty() ? "." : d, command);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String message = command + " is not installed: apt-get install openvswitch-switch";
    if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
      throw new AssertionError(message + " (system tests are required here)");
    }
    Assumptions.abort(message + "; skipping this system test");
    return null;
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  /** Kills the server (what a test of a server going away wants too). */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
