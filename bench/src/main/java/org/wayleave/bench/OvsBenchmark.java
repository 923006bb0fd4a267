package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.Resource;
import org.wayleave.cli.LabRun;
import org.wayleave.cli.lab.Lab;
import org.wayleave.cli.lab.LabInventory;
import org.wayleave.cli.lab.Shell;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * {@code bench/run ovs}: the agent's OVS driver on a real switch, in a one-router lab (root, Open
 * vSwitch, snmpd): the latency from a circuit's write to the agent's report that it applied it
 * (Applied), for one circuit and for 100 in one batch on one router; then the agent's CPU and
 * memory at idle holding those 100. Writes bench/results/ovs-DATE.json.
 */
public final class OvsBenchmark {
  static final int SINGLE_RUNS = 20;
  static final int BATCH = 100;
  static final int BATCH_RUNS = 3;
  static final Duration IDLE = Duration.ofSeconds(30);
  static final Duration WITHIN = Duration.ofSeconds(120);

  private OvsBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (!Lab.root() || !Lab.missing().isEmpty()) {
      System.err.println(
          "bench ovs: needs root and " + String.join("; ", Lab.missing()) + " (it builds a lab)");
      System.exit(1);
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path out = args.length > 0 ? Path.of(args[0]) : BenchPaths.defaultOut(cwd, "ovs");
    Path data = Files.createTempDirectory("wayleave-bench-ovs");
    Instant started = Instant.now();
    ObjectNode figures = BenchJson.object();
    try (LabRun run =
        LabRun.start(
            data,
            List.of("camden"),
            new LabRun.Ports(29090, 28080, 29091),
            TelemetryConfig.defaults(),
            false)) {
      Controller c = run.controller();
      Lab.Router r = run.lab().router("camden");
      Await.until(() -> c.agents().connected(r.deviceId()), WITHIN, "agent connected");
      Circuit template = LabInventory.circuits(run.lab().routers()).get(0).getCircuit();
      List<Long> single = new ArrayList<>();
      for (int i = 0; i < SINGLE_RUNS; i++) {
        List<Circuit> one = circuits(template, "S" + i + "-", 200 + i, 1);
        single.add(applyAndWait(c, one));
        delete(c, one);
      }
      figures.set("one_circuit_write_to_applied_ms", Latency.runs(single));
      List<Long> batch = new ArrayList<>();
      List<Circuit> hundred = null;
      for (int i = 0; i < BATCH_RUNS; i++) {
        hundred = circuits(template, "B" + i + "-", 300, BATCH);
        batch.add(applyAndWait(c, hundred));
        if (i < BATCH_RUNS - 1) {
          delete(c, hundred);
        }
      }
      figures.set("hundred_circuits_one_router_write_to_applied_ms", Latency.runs(batch));
      long pid = run.lab().agent(r).pid();
      Thread.sleep(10_000); // settle: the last apply's work and the JIT done
      double cpu0 = ProcCpu.seconds(pid);
      Thread.sleep(IDLE.toMillis());
      double cpu = ProcCpu.seconds(pid) - cpu0;
      ObjectNode idle = figures.putObject("agent_idle_with_100_circuits");
      idle.put("seconds", IDLE.toSeconds());
      idle.put("cpu_percent_of_one_core", Stats.round2(100 * cpu / IDLE.toSeconds()));
      idle.put("rss_mb", ProcCpu.rssMb(pid));
      idle.put("jvm", "-Xmx128m -XX:+UseSerialGC");
    }
    ObjectNode root = BenchJson.root("ovs", started, Duration.between(started, Instant.now()));
    root.put("date", LocalDate.now().toString());
    root.set("figures", figures);
    BenchJson.putNotes(
        root,
        List.of(
            "One lab router: Open vSwitch 3.1 userspace datapath, snmpd, agent process (mTLS)",
            "Latency: from the store write returning to the circuit's Applied condition TRUE"
                + " (the agent's report, status written), polled every millisecond",
            "Apply on OVS: one OVSDB transaction, wait for ovs-vswitchd (cur_cfg), ip link up per"
                + " new sub-interface, meters and a flow bundle via ovs-ofctl"));
    BenchJson.write(out, root);
    System.out.println("bench ovs: " + BenchPaths.shown(cwd, out));
    System.out.println(BenchJson.pretty(figures));
  }

  static List<Circuit> circuits(Circuit template, String run, int firstVlan, int n) {
    List<Circuit> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int vlan = firstVlan + i;
      var b = template.toBuilder().clearStatus().setId("LPSN-CAM-" + run + vlan);
      b.getSpecBuilder().setCommittedMbps(10).getAEndBuilder().setCTag(vlan);
      out.add(b.build());
    }
    return out;
  }

  static long applyAndWait(Controller c, List<Circuit> circuits) throws Exception {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < circuits.size(); i++) {
      ops.add(
          Op.write(
              Op.Mode.CREATE,
              Resource.newBuilder().setCircuit(circuits.get(i)).build(),
              "c[" + i + "]"));
    }
    c.state().apply(ops, "engineer:bench", "bench ovs");
    long t0 = System.nanoTime();
    long deadline = t0 + WITHIN.toNanos();
    // Polled every millisecond: the figure is a fraction of a second.
    while (!circuits.stream().allMatch(x -> applied(c, x.getId()))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("circuits not applied within " + WITHIN);
      }
      Thread.sleep(1);
    }
    return System.nanoTime() - t0;
  }

  static boolean applied(Controller c, String id) {
    Circuit s = c.state().cache().circuitWithStatus(id);
    return s != null
        && s.getStatus().getConditionsList().stream()
            .anyMatch(
                x ->
                    x.getType().equals("Applied")
                        && x.getStatus() == ConditionStatus.CONDITION_STATUS_TRUE);
  }

  static void delete(Controller c, List<Circuit> circuits) throws Exception {
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < circuits.size(); i++) {
      ops.add(Op.delete(Kind.CIRCUIT, circuits.get(i).getId(), 0, "d[" + i + "]"));
    }
    c.state().apply(ops, "engineer:bench", "bench ovs cleanup");
    Lab.Router r = Lab.plan(Path.of("."), List.of("camden")).get(0);
    Await.until(
        () -> {
          String ports = Shell.run("ip", "-n", r.ns(), "-o", "link", "show");
          return circuits.stream()
              .noneMatch(
                  x -> ports.contains(Lab.Router.subInterface(x.getSpec().getAEnd().getCTag())));
        },
        WITHIN,
        "sub-interfaces removed from the switch");
    Thread.sleep(500);
  }
}
