package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.FileStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The HA benchmark's JSON document: the machine, the parameters, the two stores side by side, the
 * failover figures (summaries and every kill), the targets with whether each was met, and notes
 * comparing with other systems' failover.
 */
final class HaReport {
  static final long TARGET_FAILOVER_MS = 5_000;
  static final int TARGET_KILLS_MIN = 20;

  /** The controller's etcd lease TTL. */
  static final long LEASE_TTL_S =
      org.wayleave.controller.store.etcd.EtcdStateStore.LEASE_TTL_SECONDS;

  /**
   * Where and how the run went, besides its figures.
   *
   * @param cpuBefore {@link CpuUse#since()} over a short sample before the run, or null
   * @param cpuUse {@link CpuUse#sinceWithEndedChildren()} over the run, or null
   */
  record Run(
      Instant started,
      Duration took,
      Path cwd,
      Path dataDir,
      boolean dataDirKept,
      FileStore fs,
      String etcdVersion,
      double loadStart,
      double loadEnd,
      double[] cpuBefore,
      double[] cpuUse) {}

  private HaReport() {}

  static ObjectNode build(
      HaOptions o, StoreComparison.Result stores, FailoverRun.Figures failover, Run run) {
    ObjectNode root = BenchJson.root("ha", run.started(), run.took());
    machine(root.putObject("machine"), run);
    parameters(root.putObject("parameters"), o, run);
    ObjectNode results = root.putObject("results");
    results.set("stores", stores(stores, o));
    ObjectNode f = failover(failover);
    results.set("failover", f);
    targets(root, f);
    ArrayNode notes = BenchJson.putNotes(root, o.said.notes);
    notes.add(
        "Writes never wait for a leader: any controller accepts them, so first_write_ms (through"
            + " the survivor) is usually one write interval; first_write_as_leader_ms is the"
            + " survivor's first acknowledged create once its /leader said it led, and"
            + " first_write_killed_side_ms the first for the writer that was on the killed"
            + " controller.");
    notes.add(
        "Compared with: onos-config (Atomix-based) takes about 60 s to fail over; Kubernetes"
            + " client-go leader election with its defaults (LeaseDuration 15 s, RenewDeadline 10"
            + " s, RetryPeriod 2 s) about 15 s. Ours rests on an etcd lease of "
            + LEASE_TTL_S
            + " s.");
    notes.add(
        "machine.cpu_busy_during_run counts the etcd members, controllers and simulator this"
            + " benchmark started as its own (benchmark_cores); other_processes_cores is everything"
            + " else on the machine.");
    if (CoreBenchmark.isMemoryFs(run.fs().type())) {
      notes.add("data on " + run.fs().type() + ": fsync is free there; store figures flatter");
    }
    return root;
  }

  private static void machine(ObjectNode m, Run run) {
    BenchJson.putJvm(m);
    m.put("os", BenchJson.os());
    BenchJson.putFilesystem(m, run.fs(), run.cwd(), run.dataDir(), run.dataDirKept());
    m.put("etcd_version", run.etcdVersion());
    m.put("load_average_1m_start", Stats.round2(run.loadStart()));
    m.put("load_average_1m_end", Stats.round2(run.loadEnd()));
    if (run.cpuBefore() != null) {
      m.put("other_processes_cores_before_run", Stats.round2(run.cpuBefore()[2]));
    }
    if (run.cpuUse() != null) {
      ObjectNode b = BenchJson.putCpuBusy(m, run.cpuUse(), Stats::round2);
      // This JVM and every process it started (etcd, controllers, simulator).
      b.set("benchmark_cores", b.remove("benchmark_jvm_cores"));
    }
  }

  private static void parameters(ObjectNode p, HaOptions o, Run run) {
    p.put("seed", CoreBenchmark.SEED);
    o.sizes.put(p);
    p.put(
        "stores_transport",
        "gRPC, Netty, plaintext, 127.0.0.1, one channel, blocking stub, sequential; in-process"
            + " controller");
    p.put("etcd_members", HaOptions.ETCD_MEMBERS);
    p.put("etcd_max_txn_ops", EtcdCluster.MAX_TXN_OPS);
    p.put("etcd_max_request_bytes", EtcdCluster.MAX_REQUEST_BYTES);
    p.put("etcd_where", "child processes on free ports of 127.0.0.1, plaintext, data on the disk");
    p.put("kills", o.kills);
    p.put("controllers", HaOptions.CONTROLLERS);
    p.put("writers", HaOptions.CONTROLLERS);
    p.put("write_interval_ms", o.writeIntervalMs);
    p.put("create_deadline_ms", HaWriters.DEADLINE_MS);
    p.put("max_creates", o.maxCreates);
    p.put("poll_ms", FailoverPhase.POLL_MS);
    p.put("failover_timeout_s", o.failoverTimeoutS);
    p.put("lease_ttl_s", LEASE_TTL_S);
    p.put("tls", !o.insecure);
    p.put(
        "tls_detail",
        o.insecure
            ? "plaintext (--insecure): northbound gRPC, agents' gRPC and HTTP"
            : "mutual TLS on the northbound and agents' gRPC (a CA made for the run, RSA 3072,"
                + " holders ECDSA P-256;"
                + " the writers as an engineer, each agent with its device's certificate), HTTPS"
                + " for /leader; etcd plaintext, as in docker-compose.yml");
    p.put("snmp_polling", !o.noSnmp);
    p.put(
        "controller_jvm",
        "-Xmx" + o.controllerHeap + " " + String.join(" ", HaTopology.CHILD_JVM_OPTIONS));
    p.put(
        "simulator_jvm", "-Xmx" + o.simHeap + " " + String.join(" ", HaTopology.CHILD_JVM_OPTIONS));
    p.put("kill", "SIGKILL (Process.destroyForcibly) of the leading controller's JVM");
  }

  private static ObjectNode stores(StoreComparison.Result r, HaOptions o) {
    ObjectNode s = BenchJson.object();
    s.set("sqlite", store(r.sqlite(), o));
    ObjectNode etcd = store(r.etcd(), o);
    etcd.put("members", r.etcdMembers());
    s.set("etcd", etcd);
    ObjectNode ratio = s.putObject("etcd_to_sqlite");
    ratio.put(
        "create_p50",
        Stats.round2(
            r.etcd().create().latency().percentileMs(50)
                / r.sqlite().create().latency().percentileMs(50)));
    ratio.put(
        "apply_batch_median",
        Stats.round2(
            (double) Stats.median(r.etcd().apply().nanos())
                / Stats.median(r.sqlite().apply().nanos())));
    return s;
  }

  private static ObjectNode store(StoreComparison.StoreFigures f, HaOptions o) {
    ObjectNode n = BenchJson.object();
    n.set("create_ms", f.create().latency().full());
    ObjectNode apply = Latency.runs(f.apply().nanos());
    apply.put(
        "max", Latency.nanosToMs(f.apply().nanos().stream().mapToLong(x -> x).max().orElse(0)));
    apply.put("batch_size", o.sizes.batch);
    apply.put("request_bytes", f.apply().requestBytes());
    n.set("apply_batch_ms", apply);
    return n;
  }

  private static ObjectNode failover(FailoverRun.Figures f) {
    ObjectNode n = BenchJson.object();
    n.put("kills", f.kills().size());
    n.set("new_leader_ms", summary(f.kills(), FailoverPhase.Kill::newLeaderMs));
    n.set("first_write_ms", summary(f.kills(), FailoverPhase.Kill::firstWriteMs));
    n.set("first_write_as_leader_ms", summary(f.kills(), FailoverPhase.Kill::firstWriteAsLeaderMs));
    n.set(
        "first_write_killed_side_ms",
        summary(f.kills(), FailoverPhase.Kill::firstWriteKilledSideMs));
    n.set("first_push_ms", summary(f.kills(), FailoverPhase.Kill::firstPushMs));
    n.set("restart_ms", summary(f.kills(), k -> k.restartMs()));
    n.put(
        "pushes_redundant_after_failover",
        f.kills().stream().mapToLong(FailoverPhase.Kill::pushesRedundantAdded).sum());
    ObjectNode creates = n.putObject("creates");
    creates.put("acknowledged", f.acknowledged());
    creates.put("in_doubt", f.inDoubt());
    ObjectNode failures = creates.putObject("failed_by_code");
    f.failures().forEach(failures::put);
    n.put(
        "acknowledged_missing",
        f.checks().stream().mapToInt(AckCheck.Result::acknowledgedMissing).max().orElse(-1));
    n.put(
        "unexpected_present",
        f.checks().stream().mapToInt(AckCheck.Result::unexpected).max().orElse(-1));
    ArrayNode checks = n.putArray("checked_through");
    for (AckCheck.Result c : f.checks()) {
      ObjectNode cn = checks.addObject();
      cn.put("controller", c.controller());
      cn.put("listed", c.listed());
      cn.put("pages", c.pages());
      cn.put("acknowledged_missing", c.acknowledgedMissing());
      cn.put("in_doubt_present", c.inDoubtPresent());
      cn.put("unexpected", c.unexpected());
    }
    ArrayNode per = n.putArray("per_kill");
    for (FailoverPhase.Kill k : f.kills()) {
      per.add(kill(k));
    }
    return n;
  }

  private static ObjectNode kill(FailoverPhase.Kill k) {
    ObjectNode n = BenchJson.object();
    n.put("kill", k.kill());
    n.put("killed", k.killed());
    n.put("survivor", k.survivor());
    n.put("term_before", k.termBefore());
    n.put("term_after", k.termAfter());
    n.put("new_leader_ms", k.newLeaderMs());
    n.put("first_write_ms", k.firstWriteMs());
    n.put("first_write_as_leader_ms", k.firstWriteAsLeaderMs());
    n.put("first_write_killed_side_ms", k.firstWriteKilledSideMs());
    n.put("first_push_ms", k.firstPushMs());
    n.put("pushes_redundant_added", k.pushesRedundantAdded());
    n.put("restart_ms", k.restartMs());
    return n;
  }

  /** {p50 (the median), max, min, measured, not_seen} of one figure over the kills, in ms. */
  static ObjectNode summary(List<FailoverPhase.Kill> kills, Function<FailoverPhase.Kill, Long> f) {
    List<Long> seen = kills.stream().map(f).filter(Objects::nonNull).toList();
    ObjectNode n = BenchJson.object();
    n.put("p50", Stats.median(seen));
    n.put("max", seen.stream().mapToLong(x -> x).max().orElse(0));
    n.put("min", seen.stream().mapToLong(x -> x).min().orElse(0));
    n.put("measured", seen.size());
    n.put("not_seen", kills.size() - seen.size());
    return n;
  }

  private static void targets(ObjectNode root, ObjectNode f) {
    ObjectNode targets = root.putObject("targets");
    targets.put("failover_first_write_ms", TARGET_FAILOVER_MS);
    targets.put("failover_first_push_ms", TARGET_FAILOVER_MS);
    targets.put("acknowledged_missing", 0);
    targets.put("pushes_redundant_after_failover", 0);
    targets.put("kills_min", TARGET_KILLS_MIN);
    ObjectNode basis = root.putObject("target_basis");
    basis.put(
        "failover_first_write_ms",
        "results.failover.first_write_as_leader_ms.max <= target, seen on every kill");
    basis.put(
        "failover_first_push_ms",
        "results.failover.first_push_ms.max <= target, seen on every kill");
    basis.put("acknowledged_missing", "results.failover.acknowledged_missing == target");
    basis.put(
        "pushes_redundant_after_failover",
        "results.failover.pushes_redundant_after_failover == target");
    basis.put("kills_min", "results.failover.kills >= target");
    ObjectNode met = root.putObject("met");
    met.put("failover_first_write_ms", within(f.path("first_write_as_leader_ms")));
    met.put("failover_first_push_ms", within(f.path("first_push_ms")));
    met.put("acknowledged_missing", f.path("acknowledged_missing").asLong() == 0);
    met.put(
        "pushes_redundant_after_failover", f.path("pushes_redundant_after_failover").asLong() == 0);
    met.put("kills_min", f.path("kills").asInt() >= TARGET_KILLS_MIN);
  }

  private static boolean within(JsonNode s) {
    return s.path("not_seen").asInt() == 0 && s.path("max").asLong() <= TARGET_FAILOVER_MS;
  }
}
