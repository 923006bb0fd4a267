package org.wayleave.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * The root {@code docker-compose.yml} run as processes on this machine, from the same file and the
 * same files it mounts, so the compose deployment and what the tests run cannot drift apart.
 *
 * <p>Every service in the file uses the host's network, so its command runs here unchanged. What a
 * container would see at a mount point is a directory of the test's own: a named volume becomes
 * {@code VOLUMES/<name>}, a bind mount the repository path it names, and each path in a service's
 * command under a mount point is rewritten to match. The wayleave image's entrypoint is a {@code
 * wayleave} script on the {@code PATH} that runs this JVM's classpath; etcd's image runs the
 * machine's {@code etcd}. Prometheus is not run (nothing here needs it). Services start in {@code
 * depends_on} order, each awaited as the compose file's conditions say: a one-shot to exit 0, etcd
 * to answer {@code /health}, a controller or the simulator to print its listening line.
 */
final class ComposeTopology implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** One service, as it runs here. */
  final class Service {
    final String name;
    final List<String> command;
    final Path log;
    Process process;
    int starts;

    Service(String name, List<String> command) {
      this.name = name;
      this.command = command;
      this.log = dir.resolve("logs").resolve(name + ".log");
    }

    boolean alive() {
      return process != null && process.isAlive();
    }

    long pid() {
      return process.pid();
    }

    private long offset;

    /** Starts it and waits until it is up (or, for a one-shot, done). */
    void start() throws IOException {
      launch();
      awaitStarted();
    }

    /** Starts the process, without waiting. */
    void launch() throws IOException {
      starts++;
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
      pb.environment().put("WAYLEAVE_JAVA_OPTS", javaOpts);
      offset = Files.exists(log) ? Files.size(log) : 0;
      process = pb.start();
    }

    /** Waits until the launched process is up (or, for a one-shot, done). */
    void awaitStarted() {
      try {
        awaitUp(offset);
      } catch (ConditionTimeoutException | AssertionError e) {
        throw new AssertionError(
            name + " did not come up within " + START_TIMEOUT + "; log tail:\n" + tail(60), e);
      }
    }

    private void awaitUp(long offset) {
      JsonNode svc = services.get(name);
      if ("no".equals(svc.path("restart").asText())) {
        await().atMost(START_TIMEOUT).until(() -> !process.isAlive());
        if (process.exitValue() != 0) {
          throw new AssertionError(name + " exited " + process.exitValue());
        }
        return;
      }
      String health = etcdHealthUrl(command);
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError(name + " exited " + process.exitValue());
                }
                return health != null
                    ? healthy(health)
                    : logSince(offset).contains(" listening")
                        || logSince(offset).contains("wayleave simulator: ");
              });
    }

    /** SIGKILL, and waits for it to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP or SIGCONT. */
    void signal(String sig) throws IOException, InterruptedException {
      Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException("kill -" + sig + " " + pid() + " failed");
      }
    }

    String logSince(long offset) throws IOException {
      byte[] all = Files.readAllBytes(log);
      return new String(
          all,
          (int) Math.min(offset, all.length),
          (int) Math.max(0, all.length - offset),
          StandardCharsets.UTF_8);
    }

    String tail(int lines) {
      try {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }

  private final Path repo;
  private final Path dir;
  private final Path bin;
  private final String javaOpts;
  private final Map<String, JsonNode> services = new LinkedHashMap<>();
  private final Map<String, Service> running = new LinkedHashMap<>();
  private final Thread shutdownHook = new Thread(this::stopAll, "compose-topology-shutdown");

  /**
   * Reads {@code repo/docker-compose.yml}; processes keep their state under {@code dir}.
   *
   * @param javaOpts JVM options for the wayleave processes (heap size, for two cores)
   */
  ComposeTopology(Path repo, Path dir, String javaOpts) throws IOException {
    this.repo = repo;
    this.dir = dir;
    this.bin = dir.resolve("bin");
    this.javaOpts = javaOpts;
    JsonNode file =
        new ObjectMapper(new YAMLFactory()).readTree(repo.resolve("docker-compose.yml").toFile());
    file.path("services").fields().forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
    Files.createDirectories(dir.resolve("logs"));
    Files.createDirectories(bin);
    Path wayleave = bin.resolve("wayleave");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(
        wayleave,
        "#!/bin/sh\nexec '"
            + java
            + "' $WAYLEAVE_JAVA_OPTS -cp '"
            + System.getProperty("java.class.path")
            + "' org.wayleave.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(wayleave, PosixFilePermissions.fromString("rwxr-xr-x"));
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The services in waves {@code depends_on} allows, leaving out {@code skip}: each wave depends
   * only on earlier ones, and starts at once (etcd's members need each other to be healthy).
   */
  List<List<String>> waves(Set<String> skip) {
    Set<String> done = new LinkedHashSet<>();
    List<List<String>> waves = new ArrayList<>();
    while (done.size() + skip.size() < services.size()) {
      int before = done.size();
      List<String> wave = new ArrayList<>();
      for (var e : services.entrySet()) {
        if (done.contains(e.getKey()) || skip.contains(e.getKey())) {
          continue;
        }
        List<String> deps = new ArrayList<>();
        e.getValue().path("depends_on").fieldNames().forEachRemaining(deps::add);
        e.getValue().path("depends_on").elements().forEachRemaining(n -> deps.add(n.asText()));
        deps.removeIf(d -> d.isEmpty() || skip.contains(d));
        if (done.containsAll(deps)) {
          wave.add(e.getKey());
        }
      }
      done.addAll(wave);
      if (done.size() == before) {
        throw new IllegalStateException("depends_on has a cycle among " + services.keySet());
      }
      waves.add(wave);
    }
    return waves;
  }

  /** Starts every service but {@code skip}, wave by wave. */
  void up(Set<String> skip) throws IOException {
    for (List<String> wave : waves(skip)) {
      for (String name : wave) {
        service(name).launch();
      }
      for (String name : wave) {
        service(name).awaitStarted();
      }
    }
  }

  /** The running (or stopped) service {@code name}, built from the file on first use. */
  Service service(String name) {
    Service s = running.get(name);
    if (s == null) {
      try {
        s = new Service(name, commandOf(name));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      running.put(name, s);
    }
    return s;
  }

  /** The file's command for {@code name}, with mount points turned into this test's paths. */
  List<String> commandOf(String name) throws IOException {
    JsonNode svc = services.get(name);
    if (svc == null) {
      throw new IllegalArgumentException("docker-compose.yml has no service " + name);
    }
    Map<String, String> mounts = mounts(svc);
    List<String> cmd = new ArrayList<>();
    String image = svc.path("image").asText();
    List<String> given = new ArrayList<>();
    svc.path("entrypoint").elements().forEachRemaining(n -> given.add(n.asText()));
    svc.path("command").elements().forEachRemaining(n -> given.add(n.asText()));
    if (image.contains("/etcd:")) {
      cmd.add(require("etcd", "etcd-server"));
      given.remove(0); // the image's etcd binary
    } else if (image.startsWith("wayleave:")) {
      if (!svc.has("entrypoint")) {
        cmd.add(bin.resolve("wayleave").toString());
      }
    } else {
      throw new IllegalArgumentException(name + ": no way to run image " + image + " here");
    }
    for (String arg : given) {
      cmd.add(rewrite(arg, mounts));
    }
    return cmd;
  }

  /**
   * The path of {@code command}; missing, the test is skipped, or fails in CI ({@code
   * WAYLEAVE_REQUIRE_SYSTEM_TESTS=1}).
   */
  static String require(String command, String debianPackage) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d.isEmpty() ? "." : d, command);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String message = command + " is not installed: apt-get install " + debianPackage;
    if ("1".equals(System.getenv("WAYLEAVE_REQUIRE_SYSTEM_TESTS"))) {
      throw new AssertionError(message + " (system tests are required here)");
    }
    Assumptions.abort(message + "; skipping this system test");
    return null;
  }

  /** Mount point to this test's path, longest first. */
  private Map<String, String> mounts(JsonNode svc) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    List<String[]> pairs = new ArrayList<>();
    for (JsonNode v : svc.path("volumes")) {
      String[] parts = v.asText().split(":");
      String source = parts[0];
      Path host;
      if (source.startsWith("./") || source.startsWith("/")) {
        host = repo.resolve(source).normalize();
      } else {
        host = dir.resolve("volumes").resolve(source);
        Files.createDirectories(host);
      }
      pairs.add(new String[] {parts[1], host.toString()});
    }
    pairs.sort(Comparator.comparingInt((String[] p) -> p[0].length()).reversed());
    pairs.forEach(p -> m.put(p[0], p[1]));
    return m;
  }

  private static String rewrite(String arg, Map<String, String> mounts) {
    for (var e : mounts.entrySet()) {
      String point = e.getKey();
      int at = arg.indexOf(point);
      while (at >= 0) {
        int end = at + point.length();
        if (end == arg.length() || arg.charAt(end) == '/' || arg.charAt(end) == ' ') {
          arg = arg.substring(0, at) + e.getValue() + arg.substring(end);
          at = arg.indexOf(point, at + e.getValue().length());
        } else {
          at = arg.indexOf(point, end);
        }
      }
    }
    return arg;
  }

  /** The {@code /health} URL of an etcd command, or null for anything else. */
  private static String etcdHealthUrl(List<String> cmd) {
    if (!cmd.get(0).endsWith("etcd")) {
      return null;
    }
    int i = cmd.indexOf("--listen-client-urls");
    return cmd.get(i + 1).split(",")[0] + "/health";
  }

  private static boolean healthy(String url) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A named volume's directory here. */
  Path volume(String name) {
    return dir.resolve("volumes").resolve(name);
  }

  /** The value after {@code flag} in {@code service}'s command as written in the file. */
  String flag(String service, String flag) {
    List<String> given = new ArrayList<>();
    services.get(service).path("command").elements().forEachRemaining(n -> given.add(n.asText()));
    int i = given.indexOf(flag);
    if (i < 0) {
      throw new IllegalArgumentException(service + " has no " + flag);
    }
    return given.get(i + 1);
  }

  /** The services the file names whose image is {@code prefix...}. */
  List<String> servicesOf(String imagePrefix) {
    return services.entrySet().stream()
        .filter(
            e ->
                e.getValue().path("image").asText().startsWith(imagePrefix)
                    || e.getValue().path("image").asText().contains("/" + imagePrefix))
        .map(Map.Entry::getKey)
        .toList();
  }

  private void stopAll() {
    List<Service> all = new ArrayList<>(running.values());
    for (int i = all.size() - 1; i >= 0; i--) {
      Service s = all.get(i);
      if (s.process != null) {
        s.process.descendants().forEach(ProcessHandle::destroyForcibly);
        s.process.destroyForcibly();
        try {
          s.process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Kills every process it started. The directory is the caller's (a JUnit temp dir). */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
  }
}
