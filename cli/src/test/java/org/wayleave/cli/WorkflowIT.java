package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.security.AccessPolicy;
import org.wayleave.simulator.AgentCertificates;
import org.wayleave.simulator.Scenarios;
import org.wayleave.simulator.Simulator;

/** The engineer's verbs against an in-process controller and simulated London PSN. */
class WorkflowIT {
  @TempDir Path dir;
  Controller controller;
  Simulator sim;
  String server;
  TestPki pki;

  @BeforeEach
  void start() throws Exception {
    // Over mTLS, as a deployment runs: the engineer's verbs with its certificate, each agent with
    // its device's.
    pki = TestPki.in(dir.resolve("pki"));
    controller =
        Controller.start(
            new ControllerConfig(
                    dir.resolve("data"), "127.0.0.1", 0, 0, 0, List.of("london"), Clock.systemUTC())
                .withSecurity(pki.controller(), AccessPolicy.defaults()));
    sim =
        Simulator.start(
            "127.0.0.1:" + controller.agentPort(),
            Scenarios.devices("london", 0),
            AgentCertificates.fromCa(pki.dir(), Clock.systemUTC()));
    server = "127.0.0.1:" + controller.grpcPort();
  }

  @AfterEach
  void stop() {
    sim.close();
    controller.close();
  }

  /** Exit code, stdout and stderr of one CLI run. */
  record Run(int code, String out, String err) {}

  Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      List<String> all = new ArrayList<>(List.of(args));
      all.add("--server");
      all.add(server);
      all.addAll(pki.clientArgs());
      return new Run(
          Main.run(all.toArray(String[]::new)),
          o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  Path manifest(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  static final String TWO_CIRCUITS =
      """
      kind: Circuit
      id: LPSN-CAM-0101
      spec:
        council: camden
        supplier: quillon-carrier
        kind: PSN_ACCESS
        aEnd: {device: rtr-camden-01, port: ge-0/0/2}
        committedMbps: 100
      ---
      kind: Circuit
      id: LPSN-ISL-0101
      spec:
        council: islington
        supplier: quillon-carrier
        kind: PSN_ACCESS
        aEnd: {device: rtr-islington-01, port: ge-0/0/2, cTag: 2500}
        committedMbps: 50
      """;

  @Test
  void planShowsTheDiffApplyWaitsUntilActiveAndARepeatedPlanShowsNoChanges() throws Exception {
    Path m = manifest("circuits.yaml", TWO_CIRCUITS);
    Run plan = run("plan", "-f", m.toString());
    assertThat(plan.code()).as(plan.err()).isEqualTo(2);
    assertThat(plan.out())
        .contains(
            "+ circuit LPSN-CAM-0101",
            "+ circuit LPSN-ISL-0101",
            "rtr-camden-01",
            "+ ge-0/0/2.100  LPSN-CAM-0101  100 Mbit/s",
            "+ ge-0/0/2.2500  LPSN-ISL-0101  50 Mbit/s",
            "LPSN-CAM-0101",
            "-> VLAN 100",
            "Plan: 2 to create, 0 to change, 0 to delete");
    assertThat(run("get", "circuits").out()).doesNotContain("LPSN-CAM-0101");

    Run apply = run("apply", "-f", m.toString(), "--wait", "--timeout", "60s");
    assertThat(apply.code()).as(apply.out() + apply.err()).isZero();
    assertThat(apply.out()).contains("All 2 circuit(s) are ACTIVE.");

    Run again = run("plan", "-f", m.toString());
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("No changes");

    Run describe = run("describe", "circuit", "LPSN-ISL-0101");
    assertThat(describe.code()).isZero();
    assertThat(describe.out())
        .contains(
            "Circuit:",
            "LPSN-ISL-0101",
            "rtr-islington-01 port ge-0/0/2, sub-interface ge-0/0/2.2500, VLAN 2500",
            "Phase:",
            "ACTIVE",
            "Applied",
            "InSync",
            "TRUE");

    Run watch = run("watch", "--from-revision", "1", "--council", "camden", "--count", "2");
    assertThat(watch.code()).isZero();
    assertThat(watch.out()).contains("PUT", "circuit", "LPSN-CAM-0101");
    Run watchJson =
        run("watch", "--from-revision", "1", "--council", "camden", "--count", "1", "-o", "json");
    assertThat(watchJson.out()).contains("\"type\":\"EVENT_TYPE_PUT\"", "\"id\":\"LPSN-CAM-0101\"");

    Run get = run("get", "circuit", "LPSN-CAM-0101", "-o", "yaml");
    assertThat(get.out()).contains("id: LPSN-CAM-0101", "ACTIVE");
    assertThat(run("get", "circuits").out())
        .contains("LPSN-ISL-0101", "rtr-islington-01 ge-0/0/2.2500", "ACTIVE");
  }

  @Test
  void aManifestWithOneInvalidCircuitAppliesNothingAndSaysWhere() throws Exception {
    Path m = manifest("bad.yaml", TWO_CIRCUITS.replace("cTag: 2500", "cTag: 4095"));
    long before = controller.store().revision();
    Run apply = run("apply", "-f", m.toString(), "--wait");
    assertThat(apply.code()).isEqualTo(1);
    assertThat(apply.err())
        .contains(
            "nothing was changed",
            "bad.yaml",
            "document 2",
            "spec.a_end.c_tag",
            "1-4094 (got 4095)");
    assertThat(controller.store().revision()).isEqualTo(before);

    Path typo =
        manifest("typo.yaml", "kind: Circuit\nid: LPSN-CAM-0102\nspec:\n  councill: camden\n");
    Run bad = run("plan", "-f", typo.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("typo.yaml", "councill");
  }

  @Test
  void deleteIsRefusedWhileReferencedAndUnknownKindsAreNamed() {
    Run del = run("delete", "device", "rtr-camden-01");
    assertThat(del.code()).isEqualTo(1);
    assertThat(del.err()).contains("still referred to by");
    assertThat(run("get", "gizmos").err()).contains("KIND: unknown 'gizmos'");
    assertThat(run("get", "councils").out()).contains("camden", "E09000007");
  }

  @Test
  void historyListsTheChangeAndRollbackRestoresAnEarlierRevision() throws Exception {
    Path m = manifest("circuits.yaml", TWO_CIRCUITS);
    assertThat(run("apply", "-f", m.toString()).code()).isZero();
    long first = controller.store().revision();
    Path changed =
        manifest("changed.yaml", TWO_CIRCUITS.replace("committedMbps: 50", "committedMbps: 75"));
    assertThat(run("apply", "-f", changed.toString()).code()).isZero();
    Path extra =
        manifest(
            "extra.yaml",
            TWO_CIRCUITS
                .split("---")[0]
                .replace("LPSN-CAM-0101", "LPSN-CAM-0199")
                .replace("ge-0/0/2", "ge-0/0/3"));
    assertThat(run("apply", "-f", extra.toString()).code()).isZero();

    Run history = run("history", "--circuit", "LPSN-ISL-0101");
    assertThat(history.code()).isZero();
    assertThat(history.out())
        .contains("~ circuit LPSN-ISL-0101", "+ circuit LPSN-ISL-0101", "engineer:");
    assertThat(history.out().indexOf("~ circuit LPSN-ISL-0101"))
        .isLessThan(history.out().indexOf("+ circuit LPSN-ISL-0101"));

    Run dry = run("rollback", "--to-revision", Long.toString(first), "--dry-run");
    assertThat(dry.code()).as(dry.err()).isEqualTo(2);
    assertThat(dry.out()).contains("~ circuit LPSN-ISL-0101", "- circuit LPSN-CAM-0199");
    assertThat(controller.state().cache().get(Kind.CIRCUIT, "LPSN-CAM-0199")).isNotNull();

    Run rollback = run("rollback", "--to-revision", Long.toString(first));
    assertThat(rollback.code()).as(rollback.err()).isZero();
    assertThat(rollback.out()).contains("Rolled back to revision " + first);
    var cache = controller.state().cache();
    assertThat(cache.get(Kind.CIRCUIT, "LPSN-ISL-0101").getSpec().getCommittedMbps()).isEqualTo(50);
    assertThat(cache.get(Kind.CIRCUIT, "LPSN-CAM-0199")).isNull();
    assertThat(controller.store().audit(Kind.CIRCUIT.prefix(), 0, 20))
        .anySatisfy(r -> assertThat(r.action()).isEqualTo("rollback to revision " + first));
    assertThat(run("rollback", "--to-revision", Long.toString(first)).out()).contains("No changes");
  }

  @Test
  void applyWaitReportsCircuitsThatDidNotConvergeWithPhaseAndErrorAndFails() throws Exception {
    sim.router("rtr-islington-01").failApplies("TCAM exhausted on linecard 0");
    Path m = manifest("circuits.yaml", TWO_CIRCUITS);
    Run apply = run("apply", "-f", m.toString(), "--wait", "--timeout", "30s");
    assertThat(apply.code()).isEqualTo(1);
    assertThat(apply.err())
        .contains("LPSN-ISL-0101", "FAILED", "TCAM exhausted on linecard 0")
        .doesNotContain("LPSN-CAM-0101  ");
    sim.router("rtr-islington-01").clearFailures();
    Run again = run("apply", "-f", m.toString(), "--wait", "--timeout", "60s");
    assertThat(again.code()).as(again.err()).isZero();
  }
}
