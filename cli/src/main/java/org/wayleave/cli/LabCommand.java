package org.wayleave.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wayleave.cli.lab.Lab;
import org.wayleave.cli.lab.LabInventory;
import org.wayleave.cli.lab.LabPicture;
import org.wayleave.cli.lab.Shell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave lab}: a small real PSN in network namespaces, driven by a real controller. */
@Command(
    name = "lab",
    header = "Runs a real PSN in network namespaces, on Open vSwitch.",
    mixinStandardHelpOptions = true,
    description = {
      "Needs root and Open vSwitch, snmpd, iproute2 and ethtool (apt-get install"
          + " openvswitch-switch snmpd iproute2 ethtool; iperf3 to measure).",
      "Builds, as network namespaces: a router per council (Open vSwitch on the userspace"
          + " datapath,",
      "net-snmp's snmpd and a Wayleave agent), a council host behind each, a supplier's switch",
      "and the PSN service hosts DWP, GSi and N3, each on its own VLAN. A controller on the",
      "embedded store in --data drives the routers over mTLS and polls their snmpd, on a",
      "management bridge with addresses from 198.18.0.0/15; nothing leaves the machine.",
      "Prints where to look. Ctrl-C removes everything it made."
    })
final class LabCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      defaultValue = "lab-data",
      description = "Data directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--councils",
      split = ",",
      defaultValue = "camden,islington,brent",
      description = "London councils with a router in the lab (default: ${DEFAULT-VALUE}).")
  List<String> councils;

  @Option(names = "--grpc-port", defaultValue = "9090", description = "Northbound gRPC port.")
  int grpcPort;

  @Option(names = "--agent-port", defaultValue = "9091", description = "Southbound port.")
  int agentPort;

  @Option(names = "--http-port", defaultValue = "8080", description = "HTTPS port.")
  int httpPort;

  @Mixin TelemetryOptions telemetry = new TelemetryOptions();

  @Override
  public Integer call() throws Exception {
    if (!Lab.root()) {
      System.err.println(
          "wayleave lab: needs root (it makes network namespaces, veths and Open vSwitch"
              + " bridges): sudo ./wayleave lab");
      return 1;
    }
    List<String> missing = Lab.missing();
    if (!missing.isEmpty()) {
      System.err.println("wayleave lab: this machine lacks what the lab runs.");
      missing.forEach(m -> System.err.println("  " + m));
      return 1;
    }
    if (councils.size() < 1 || councils.size() > 20) {
      System.err.println("wayleave lab: --councils: between 1 and 20 councils");
      return 2;
    }
    LabRun run;
    try {
      run =
          LabRun.start(
              data,
              councils,
              new LabRun.Ports(grpcPort, httpPort, agentPort),
              telemetry.config(Duration.ofSeconds(2)),
              true);
    } catch (IllegalArgumentException | Shell.CommandException e) {
      System.err.println("wayleave lab: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  run.close();
                  System.out.println("wayleave lab: everything it made is gone.");
                  stopped.countDown();
                },
                "wayleave-lab-shutdown"));
    printWhereToLook(run);
    DemoCommand.reportWhenActive(run.controller());
    stopped.await();
    return 0;
  }

  private void printWhereToLook(LabRun run) {
    Path pki = run.security.pki().toAbsolutePath();
    String a = Lab.CONTROLLER_ADDRESS;
    System.out.println();
    System.out.println("Wayleave lab: " + councils.size() + " council routers on Open vSwitch.");
    System.out.println();
    for (String line : LabPicture.lines(run.lab.routers())) {
      System.out.println("  " + line);
    }
    System.out.println();
    System.out.println("  NOC dashboard   https://" + a + ":" + run.controller.httpPort() + "/");
    System.out.println(
        "  CLI             export WAYLEAVE_CERT=" + pki.resolve("engineer-demo.crt"));
    System.out.println("                  export WAYLEAVE_KEY=" + pki.resolve("engineer-demo.key"));
    System.out.println("                  export WAYLEAVE_CA=" + pki.resolve("ca.crt"));
    System.out.println(
        "                  ./wayleave get circuits --server "
            + a
            + ":"
            + run.controller.grpcPort());
    Lab.Router first = run.lab.routers().get(0);
    Lab.Service svc = Lab.SERVICES.get(0);
    System.out.println(
        "  traffic         ip netns exec " + svc.ns() + " iperf3 -s -B " + svc.address() + " &");
    System.out.println(
        "                  ip netns exec "
            + first.lanNs()
            + " iperf3 -c "
            + svc.address()
            + " -u -b "
            + 2 * LabInventory.COMMITTED_MBPS
            + "M   (the circuit holds it to "
            + LabInventory.COMMITTED_MBPS
            + " Mbit/s)");
    System.out.println(
        "  by hand         ovs-vsctl --db=unix:"
            + first.ovsdb()
            + " del-port "
            + Lab.Router.subInterface(svc.vlan())
            + "   (repaired at once)");
    System.out.println(
        "                  ip -n " + first.ns() + " link set " + Lab.OVS_PORT + " down   (DOWN)");
    System.out.println(
        "  SNMP            v3 authPriv, user wayleave, on each router's management address"
            + " (port 161); passphrases in "
            + data.toAbsolutePath().resolve("secrets/snmp"));
    System.out.println("  logs            " + run.lab.dir());
    System.out.println(
        "Ctrl-C stops the lab and removes every namespace, process and link it made.");
  }
}
