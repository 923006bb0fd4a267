package org.wayleave.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wayleave.agent.Fixtures.DEVICE;
import static org.wayleave.agent.Fixtures.config;
import static org.wayleave.agent.Fixtures.sub;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.time.Backoff;

/** The driver's OS names travel with every Hello, Report and Drift. */
class OsNamesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final FakeController controller = new FakeController();
  private Server server;
  private ManagedChannel channel;
  private SimRouter router;
  private AgentClient client;

  /** A router whose OS names interfaces as Linux does: '/' cannot appear in them. */
  private static final class LinuxNamedDriver implements Driver {
    private final SimDriver sim;
    volatile boolean broken;

    LinuxNamedDriver(SimDriver sim) {
      this.sim = sim;
    }

    @Override
    public DeviceConfig read() throws DriverException {
      return sim.read();
    }

    @Override
    public ApplyOutcome apply(DeviceConfig desired, boolean keepUnowned) throws DriverException {
      return sim.apply(desired, keepUnowned);
    }

    @Override
    public void onOutOfBandChange(Runnable listener) {
      sim.onOutOfBandChange(listener);
    }

    @Override
    public Map<String, String> osNames(DeviceConfig actual) {
      if (broken) {
        throw new IllegalStateException("cannot list links");
      }
      Map<String, String> names = new TreeMap<>();
      for (SubInterface s : actual.getSubInterfacesList()) {
        names.put(s.getPort(), s.getPort().replace('/', '-'));
        names.put(s.getName(), s.getName().replace('/', '-'));
      }
      return names;
    }
  }

  private LinuxNamedDriver driver;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(controller).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    router = new SimRouter(DEVICE, List.of("ge-0/0/0", "ge-0/0/1"));
    driver = new LinuxNamedDriver(new SimDriver(router));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.stop();
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private FakeController.Stream connect() {
    client =
        AgentClient.builder()
            .deviceId(DEVICE)
            .agentVersion("test-1.0")
            .driver(driver)
            .generationStore(new AppliedGenerationStore.InMemory())
            .channel(channel)
            .backoff(new Backoff(Duration.ofMillis(1), Duration.ofMillis(20), new Random(1)))
            .heartbeatInterval(Duration.ofHours(1))
            .build();
    client.start();
    await().atMost(WAIT).until(client::isConnected);
    return controller.latest();
  }

  @Test
  void helloAndReportCarryTheNamesOfTheRoutersOs() throws Exception {
    router.put(sub("ge-0/0/0", 100, "LPSN-CAM-0001"));
    FakeController.Stream s = connect();
    assertThat(s.hellos().get(0).getOsNamesMap())
        .containsExactly(
            Map.entry("ge-0/0/0", "ge-0-0-0"), Map.entry("ge-0/0/0.100", "ge-0-0-0.100"));

    s.push(1, config(sub("ge-0/0/1", 200, "LPSN-CAM-0002")));
    await().atMost(WAIT).until(() -> s.reports().size() == 1);
    assertThat(s.reports().get(0).getOsNamesMap())
        .containsExactly(
            Map.entry("ge-0/0/1", "ge-0-0-1"), Map.entry("ge-0/0/1.200", "ge-0-0-1.200"));
  }

  @Test
  void aDriftCarriesTheNamesAndADriverThatCannotNameSendsNone() {
    FakeController.Stream s = connect();
    assertThat(s.hellos().get(0).getOsNamesMap()).as("nothing carried, nothing named").isEmpty();

    router.addForeign(sub("ge-0/0/1", 300, "HAND-1"));
    await().atMost(WAIT).until(() -> s.drifts().size() == 1);
    assertThat(s.drifts().get(0).getOsNamesMap()).containsEntry("ge-0/0/1.300", "ge-0-0-1.300");

    driver.broken = true;
    s.push(1, config(sub("ge-0/0/1", 200, "LPSN-CAM-0002")));
    await().atMost(WAIT).until(() -> s.reports().size() == 1);
    assertThat(s.reports().get(0).getActual().getSubInterfacesCount()).isEqualTo(1);
    assertThat(s.reports().get(0).getOsNamesMap()).as("applied all the same").isEmpty();
  }
}
