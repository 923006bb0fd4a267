package org.wayleave.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.simulator.SystemTools;

/**
 * The deployment at the repository's root, {@code docker-compose.yml}: Compose accepts it (Debian's
 * {@code docker-compose}; a system part, skipped where it is missing unless {@code
 * WAYLEAVE_REQUIRE_SYSTEM_TESTS=1}) and refuses a broken copy, and its topology is the one issue 16
 * asks for: three etcd members, two controllers on all three, a simulator dialling both, and
 * Prometheus scraping both. The topology is read from the file itself, without Compose.
 */
class ComposeFileTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Path root;
  static JsonNode services;

  @TempDir Path tmp;

  @BeforeAll
  static void read() throws IOException {
    root = repositoryRoot();
    services = YAML.readTree(root.resolve("docker-compose.yml").toFile()).path("services");
  }

  @Test
  void composeAcceptsTheFile() throws Exception {
    Result r = composeConfig(root.resolve("docker-compose.yml"));
    assertThat(r.stderr).as("docker-compose config -q: stderr").isEmpty();
    assertThat(r.exit).as("docker-compose config -q: exit code").isZero();
  }

  @Test
  void composeRefusesAServiceWithAnUnknownKey() throws Exception {
    Path file = copyOfDeployment().resolve("docker-compose.yml");
    assertThat(composeConfig(file).exit).as("the unchanged copy is accepted").isZero();

    String yaml = Files.readString(file);
    assertThat(yaml).contains("\n  simulator:\n");
    Files.writeString(
        file, yaml.replace("\n  simulator:\n", "\n  simulator:\n    no_such_key: true\n"));
    Result r = composeConfig(file);
    assertThat(r.exit).as("exit code for a broken file").isNotZero();
    assertThat(r.stderr).contains("no_such_key");
  }

  @Test
  void prometheusAcceptsItsConfiguration() throws Exception {
    // Syntax only: the certificate files it names exist in the deployment's volume, not here.
    Result config =
        promtool("check", "config", "--syntax-only", "deploy/prometheus/prometheus.yml");
    assertThat(config.exit).as(config.stdout + config.stderr).isZero();
    Result rules = promtool("check", "rules", "deploy/prometheus/alerts.yml");
    assertThat(rules.exit).as(rules.stdout + rules.stderr).isZero();
  }

  @Test
  void everyServiceSharesTheHostsNetworkAndMountsOnlyDeployFiles() {
    assertThat(names(s -> true))
        .containsExactlyInAnyOrder(
            "etcd-1",
            "etcd-2",
            "etcd-3",
            "certs",
            "controller-1",
            "controller-2",
            "simulator",
            "prometheus");
    services
        .fields()
        .forEachRemaining(
            e -> {
              assertThat(e.getValue().path("network_mode").asText())
                  .as(e.getKey() + ": network_mode")
                  .isEqualTo("host");
              for (JsonNode v : e.getValue().path("volumes")) {
                String source = v.asText().split(":")[0];
                if (source.startsWith(".")) {
                  assertThat(source).as(e.getKey() + " mounts").startsWith("./deploy/");
                  assertThat(root.resolve(source)).as(e.getKey() + " mounts").isRegularFile();
                }
              }
            });
  }

  @Test
  void threeEtcdMembersFormOneCluster() {
    List<String> etcd = running("etcd");
    assertThat(etcd).hasSize(3);
    Set<String> peers = new TreeSet<>();
    Set<String> clusters = new TreeSet<>();
    for (String name : etcd) {
      Map<String, String> f = flags(command(services.get(name)));
      assertThat(f.get("--name")).isEqualTo(name);
      assertThat(f.get("--listen-client-urls")).isEqualTo(f.get("--advertise-client-urls"));
      assertThat(f.get("--listen-peer-urls")).isEqualTo(f.get("--initial-advertise-peer-urls"));
      peers.add(name + "=" + f.get("--initial-advertise-peer-urls"));
      clusters.add(f.get("--initial-cluster"));
      assertThat(f.get("--max-txn-ops")).isEqualTo("12000");
    }
    assertThat(clusters).hasSize(1);
    assertThat(Set.of(clusters.iterator().next().split(","))).isEqualTo(peers);
  }

  @Test
  void bothControllersUseAllThreeEtcdMembers() throws Exception {
    Set<String> members =
        running("etcd").stream()
            .map(n -> flags(command(services.get(n))).get("--advertise-client-urls"))
            .map(u -> u.replaceFirst("^http://", ""))
            .collect(Collectors.toCollection(TreeSet::new));
    List<String> controllers = controllers();
    assertThat(controllers).containsExactlyInAnyOrder("controller-1", "controller-2");
    Set<String> binds = new TreeSet<>();
    Set<String> dataDirs = new TreeSet<>();
    for (String name : controllers) {
      JsonNode s = services.get(name);
      Map<String, String> f = flags(command(s));
      assertThat(s.path("image").asText()).isEqualTo("wayleave:" + projectVersion());
      String store = f.get("--store");
      assertThat(store).startsWith("etcd://");
      assertThat(
              new TreeSet<>(List.of(store.substring("etcd://".length()).split("/")[0].split(","))))
          .as(name + " --store")
          .isEqualTo(members);
      assertThat(f.get("--name")).isEqualTo(name);
      assertThat(f.get("--cert")).endsWith("/controller-" + name + ".crt");
      assertThat(f.get("--key")).endsWith("/controller-" + name + ".key");
      assertThat(s.path("depends_on").path("certs").path("condition").asText())
          .isEqualTo("service_completed_successfully");
      binds.add(f.get("--bind"));
      dataDirs.add(f.get("--data"));
    }
    assertThat(binds).as("each controller on its own address").hasSize(2);
    assertThat(dataDirs).as("each controller with its own data").hasSize(2);
  }

  @Test
  void theSimulatorDialsBothControllersAndSharesTheirSecrets() {
    List<String> sims = running("simulator");
    assertThat(sims).hasSize(1);
    Map<String, String> sim = flags(command(services.get(sims.get(0))));
    Set<String> agentPorts = new TreeSet<>();
    for (String c : controllers()) {
      Map<String, String> f = flags(command(services.get(c)));
      agentPorts.add(f.get("--bind") + ":" + f.get("--agent-port"));
      assertThat(f.get("--secrets")).as(c + " --secrets").isEqualTo(sim.get("--secrets"));
    }
    assertThat(new TreeSet<>(List.of(sim.get("--controller").split(",")))).isEqualTo(agentPorts);
  }

  @Test
  void prometheusScrapesBothControllers() throws IOException {
    JsonNode prometheus = services.get("prometheus");
    String configFile = flags(command(prometheus)).get("--config.file");
    String source = null;
    for (JsonNode v : prometheus.path("volumes")) {
      String[] parts = v.asText().split(":");
      if (parts.length > 1 && parts[1].equals(configFile)) {
        source = parts[0];
      }
    }
    assertThat(source).as("the volume that holds " + configFile).isNotNull();
    JsonNode config = YAML.readTree(root.resolve(source).toFile());
    Set<String> scraped = new TreeSet<>();
    for (JsonNode job : config.path("scrape_configs")) {
      for (JsonNode sc : job.path("static_configs")) {
        sc.path("targets")
            .forEach(t -> scraped.add(job.path("scheme").asText("http") + "://" + t.asText()));
      }
    }
    for (String c : controllers()) {
      Map<String, String> f = flags(command(services.get(c)));
      // The controllers have certificates, so they serve HTTPS.
      assertThat(scraped).contains("https://" + f.get("--bind") + ":" + f.get("--http-port"));
    }
  }

  // ------------------------------------------------------------------ helpers

  static List<String> controllers() {
    return running("controller");
  }

  /** The services whose command starts with {@code program} (etcd, controller, simulator). */
  static List<String> running(String program) {
    return names(s -> command(s).stream().findFirst().orElse("").equals(program));
  }

  static List<String> names(Predicate<JsonNode> which) {
    List<String> out = new ArrayList<>();
    services
        .fields()
        .forEachRemaining(
            e -> {
              if (which.test(e.getValue())) {
                out.add(e.getKey());
              }
            });
    return out;
  }

  static List<String> command(JsonNode service) {
    List<String> out = new ArrayList<>();
    service.path("command").forEach(n -> out.add(n.asText()));
    return out;
  }

  /** {@code --flag value} and {@code --flag=value} pairs of a command; a bare flag is "true". */
  static Map<String, String> flags(List<String> args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        continue;
      }
      int eq = a.indexOf('=');
      if (eq > 0) {
        out.put(a.substring(0, eq), a.substring(eq + 1));
      } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
        out.put(a, args.get(++i));
      } else {
        out.put(a, "true");
      }
    }
    return out;
  }

  /** The checkout's root: the first directory up from here with the compose file and mvnw. */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker-compose.yml"))
          && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no docker-compose.yml beside mvnw above " + Path.of("").toAbsolutePath());
  }

  static String projectVersion() throws Exception {
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(root.resolve("pom.xml").toFile());
    var children = doc.getDocumentElement().getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeName().equals("version")) {
        return children.item(i).getTextContent().strip();
      }
    }
    throw new IllegalStateException("pom.xml has no version");
  }

  /** docker-compose.yml and deploy/ (links followed) in a new directory. */
  Path copyOfDeployment() throws IOException {
    Path copy = tmp.resolve("deployment");
    Files.createDirectories(copy);
    Files.copy(root.resolve("docker-compose.yml"), copy.resolve("docker-compose.yml"));
    Path deploy = root.resolve("deploy");
    try (Stream<Path> files = Files.walk(deploy)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path to = copy.resolve("deploy").resolve(deploy.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to);
        }
      }
    }
    return copy;
  }

  record Result(int exit, String stdout, String stderr) {}

  /** {@code docker-compose -f FILE config -q}: Compose's own check of the file. */
  Result composeConfig(Path file) throws Exception {
    Path compose = SystemTools.require("docker-compose", "docker-compose");
    return run(compose.toString(), "-f", file.toString(), "config", "-q");
  }

  /** promtool, with the last argument a file relative to the repository's root. */
  Result promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(SystemTools.require("promtool", "prometheus").toString());
    command.addAll(List.of(args).subList(0, args.length - 1));
    command.add(root.resolve(args[args.length - 1]).toString());
    return run(command.toArray(String[]::new));
  }

  Result run(String... command) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    p.getOutputStream().close();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + ": no answer in 2 minutes");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
