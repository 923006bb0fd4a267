package org.wayleave.simulator;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.agent.AgentClient;
import org.wayleave.agent.AppliedGenerationStore;
import org.wayleave.agent.SimDriver;
import org.wayleave.agent.SimRouter;
import org.wayleave.base.time.Backoff;
import org.wayleave.simulator.snmp.RouterMib;
import org.wayleave.simulator.snmp.SnmpFleet;

/**
 * A whole PSN region in one JVM: one simulated router per device, each with its own agent on the
 * sim driver and its own connection to the controller's southbound port, as a real agent has (a
 * shared connection would couple the agents' reconnects). Agents share one timer pool and a few
 * apply threads, so thousands fit in one process. Faults are injected per device: stop or restart
 * an agent, change the router behind the agent's back, make applies slow or fail.
 *
 * <p>Devices with SNMP settings also answer SNMP (IF-MIB, v2c or v3) at their own endpoint, from
 * the same router model, through one {@link SnmpFleet} that lives as long as the simulator; {@link
 * #snmp} gives a router's {@link RouterMib} (its SNMP faults) and bound address. To serve SNMP
 * without agents, use {@link SnmpFleet#serve} directly.
 */
public final class Simulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);

  /** Threads shared by all agents' applies (each agent still applies one push at a time). */
  static final int APPLY_THREADS = 8;

  private final String target;
  private final Duration heartbeat;
  private final Backoff backoff;
  private final ScheduledExecutorService timers;
  private final ExecutorService appliers;
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private SnmpFleet snmp;
  private Function<String, ChannelCredentials> credentials =
      id -> InsecureChannelCredentials.create();

  /** One simulated router and the agent beside it. */
  private static final class Node {
    final SimRouter router;
    final AppliedGenerationStore generations = new AppliedGenerationStore.InMemory();
    AgentClient agent;

    Node(SimRouter router) {
      this.router = router;
    }
  }

  private Simulator(String target, Duration heartbeat, Backoff backoff, int timerThreads) {
    this.target = target;
    this.heartbeat = heartbeat;
    this.backoff = backoff;
    AtomicInteger n = new AtomicInteger();
    this.timers =
        Executors.newScheduledThreadPool(
            timerThreads,
            r -> {
              Thread t = new Thread(r, "wayleave-sim-timer-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    AtomicInteger m = new AtomicInteger();
    this.appliers =
        Executors.newFixedThreadPool(
            APPLY_THREADS,
            r -> {
              Thread t = new Thread(r, "wayleave-sim-apply-" + m.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a router and an agent for every device; agents dial {@code controller} at once. Devices
   * with SNMP settings answer SNMP from before their agent dials.
   *
   * @param controller the controller's southbound address, {@code host:port}
   * @throws IllegalArgumentException if two devices have the same id
   * @throws IllegalStateException naming the device, address and port of an SNMP endpoint that
   *     cannot be bound
   */
  public static Simulator start(
      String controller, Collection<SimDevice> devices, Duration heartbeat, Backoff backoff) {
    return start(
        controller, devices, heartbeat, backoff, id -> InsecureChannelCredentials.create());
  }

  /**
   * As {@link #start(String, Collection, Duration, Backoff)}, each agent dialling with the
   * credentials {@code credentials} gives for its device id (see {@link AgentCertificates}).
   */
  public static Simulator start(
      String controller,
      Collection<SimDevice> devices,
      Duration heartbeat,
      Backoff backoff,
      Function<String, ChannelCredentials> credentials) {
    Simulator sim =
        new Simulator(
            controller,
            heartbeat,
            backoff,
            Math.max(2, Runtime.getRuntime().availableProcessors()));
    sim.credentials = credentials;
    try {
      List<SnmpFleet.Member> snmp = new ArrayList<>();
      for (SimDevice d : devices) {
        Node n = new Node(new SimRouter(d.id(), d.ports()));
        if (sim.nodes.putIfAbsent(d.id(), n) != null) {
          throw new IllegalArgumentException("devices: '" + d.id() + "' appears twice");
        }
        if (d.hasSnmp()) {
          snmp.add(new SnmpFleet.Member(new RouterMib(n.router, d.portSpecs()), d.snmp()));
        }
      }
      if (!snmp.isEmpty()) {
        sim.snmp = SnmpFleet.serve(snmp);
      }
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    for (String id : sim.nodes.keySet()) {
      sim.startAgent(id);
    }
    log.info(
        "simulator: {} routers dialling {}, heartbeat {}, reconnect {}; {} answering SNMP",
        devices.size(),
        controller,
        heartbeat,
        backoff,
        sim.snmp == null ? 0 : sim.snmp.size());
    return sim;
  }

  /**
   * Starts with the defaults: 10 s heartbeat, reconnect backoff 200 ms to 30 s with full jitter;
   * plaintext.
   */
  public static Simulator start(String controller, Collection<SimDevice> devices) {
    return start(
        controller,
        devices,
        AgentClient.DEFAULT_HEARTBEAT,
        new Backoff(Backoff.DEFAULT_BASE, Backoff.DEFAULT_CAP));
  }

  /** As {@link #start(String, Collection)}, agents dialling with {@code credentials} per device. */
  public static Simulator start(
      String controller,
      Collection<SimDevice> devices,
      Function<String, ChannelCredentials> credentials) {
    return start(
        controller,
        devices,
        AgentClient.DEFAULT_HEARTBEAT,
        new Backoff(Backoff.DEFAULT_BASE, Backoff.DEFAULT_CAP),
        credentials);
  }

  private Node node(String deviceId) {
    Node n = nodes.get(deviceId);
    if (n == null) {
      throw new NoSuchElementException("device: no simulated router '" + deviceId + "'");
    }
    return n;
  }

  public List<String> deviceIds() {
    return List.copyOf(nodes.keySet());
  }

  public String controller() {
    return target;
  }

  /** The simulated router of a device (for fault injection and inspection). */
  public SimRouter router(String deviceId) {
    return node(deviceId).router;
  }

  /**
   * The device's SNMP side: its {@link RouterMib} (to inject SNMP faults) and the address it
   * answers at.
   *
   * @throws NoSuchElementException naming the device if there is no such router or it does not
   *     answer SNMP
   */
  public SnmpFleet.Binding snmp(String deviceId) {
    if (!servesSnmp(deviceId)) {
      throw new NoSuchElementException("device: '" + deviceId + "' does not answer SNMP");
    }
    return snmp.binding(deviceId);
  }

  /** Whether the device answers SNMP. */
  public boolean servesSnmp(String deviceId) {
    node(deviceId);
    return snmp != null && snmp.serves(deviceId);
  }

  /** SNMP totals over all routers (zeros when none answers SNMP). */
  public SnmpFleet.Stats snmpStats() {
    return snmp == null ? new SnmpFleet.Stats(0, 0, 0, 0) : snmp.stats();
  }

  /** The running agent of a device, or null while it is stopped. */
  public synchronized AgentClient agent(String deviceId) {
    return node(deviceId).agent;
  }

  /** Starts the device's agent (again); it remembers the generation it last applied. */
  public synchronized void startAgent(String deviceId) {
    Node n = node(deviceId);
    if (n.agent != null) {
      return;
    }
    n.agent =
        AgentClient.builder()
            .deviceId(deviceId)
            .agentVersion("wayleave-sim")
            .driver(new SimDriver(n.router))
            .generationStore(n.generations)
            .targets(List.of(target.split(",")), credentials.apply(deviceId))
            .scheduler(timers)
            .applyExecutor(appliers)
            .backoff(backoff)
            .heartbeatInterval(heartbeat)
            .stopTimeout(Duration.ofSeconds(5))
            .build();
    n.agent.start();
  }

  /** Stops the device's agent, as if its process died; the router keeps its configuration. */
  public synchronized void stopAgent(String deviceId) {
    Node n = node(deviceId);
    if (n.agent != null) {
      n.agent.stop();
      n.agent = null;
    }
  }

  /** Agents currently holding a session with the controller. */
  public synchronized int connectedAgents() {
    int c = 0;
    for (Node n : nodes.values()) {
      if (n.agent != null && n.agent.isConnected()) {
        c++;
      }
    }
    return c;
  }

  /** Totals over all running agents. */
  public record Stats(
      int routers,
      int connected,
      long pushesReceived,
      long pushesRedundant,
      long pushesRefused,
      long reportsSent,
      long subInterfaces) {}

  public synchronized Stats stats() {
    int connected = 0;
    long pushes = 0;
    long redundant = 0;
    long refused = 0;
    long reports = 0;
    long subs = 0;
    for (Node n : nodes.values()) {
      subs += n.router.config().getSubInterfacesCount();
      if (n.agent != null) {
        connected += n.agent.isConnected() ? 1 : 0;
        pushes += n.agent.pushesReceived();
        redundant += n.agent.pushesRedundant();
        refused += n.agent.pushesRefused();
        reports += n.agent.reportsSent();
      }
    }
    return new Stats(nodes.size(), connected, pushes, redundant, refused, reports, subs);
  }

  @Override
  public void close() {
    synchronized (this) {
      for (Node n : nodes.values()) {
        if (n.agent != null) {
          n.agent.stop();
          n.agent = null;
        }
      }
    }
    if (snmp != null) {
      snmp.close();
    }
    timers.shutdownNow();
    appliers.shutdownNow();
    log.info("simulator stopped");
  }
}
