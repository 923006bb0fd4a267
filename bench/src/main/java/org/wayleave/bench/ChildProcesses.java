package org.wayleave.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.wayleave.base.net.LoopbackPorts;

/**
 * The processes a benchmark started and the directory they keep their state in: closing it (or the
 * JVM ending, by a shutdown hook, even on Ctrl-C or a failure) kills every one that still runs,
 * newest first, then deletes the directory unless asked to keep it.
 */
final class ChildProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Path dir;
  private final boolean keepDir;
  private final Thread hook = new Thread(this::killAll, "bench-child-processes");

  /**
   * @param dir where the processes keep their state (deleted on close unless {@code keepDir})
   */
  ChildProcesses(Path dir, boolean keepDir) {
    this.dir = dir;
    this.keepDir = keepDir;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Takes {@code p} into the group; returns it. */
  synchronized Process add(Process p) {
    processes.add(p);
    return p;
  }

  /** A free loopback port (see {@link LoopbackPorts}). */
  static int freePort() throws IOException {
    return LoopbackPorts.free();
  }

  /** SIGKILL to every process still running, newest first, each awaited. */
  synchronized void killAll() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    processes.clear();
  }

  @Override
  public void close() throws IOException {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs killAll again, which is harmless
    }
    if (!keepDir && Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
