package org.wayleave.cli.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The host's side of a lab: what it needs, and removing what a lab (or a killed one) left. */
final class LabHost {
  private LabHost() {}

  /** The programs the lab runs, with the Debian package of each. */
  static final Map<String, String> PROGRAMS =
      new TreeMap<>(
          Map.of(
              "ip", "iproute2",
              "ethtool", "ethtool",
              "ovsdb-tool", "openvswitch-switch",
              "ovsdb-server", "openvswitch-switch",
              "ovs-vswitchd", "openvswitch-switch",
              "ovs-vsctl", "openvswitch-switch",
              "ovs-ofctl", "openvswitch-switch",
              "snmpd", "snmpd"));

  /** Whether this process runs as root (user id 0), which namespaces and veths need. */
  public static boolean root() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** What is missing to run a lab here, as lines to print; empty when nothing is. */
  public static List<String> missing() {
    Set<String> packages = new TreeSet<>();
    List<String> programs = new ArrayList<>();
    PROGRAMS.forEach(
        (program, pkg) -> {
          if (Shell.which(program) == null) {
            programs.add(program);
            packages.add(pkg);
          }
        });
    if (!Files.exists(Lab.SCHEMA)) {
      packages.add("openvswitch-switch");
      programs.add(Lab.SCHEMA.toString());
    }
    return programs.isEmpty()
        ? List.of()
        : List.of(
            "missing: " + String.join(", ", programs),
            "install: apt-get install " + String.join(" ", packages));
  }

  /** Removes every namespace (and what runs in it) and the bridge a lab left behind. */
  static void sweep() {
    String list = Shell.tryRun("ip", "netns", "list") ? Shell.run("ip", "netns", "list") : "";
    for (String line : list.split("\n")) {
      String ns = line.split(" ")[0].trim();
      if (ns.startsWith(Lab.PREFIX)) {
        removeNamespace(ns);
      }
    }
    Shell.tryRun("ip", "link", "del", Lab.MGMT_BRIDGE);
  }

  static void removeNamespace(String ns) {
    for (int round = 0; round < 20; round++) {
      String pids =
          Shell.tryRun("ip", "netns", "pids", ns) ? Shell.run("ip", "netns", "pids", ns) : "";
      if (pids.isBlank()) {
        break;
      }
      boolean gently = round < 10;
      for (String pid : pids.trim().split("\\s+")) {
        ProcessHandle.of(Long.parseLong(pid))
            .ifPresent(
                h -> {
                  if (gently) {
                    h.destroy();
                  } else {
                    h.destroyForcibly();
                  }
                });
      }
      sleep(Duration.ofMillis(100));
    }
    Shell.tryRun("ip", "netns", "del", ns);
  }

  static void recreate(Path d) {
    try {
      if (Files.exists(d)) {
        try (var walk = Files.walk(d)) {
          walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void awaitFile(Path f) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(f)) {
      if (System.nanoTime() > deadline) {
        throw new Shell.CommandException(f + " did not appear within 10 s");
      }
      sleep(Duration.ofMillis(20));
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
