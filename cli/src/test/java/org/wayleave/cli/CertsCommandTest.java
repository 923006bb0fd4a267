package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;

/** {@code wayleave certs init|issue}. */
class CertsCommandTest {
  @TempDir Path dir;

  private String stderrOf(Runnable r) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void initThenIssueAnAgentAndAControllerCertificate() throws Exception {
    Path pki = dir.resolve("pki");
    assertThat(Main.run("certs", "init", "--dir", pki.toString())).isZero();
    assertThat(
            Main.run(
                "certs",
                "issue",
                "--dir",
                pki.toString(),
                "--role",
                "agent",
                "--name",
                "rtr-camden-01"))
        .isZero();
    assertThat(Pki.identityOf(Pki.readCertificate(pki.resolve("agent-rtr-camden-01.crt"))))
        .hasValue(new Identity(Identity.Role.AGENT, "rtr-camden-01"));
    assertThat(
            Main.run(
                "certs",
                "issue",
                "--dir",
                pki.toString(),
                "--role",
                "controller",
                "--name",
                "controller",
                "--dns",
                "localhost",
                "--ip",
                "127.0.0.1",
                "--out",
                dir.resolve("ctl").toString()))
        .isZero();
    assertThat(
            Pki.readCertificate(dir.resolve("ctl/controller-controller.crt"))
                .getSubjectAlternativeNames())
        .extracting(san -> san.get(1).toString())
        .contains("localhost", "127.0.0.1");
  }

  @Test
  void aSecondInitIsRefusedAndTheCaKept() throws Exception {
    Path pki = dir.resolve("pki");
    assertThat(Main.run("certs", "init", "--dir", pki.toString())).isZero();
    var before = Pki.readCertificate(pki.resolve("ca.crt"));
    int[] code = new int[1];
    String err = stderrOf(() -> code[0] = Main.run("certs", "init", "--dir", pki.toString()));
    assertThat(code[0]).isEqualTo(1);
    assertThat(err).contains("never overwritten");
    assertThat(Pki.readCertificate(pki.resolve("ca.crt"))).isEqualTo(before);
  }

  @Test
  void badInputNamesTheOption() {
    Path pki = dir.resolve("pki");
    assertThat(Main.run("certs", "init", "--dir", pki.toString())).isZero();
    int[] code = new int[1];
    String role =
        stderrOf(
            () ->
                code[0] =
                    Main.run(
                        "certs",
                        "issue",
                        "--dir",
                        pki.toString(),
                        "--role",
                        "admin",
                        "--name",
                        "x1"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(role).contains("role:").contains("supplier");
    String name =
        stderrOf(
            () ->
                code[0] =
                    Main.run(
                        "certs",
                        "issue",
                        "--dir",
                        pki.toString(),
                        "--role",
                        "agent",
                        "--name",
                        "Bad Name"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(name).contains("name:");
    String ip =
        stderrOf(
            () ->
                code[0] =
                    Main.run(
                        "certs",
                        "issue",
                        "--dir",
                        pki.toString(),
                        "--role",
                        "controller",
                        "--name",
                        "c",
                        "--ip",
                        "not.an.address.example"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(ip).contains("--ip");
    String noCa =
        stderrOf(
            () ->
                code[0] =
                    Main.run(
                        "certs",
                        "issue",
                        "--dir",
                        dir.resolve("none").toString(),
                        "--role",
                        "agent",
                        "--name",
                        "rtr-a"));
    assertThat(code[0]).isEqualTo(1);
    assertThat(noCa).contains("certs init");
  }
}
