package org.wayleave.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.base.pki.Identity;
import org.wayleave.base.pki.Pki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wayleave certs init|issue}: a deployment's CA and the certificates it issues. */
@Command(
    name = "certs",
    header = "Makes the deployment's CA and issues certificates from it.",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a deployment's certificate authority and issues certificates from it (the CA RSA"
          + " 3072, the others ECDSA P-256; PEM).",
      "Who a certificate speaks for is in its subject alternative name: wayleave://<role>/<name>."
    },
    subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class})
final class CertsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("wayleave certs: say init or issue (wayleave certs --help)");
    return 2;
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description =
          "Makes a new CA in --dir (ca.crt, ca.key; the key owner-only). Never overwrites one.")
  static final class Init implements Callable<Integer> {
    @Option(
        names = "--dir",
        defaultValue = "data/pki",
        description = "Where the CA lives (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--organisation",
        defaultValue = "Wayleave",
        description = "Organisation in the CA's name (default: ${DEFAULT-VALUE}).")
    String organisation;

    @Option(
        names = "--days",
        defaultValue = "3650",
        description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() throws Exception {
      if (days < 1) {
        System.err.println("wayleave certs init: --days: must be at least 1 (got " + days + ")");
        return 2;
      }
      try {
        Pki.init(dir, organisation, Duration.ofDays(days), Clock.systemUTC());
      } catch (IllegalStateException e) {
        System.err.println("wayleave certs init: " + e.getMessage());
        return 1;
      }
      System.out.println(
          "CA made: "
              + dir.resolve(Pki.CA_CERT)
              + " (give this to every controller and agent) and "
              + dir.resolve(Pki.CA_KEY)
              + " (keep it secret)");
      return 0;
    }
  }

  @Command(
      name = "issue",
      mixinStandardHelpOptions = true,
      description = {
        "Issues a certificate and key from the CA in --dir, into --out as <role>-<name>.crt and"
            + " .key.",
        "Roles: controller (server; name its --dns and --ip), engineer, noc, supplier (name ="
            + " supplier id),",
        "agent (name = device id)."
      })
  static final class Issue implements Callable<Integer> {
    @Option(
        names = "--dir",
        defaultValue = "data/pki",
        description = "Where the CA lives (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(
        names = "--role",
        required = true,
        description = "controller, engineer, noc, supplier or agent.")
    String role;

    @Option(
        names = "--name",
        required = true,
        description = "The holder: a device id, a supplier id, a person or screen.")
    String name;

    @Option(names = "--dns", split = ",", description = "Host names a controller answers on.")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", split = ",", description = "IP addresses a controller answers on.")
    List<String> ips = new ArrayList<>();

    @Option(
        names = "--days",
        defaultValue = "397",
        description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--out", description = "Where to write (default: the CA's directory).")
    Path out;

    @Override
    public Integer call() throws Exception {
      Identity id;
      List<InetAddress> addresses = new ArrayList<>();
      try {
        id = new Identity(Identity.Role.of(role), name);
        if (days < 1) {
          throw new IllegalArgumentException("--days: must be at least 1 (got " + days + ")");
        }
        for (String ip : ips) {
          if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException("--ip: '" + ip + "' is not an IP address");
          }
          addresses.add(InetAddress.getByName(ip));
        }
      } catch (IllegalArgumentException | UnknownHostException e) {
        System.err.println("wayleave certs issue: " + e.getMessage());
        return 2;
      }
      Pki.Issued issued;
      try {
        issued =
            Pki.load(dir, Clock.systemUTC())
                .issue(id, dns, addresses, Duration.ofDays(days), out != null ? out : dir);
      } catch (IllegalStateException e) {
        System.err.println("wayleave certs issue: " + e.getMessage());
        return 1;
      }
      System.out.println(
          "issued "
              + id.uri()
              + ": "
              + issued.certificate()
              + " and "
              + issued.key()
              + " (valid "
              + days
              + " days)");
      return 0;
    }
  }
}
