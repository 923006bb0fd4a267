package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The deployment's topology as processes on loopback: a 3-member etcd cluster, two controllers on
 * it ({@link ControllerProcess}) and the simulated London PSN ({@link SimulatorProcess}) whose
 * agents dial both and settle on the leader, with mutual TLS unless {@code --insecure} ({@link
 * HaPki}). Closing it (or the JVM ending) kills every process and deletes their data unless asked
 * to keep it.
 */
final class HaTopology implements AutoCloseable {
  /** JVM options of the controllers and the simulator: small heaps and one GC thread on 2 cores. */
  static final List<String> CHILD_JVM_OPTIONS = List.of("-XX:+UseSerialGC");

  private final HaOptions o;
  private final HaPki pki;
  private final ChildProcesses group;
  private final EtcdCluster etcd;
  private final List<ControllerProcess> controllers;
  private SimulatorProcess simulator;

  private HaTopology(
      HaOptions o,
      HaPki pki,
      ChildProcesses group,
      EtcdCluster etcd,
      List<ControllerProcess> controllers) {
    this.o = o;
    this.pki = pki;
    this.group = group;
    this.etcd = etcd;
    this.controllers = controllers;
  }

  /** Starts etcd, both controllers, then the simulator, under {@code dir}; waits for each. */
  static HaTopology start(HaOptions o, Path etcdCommand, Path dir, Progress progress)
      throws Exception {
    ChildProcesses group = new ChildProcesses(dir, o.keepData);
    EtcdCluster etcd = null;
    HaTopology t = null;
    try {
      etcd =
          EtcdCluster.start(etcdCommand, dir.resolve("etcd"), HaOptions.ETCD_MEMBERS, o.keepData);
      progress.say("failover: etcd at %s", etcd.storeUrl());
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= HaOptions.CONTROLLERS; i++) {
        names.add("controller-" + i);
      }
      HaPki pki = o.insecure ? HaPki.insecure() : HaPki.make(dir.resolve("pki"), names);
      List<ControllerProcess> cs = new ArrayList<>();
      for (String name : names) {
        cs.add(
            new ControllerProcess(
                name,
                etcd.storeUrl(),
                dir.resolve(name),
                dir.resolve("secrets"),
                pki,
                o,
                CHILD_JVM_OPTIONS));
      }
      t = new HaTopology(o, pki, group, etcd, List.copyOf(cs));
      t.startControllers();
      progress.say("failover: controllers listening; starting the simulator (%s)", "london");
      t.startSimulator(dir);
      return t;
    } catch (Exception e) {
      if (t != null) {
        t.close();
      } else {
        if (etcd != null) {
          etcd.close();
        }
        group.close();
      }
      throw e;
    }
  }

  private void startControllers() throws IOException, InterruptedException {
    // One at a time: both seeding the same etcd store at once only makes the second wait.
    for (ControllerProcess c : controllers) {
      c.start(group);
      c.awaitListening(startTimeout());
    }
  }

  private void startSimulator(Path dir) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("--scenario", CoreBenchmark.SEED, "--controller"));
    args.add(String.join(",", controllers.stream().map(c -> "127.0.0.1:" + c.agentPort).toList()));
    if (o.noSnmp) {
      args.add("--no-snmp");
    }
    args.addAll(pki.simulatorFlags());
    simulator = SimulatorProcess.start(o.simHeap, CHILD_JVM_OPTIONS, args, dir);
    group.add(simulator.process());
    simulator.awaitHttpPort();
  }

  private Duration startTimeout() {
    return Duration.ofSeconds(Math.max(90, o.failoverTimeoutS));
  }

  /** How the processes talk: mutual TLS or plaintext. */
  HaPki pki() {
    return pki;
  }

  List<ControllerProcess> controllers() {
    return controllers;
  }

  /** The other controller than {@code c}. */
  ControllerProcess other(ControllerProcess c) {
    return controllers.get(1 - controllers.indexOf(c));
  }

  int etcdMembers() {
    return etcd.members();
  }

  /** The simulator's {@code /stats}. */
  JsonNode stats() throws IOException, InterruptedException {
    return simulator.stats();
  }

  /** The one controller that leads, once exactly one says so. */
  ControllerProcess awaitOneLeader(Duration timeout) throws InterruptedException {
    ControllerProcess[] one = new ControllerProcess[1];
    Await.until(
        () -> {
          List<ControllerProcess> leading = controllers.stream().filter(c -> c.leads()).toList();
          one[0] = leading.size() == 1 ? leading.get(0) : null;
          return one[0] != null;
        },
        timeout,
        "exactly one controller to lead");
    return one[0];
  }

  /** Waits until every simulated router's agent holds a session (with the leader). */
  void awaitAgentsSettled(Duration timeout) throws InterruptedException {
    Await.until(
        () -> {
          try {
            JsonNode s = simulator.stats();
            return s.path("routers").asInt() > 0
                && s.path("connected").asInt() == s.path("routers").asInt();
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        },
        timeout,
        "every agent to be connected");
  }

  /** Starts {@code c} again after a kill and waits until it listens. */
  void restart(ControllerProcess c) throws IOException, InterruptedException {
    c.start(group);
    c.awaitListening(startTimeout());
  }

  @Override
  public void close() throws IOException {
    // The controllers and the simulator first, so that none of them outlives etcd.
    try {
      group.killAll();
    } finally {
      try {
        etcd.close();
      } finally {
        group.close();
      }
    }
  }
}
