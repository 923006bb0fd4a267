package org.wayleave.cli;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import org.wayleave.agent.AgentClient;
import org.wayleave.agent.AgentConfig;
import org.wayleave.agent.Driver;
import org.wayleave.agent.DriverException;
import org.wayleave.agent.FileAppliedGenerationStore;
import org.wayleave.base.pki.TlsFiles;
import org.wayleave.base.time.Backoff;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wayleave agent}: one edge agent, beside one router, until stopped. */
@Command(
    name = "agent",
    header = "Runs the edge agent beside one router.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the edge agent for one router: dials the controller, applies what it pushes,",
      "reports what it did and what changed behind its back. Stops on Ctrl-C or SIGTERM.",
      "Example config:",
      "  controller: localhost:9091",
      "  device_id: rtr-camden-01",
      "  driver: sim",
      "  sim:",
      "    ports: [ge-0/0/0, ge-0/0/1, ge-0/0/2, ge-0/0/3]",
      "  tls:   # wayleave certs issue --role agent --name rtr-camden-01",
      "    cert: data/pki/agent-rtr-camden-01.crt",
      "    key: data/pki/agent-rtr-camden-01.key",
      "    ca: data/pki/ca.crt",
      "(or insecure: true instead of tls, for a controller run with --insecure)."
    })
final class AgentCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "Agent configuration (YAML).")
  Path config;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg;
    try {
      cfg = AgentConfig.load(config);
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave agent: " + config + ": " + e.getMessage());
      return 2;
    }
    ChannelCredentials credentials;
    if (cfg.tls() != null) {
      var tls = new TlsFiles(cfg.tls().cert(), cfg.tls().key(), cfg.tls().ca());
      try {
        tls.check(Clock.systemUTC());
      } catch (IllegalArgumentException e) {
        System.err.println("wayleave agent: " + config + ": tls." + e.getMessage());
        return 2;
      }
      credentials = tls.channelCredentials();
    } else if (cfg.insecure()) {
      LoggerFactory.getLogger(AgentCommand.class)
          .warn(
              "insecure: true: dialling the controller in plaintext, unauthenticated; for a laptop,"
                  + " never for a network");
      credentials = InsecureChannelCredentials.create();
    } else {
      System.err.println(
          "wayleave agent: "
              + config
              + ": tls: is required (cert, key and ca: the device's certificate), "
              + "or insecure: true for a controller run with --insecure");
      return 2;
    }
    Driver driver;
    try {
      driver = cfg.createDriver();
    } catch (DriverException e) {
      System.err.println("wayleave agent: " + config + ": " + e.getMessage());
      return 1;
    }
    AgentClient client =
        AgentClient.builder()
            .deviceId(cfg.deviceId())
            .driver(driver)
            .generationStore(new FileAppliedGenerationStore(cfg.stateFile()))
            .targets(cfg.controllerTargets(), credentials)
            .backoff(new Backoff(Backoff.DEFAULT_BASE, Backoff.DEFAULT_CAP))
            .heartbeatInterval(cfg.heartbeatInterval())
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  client.stop();
                  stopped.countDown();
                },
                "wayleave-agent-shutdown"));
    client.start();
    stopped.await();
    return 0;
  }
}
