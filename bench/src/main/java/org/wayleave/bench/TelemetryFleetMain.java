package org.wayleave.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.snmp.SnmpFleet;

/**
 * The simulated routers of {@link TelemetryBenchmark}, in a JVM of their own so that the benchmark
 * JVM's CPU time is the poller's alone. Serves {@code Scenarios.snmpOnly(devices, subInterfaces,
 * secrets)} (the {@code scale} routers, SNMP v2c, each at its own loopback address) on the given
 * UDP port, with one NIO selector thread.
 *
 * <p>Talks to its parent over stdin/stdout, one line each way:
 *
 * <ul>
 *   <li>out {@code ready <routers> <first-host>:<port>} once every socket is bound, or {@code
 *       failed <reason>} and exit status 2;
 *   <li>in {@code stats}, out {@code stats <received> <answered> <dropped> <refused>} (datagrams
 *       since start);
 *   <li>stdin closed (the parent ended): stops serving and exits.
 * </ul>
 *
 * <p>Usage: {@code TelemetryFleetMain <devices> <subInterfaces> <secretsDir> <port>}.
 */
public final class TelemetryFleetMain {
  /** File descriptors the JVM itself needs besides one per router, with room to spare. */
  static final int FD_HEADROOM = OpenFiles.HEADROOM;

  private TelemetryFleetMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 4) {
      out.println("failed usage: TelemetryFleetMain <devices> <subInterfaces> <secretsDir> <port>");
      System.exit(2);
    }
    int devices = Integer.parseInt(args[0]);
    int subInterfaces = Integer.parseInt(args[1]);
    Path secretsDir = Path.of(args[2]);
    int port = Integer.parseInt(args[3]);

    String fds = checkFileDescriptors(devices);
    if (fds != null) {
      out.println("failed " + fds);
      System.exit(2);
    }
    SnmpFleet fleet;
    try {
      List<SnmpFleet.Member> members = new ArrayList<>(devices);
      for (SnmpFleet.Member m :
          Scenarios.snmpOnly(devices, subInterfaces, new DirectorySecretProvider(secretsDir))) {
        members.add(
            m.endpoint().port() == port
                ? m
                : new SnmpFleet.Member(m.mib(), m.endpoint().at(m.endpoint().host(), port)));
      }
      fleet = SnmpFleet.serve(members);
    } catch (RuntimeException e) {
      out.println("failed " + e.getMessage());
      System.exit(2);
      return;
    }
    SnmpFleet.Binding first = fleet.bindings().get(0);
    out.println(
        "ready "
            + fleet.size()
            + " "
            + first.address().getAddress().getHostAddress()
            + ":"
            + first.address().getPort());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.strip().equals("stats")) {
          SnmpFleet.Stats s = fleet.stats();
          out.println(
              "stats " + s.received() + " " + s.answered() + " " + s.dropped() + " " + s.refused());
        }
      }
    } finally {
      fleet.close();
    }
    System.exit(0);
  }

  /**
   * Null if this JVM may open a socket per router, else why not (naming {@code ulimit -n}). The JVM
   * raises its soft limit to the hard one at start on Linux, so the figure is the effective one.
   */
  static String checkFileDescriptors(int devices) {
    long open = OpenFiles.open();
    return OpenFiles.check(
        OpenFiles.max(),
        devices + open + FD_HEADROOM,
        devices,
        "one UDP socket each, plus " + open + " open and " + FD_HEADROOM + " spare",
        "");
  }
}
