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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small real PSN on this machine, built from network namespaces: per council a router (Open
 * vSwitch on the userspace datapath, net-snmp's snmpd, and later a Wayleave agent) and a council
 * host behind it; a supplier's switch joining the routers to the PSN service hosts (DWP, GSi, N3),
 * each on its own VLAN; and a management bridge on the host where agents meet the controller and
 * the poller meets snmpd. Every address is from the benchmarking range 198.18.0.0/15, on links made
 * here; nothing leaves the machine. {@link #close} removes everything it made: processes,
 * namespaces (and with them their veths), the bridge.
 *
 * <pre>
 *   host: wl-mgmt 198.18.0.1/24 (controller) --- mgmt0 198.18.0.1i (router i: snmpd, agent)
 *   wl-COUNCIL-lan eth0 198.18.(100+i).2 --- lan0 .1 [wl-COUNCIL: br0, ge-0-0-1.VLAN
 *       198.19.VLAN.(10+i)] ge-0-0-1 === to-ri [wl-psn: psn] svc-dwp (VLAN 101) --- wl-dwp
 *       198.19.101.1, svc-gsi (102) --- wl-gsi 198.19.102.1, svc-n3 (103) --- wl-n3 198.19.103.1
 * </pre>
 */
public final class Lab implements AutoCloseable {
  /** Every namespace the lab makes starts so; a new lab first removes any left by a killed one. */
  public static final String PREFIX = "wl-";

  public static final String MGMT_BRIDGE = "wl-mgmt";
  public static final String CONTROLLER_ADDRESS = "198.18.0.1";
  public static final String DEVICE_PORT = "ge-0/0/1";
  public static final String OVS_PORT = "ge-0-0-1";

  /** A PSN service behind the supplier's switch, on its own VLAN. */
  public record Service(String id, String label, int vlan) {
    public String ns() {
      return PREFIX + id;
    }

    public String address() {
      return subnet(vlan) + ".1";
    }
  }

  public static final List<Service> SERVICES =
      List.of(
          new Service("dwp", "DWP", 101),
          new Service("gsi", "GSi", 102),
          new Service("n3", "N3", 103));

  /** A council's router and the host behind it. */
  public record Router(int index, String council, String deviceId, Path dir) {
    public String ns() {
      return PREFIX + council;
    }

    public String lanNs() {
      return PREFIX + council + "-lan";
    }

    public String mgmtAddress() {
      return "198.18.0." + (10 + index);
    }

    public String hostAddress() {
      return "198.18." + (100 + index) + ".2";
    }

    String lanAddress() {
      return "198.18." + (100 + index) + ".1";
    }

    /** The router's address on a service VLAN, once a circuit carries it. */
    public String circuitAddress(int vlan) {
      return subnet(vlan) + "." + (10 + index);
    }

    public Path ovsdb() {
      return dir.resolve("db.sock");
    }

    /** The interface a circuit on {@code vlan} is in the router's namespace. */
    public static String subInterface(int vlan) {
      return OVS_PORT + "." + vlan;
    }
  }

  static final Path SCHEMA = Path.of("/usr/share/openvswitch/vswitch.ovsschema");
  private static final Pattern SUB_IF = Pattern.compile("\\d+: (" + OVS_PORT + "\\.(\\d+))[@:]");

  private final Path dir;
  private final List<Router> routers = new ArrayList<>();
  private final List<String> namespaces = new CopyOnWriteArrayList<>();
  private final List<Process> daemons = new CopyOnWriteArrayList<>();
  private final Map<String, Process> agents = new ConcurrentHashMap<>();
  private final Map<String, Process> switches = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private Lab(Path dir) {
    this.dir = dir;
  }

  /** Whether this process runs as root, which namespaces and veths need. */
  public static boolean root() {
    return LabHost.root();
  }

  /** What is missing to run a lab here, as lines to print; empty when nothing is. */
  public static List<String> missing() {
    return LabHost.missing();
  }

  /**
   * Builds the lab in {@code dir} (its sockets, configuration and logs) for {@code councils}, each
   * router's snmpd taking v3 user {@code wayleave} with the passphrases in {@code snmpSecrets}
   * (device id to auth and priv). Removes what a killed lab left first; on failure removes what it
   * made and throws.
   */
  public static Lab start(Path dir, List<String> councils, Map<String, String[]> snmpSecrets) {
    LabHost.sweep();
    Lab lab = new Lab(dir);
    try {
      LabHost.recreate(dir);
      lab.build(plan(dir, councils), snmpSecrets);
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  public List<Router> routers() {
    return Collections.unmodifiableList(routers);
  }

  public Router router(String council) {
    return routers.stream()
        .filter(r -> r.council().equals(council))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no lab router for " + council));
  }

  public Path dir() {
    return dir;
  }

  /** The routers a lab in {@code dir} for {@code councils} has, before it is built. */
  public static List<Router> plan(Path dir, List<String> councils) {
    List<Router> out = new ArrayList<>();
    for (String council : councils) {
      out.add(new Router(out.size() + 1, council, "rtr-" + council + "-01", dir.resolve(council)));
    }
    return out;
  }

  private void build(List<Router> planned, Map<String, String[]> snmpSecrets) {
    Shell.run("ip", "link", "add", MGMT_BRIDGE, "type", "bridge");
    Shell.run("ip", "addr", "add", CONTROLLER_ADDRESS + "/24", "dev", MGMT_BRIDGE);
    Shell.run("ip", "link", "set", MGMT_BRIDGE, "up");
    namespace(PREFIX + "psn");
    startOvs(PREFIX + "psn", dir.resolve("psn"), "psn");
    for (Service s : SERVICES) {
      namespace(s.ns());
      String peer = "svc-" + s.id();
      veth("eth0", s.ns(), peer, PREFIX + "psn");
      vsctl(dir.resolve("psn"), "add-port", "psn", peer, "tag=" + s.vlan());
      Shell.run("ip", "-n", s.ns(), "addr", "add", s.address() + "/24", "dev", "eth0");
    }
    for (Router r : planned) {
      routers.add(r);
      buildRouter(r, snmpSecrets.get(r.deviceId()));
    }
  }

  private void buildRouter(Router r, String[] snmp) {
    namespace(r.ns());
    namespace(r.lanNs());
    startOvs(r.ns(), r.dir(), "br0");
    // The access port towards the supplier: closed (VLAN 4095 only) until the agent opens it.
    veth(OVS_PORT, r.ns(), "to-r" + r.index(), PREFIX + "psn");
    vsctl(r.dir(), "add-port", "br0", OVS_PORT, "trunks=4095");
    vsctl(dir.resolve("psn"), "add-port", "psn", "to-r" + r.index());
    // Management: a veth to the host's bridge.
    String hostEnd = "wlm-r" + r.index();
    Shell.run(
        "ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "mgmt0", "netns", r.ns());
    Shell.run("ip", "link", "set", hostEnd, "master", MGMT_BRIDGE, "up");
    Shell.run("ip", "-n", r.ns(), "addr", "add", r.mgmtAddress() + "/24", "dev", "mgmt0");
    Shell.run("ip", "-n", r.ns(), "link", "set", "mgmt0", "up");
    // The council's LAN: a host routed through the router.
    veth("lan0", r.ns(), "eth0", r.lanNs());
    Shell.run("ip", "-n", r.ns(), "addr", "add", r.lanAddress() + "/24", "dev", "lan0");
    Shell.run("ip", "-n", r.lanNs(), "addr", "add", r.hostAddress() + "/24", "dev", "eth0");
    Shell.run("ip", "-n", r.lanNs(), "route", "add", "default", "via", r.lanAddress());
    Shell.run("ip", "netns", "exec", r.ns(), "sysctl", "-qw", "net.ipv4.ip_forward=1");
    for (Service s : SERVICES) {
      Shell.run(
          "ip",
          "-n",
          s.ns(),
          "route",
          "add",
          "198.18." + (100 + r.index()) + ".0/24",
          "via",
          r.circuitAddress(s.vlan()));
    }
    startSnmpd(r, snmp);
  }

  private void namespace(String ns) {
    Shell.run("ip", "netns", "add", ns);
    namespaces.add(ns);
    Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
  }

  /**
   * A veth between two namespaces, both ends up, transmit checksum offload off (the userspace
   * datapath forwards what the kernel left unchecksummed as it is, and TCP then stalls).
   */
  private static void veth(String a, String nsA, String b, String nsB) {
    Shell.run(
        "ip", "link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB);
    for (String[] end : new String[][] {{a, nsA}, {b, nsB}}) {
      Shell.run("ip", "netns", "exec", end[1], "ethtool", "-K", end[0], "tx", "off");
      Shell.run("ip", "-n", end[1], "link", "set", end[0], "up");
    }
  }

  /** ovsdb-server and ovs-vswitchd for one namespace, with one userspace bridge. */
  private void startOvs(String ns, Path d, String bridge) {
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path db = d.resolve("conf.db");
    Shell.run("ovsdb-tool", "create", db.toString(), SCHEMA.toString());
    daemon(
        ns,
        List.of(
            "ovsdb-server",
            db.toString(),
            "--remote=punix:" + d.resolve("db.sock"),
            "--unixctl=" + d.resolve("ovsdb.ctl"),
            "-vconsole:off",
            "--log-file=" + d.resolve("ovsdb.log")),
        Map.of(),
        d.resolve("ovsdb.out"));
    LabHost.awaitFile(d.resolve("db.sock"));
    vsctl(d, "--no-wait", "init");
    startSwitch(ns, d);
    vsctl(d, "add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev");
  }

  private void startSwitch(String ns, Path d) {
    List<String> cmd =
        List.of(
            "ip",
            "netns",
            "exec",
            ns,
            "ovs-vswitchd",
            "unix:" + d.resolve("db.sock"),
            "--disable-system",
            "--unixctl=" + d.resolve("vswitchd.ctl"),
            "-vconsole:off",
            "--log-file=" + d.resolve("vswitchd.log"));
    Process p = Shell.start(cmd, Map.of("OVS_RUNDIR", d.toString()), d.resolve("vswitchd.out"));
    daemons.add(p);
    switches.put(ns, p);
  }

  /**
   * Stops {@code r}'s switch daemon and starts it again, as an upgrade or a crash would: it forgets
   * meters and flows, and remakes internal ports, down.
   */
  public void restartSwitch(Router r) {
    Process old = switches.remove(r.ns());
    if (old != null) {
      stop(old, false);
      daemons.remove(old);
    }
    startSwitch(r.ns(), r.dir());
    String mgmt = "unix:" + r.dir().resolve("br0.mgmt");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!Shell.tryRun("ovs-ofctl", "show", mgmt)) {
      if (System.nanoTime() > deadline) {
        throw new Shell.CommandException(r.ns() + ": ovs-vswitchd did not come back within 20 s");
      }
      LabHost.sleep(Duration.ofMillis(50));
    }
  }

  /** {@code ovs-vsctl} on the database in {@code d}, waiting (20 s at most) for the switch. */
  static String vsctl(Path d, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + d.resolve("db.sock"), "--timeout=20"));
    cmd.addAll(List.of(args));
    return Shell.run(cmd, Map.of());
  }

  private void startSnmpd(Router r, String[] secret) {
    if (secret == null) {
      throw new IllegalArgumentException("no SNMP secrets for " + r.deviceId());
    }
    Path conf = r.dir().resolve("snmpd.conf");
    try {
      Files.createDirectories(r.dir().resolve("snmp"));
      Files.writeString(
          conf,
          String.join(
              "\n",
              "# " + r.deviceId() + ": v3 authPriv only, as the controller's device record says",
              "createUser wayleave SHA-256 \"" + secret[0] + "\" AES \"" + secret[1] + "\"",
              "rouser wayleave priv",
              "# A port deleted and made again (a repair) is a new interface under the same name:",
              "# without this, snmpd keeps the old one's row too, down for ever.",
              "interface_replace_old yes",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon(
        r.ns(),
        List.of(
            "snmpd",
            "-f",
            "-C",
            "-c",
            conf.toString(),
            "-Lf",
            r.dir().resolve("snmpd.log").toString(),
            "udp:" + r.mgmtAddress() + ":161"),
        Map.of("SNMP_PERSISTENT_DIR", r.dir().resolve("snmp").toString(), "MIBS", ""),
        r.dir().resolve("snmpd.out"));
  }

  private void daemon(String ns, List<String> cmd, Map<String, String> env, Path log) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(cmd);
    daemons.add(Shell.start(full, env, log));
  }

  /**
   * Adds a host {@code wl-ID} on the supplier's switch, an access port on {@code vlan}, with {@code
   * cidr} (a test's stray host, say); removed with the lab.
   */
  public String addHost(String id, int vlan, String cidr) {
    String ns = PREFIX + id;
    namespace(ns);
    String peer = "svc-" + id;
    veth("eth0", ns, peer, PREFIX + "psn");
    vsctl(dir.resolve("psn"), "add-port", "psn", peer, "tag=" + vlan);
    Shell.run("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
    return ns;
  }

  /**
   * Starts {@code r}'s agent in its namespace: {@code java} with this process's class path, running
   * {@code wayleave agent} on {@code config}, its output in the router's directory.
   */
  public void startAgent(Router r, Path config) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        List.of(
            "ip",
            "netns",
            "exec",
            r.ns(),
            java,
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "org.wayleave.cli.Main",
            "agent",
            "--config",
            config.toString());
    Process old = agents.put(r.council(), Shell.start(cmd, Map.of(), r.dir().resolve("agent.log")));
    if (old != null) {
      stop(old, true);
    }
  }

  /** Kills {@code r}'s agent (SIGKILL), as a crash would; true if one ran. */
  public boolean killAgent(Router r) {
    Process p = agents.remove(r.council());
    if (p == null) {
      return false;
    }
    stop(p, true);
    return true;
  }

  /** The agent's process for {@code r}, or null. */
  public Process agent(Router r) {
    return agents.get(r.council());
  }

  /**
   * Gives each router's circuit sub-interfaces on a service VLAN the router's address there (the
   * council's addressing, not Wayleave's: a circuit is a VLAN), where they have none yet, e.g.
   * after the agent made or remade them. Returns how many it addressed.
   */
  public int addressCircuits() {
    int n = 0;
    for (Router r : routers) {
      if (closed) {
        return n;
      }
      String links = Shell.run("ip", "-n", r.ns(), "-o", "link", "show");
      String addrs = Shell.run("ip", "-n", r.ns(), "-o", "-4", "addr", "show");
      Matcher m = SUB_IF.matcher(links);
      while (m.find()) {
        int vlan = Integer.parseInt(m.group(2));
        String name = m.group(1);
        boolean service = SERVICES.stream().anyMatch(s -> s.vlan() == vlan);
        if (service && !addrs.contains(" " + name + " ")) {
          if (Shell.tryRun(
              "ip", "-n", r.ns(), "addr", "add", r.circuitAddress(vlan) + "/24", "dev", name)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    closed = true;
    agents.values().forEach(p -> stop(p, false));
    agents.clear();
    List<Process> ds = new ArrayList<>(daemons);
    Collections.reverse(ds);
    ds.forEach(p -> stop(p, false));
    List<String> ns = new ArrayList<>(namespaces);
    Collections.reverse(ns);
    ns.forEach(LabHost::removeNamespace);
    namespaces.clear();
    Shell.tryRun("ip", "link", "del", MGMT_BRIDGE);
  }

  private static void stop(Process p, boolean kill) {
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // ip netns exec replaces itself with the program, so the child is the program itself.
  }

  /** The subnet (first three octets) of a service VLAN: 198.19.VLAN. */
  static String subnet(int vlan) {
    return "198.19." + vlan;
  }
}
