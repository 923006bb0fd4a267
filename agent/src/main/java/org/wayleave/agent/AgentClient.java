package org.wayleave.agent;

import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.base.time.Backoff;

/**
 * One device's agent session with the controller: dials {@code AgentService.Connect}, says Hello,
 * applies pushes through the {@link Driver} and reports, sends heartbeats and drift, and redials
 * with capped, jittered backoff whenever the stream ends, until {@link #stop()}.
 *
 * <p>Every driver call (the read for Hello, each apply, the read for Drift) runs on one serial
 * worker thread, so two applies never overlap and a Hello never reports a half-applied router.
 * Pushes that arrive while an apply runs coalesce: only the newest is applied next.
 *
 * <p>The work is shared out: {@link SessionLoop} dials and redials, {@link SessionStream} is one
 * Connect stream, {@link StateMessages} sends Hello and heartbeats, {@link ApplyWorker} applies
 * pushes and reports, {@link DriftReporter} reports out-of-band changes, {@link AgentExecutors}
 * holds the timer and the worker, and {@link AgentStats} the counters.
 */
public final class AgentClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

  private final AgentSettings settings;
  private final Driver driver;
  private final AppliedGenerationStore store;
  private final List<ManagedChannel> ownedChannels;
  private final AgentExecutors executors;
  private final AgentStats stats = new AgentStats();
  private final SessionLoop sessions;
  private final DriftReporter drift;

  private AgentClient(Builder b) {
    List<SessionLoop.Endpoint> endpoints = new ArrayList<>();
    if (b.channel != null) {
      endpoints.add(
          new SessionLoop.Endpoint(
              b.channel.authority(),
              AgentServiceGrpc.newStub(b.channel),
              b.channel instanceof ManagedChannel m ? m : null));
    } else {
      for (ManagedChannel c : b.ownedChannels) {
        endpoints.add(new SessionLoop.Endpoint(c.authority(), AgentServiceGrpc.newStub(c), c));
      }
    }
    this.settings =
        new AgentSettings(
            b.deviceId,
            b.agentVersion,
            String.join(", ", endpoints.stream().map(SessionLoop.Endpoint::target).toList()),
            b.backoff,
            b.heartbeat,
            b.establishTimeout,
            b.stopTimeout,
            b.clock);
    this.driver = b.driver;
    this.store = b.store;
    this.ownedChannels = List.copyOf(b.ownedChannels);
    this.executors = new AgentExecutors(b.deviceId, b.scheduler, b.applyExecutor);
    this.sessions =
        new SessionLoop(
            settings,
            endpoints,
            executors,
            stats,
            new StateMessages(settings, driver, store, stats),
            new ApplyWorker(b.deviceId, driver, store, executors, stats));
    this.drift = new DriftReporter(b.deviceId, driver, executors, stats, sessions);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the session loop: dials the controller at once and keeps a session open until {@link
   * #stop()}. Returns without waiting for the connection.
   *
   * @throws IllegalStateException if already started
   */
  public void start() {
    sessions.markStarted();
    log.info(
        "agent {} (version {}) dialling controller {}: heartbeat {}, reconnect {}, state {}",
        settings.deviceId(),
        settings.agentVersion(),
        settings.target(),
        settings.heartbeat(),
        settings.backoff(),
        store);
    driver.onOutOfBandChange(drift::onOutOfBandChange);
    sessions.dialNow();
  }

  /**
   * Ends the session (half-closing the stream), stops reconnecting and releases the threads and the
   * channel the client made itself. Waits at most about twice the stop timeout for a running apply
   * to finish. Idempotent.
   */
  public void stop() {
    if (!sessions.stop()) {
      return;
    }
    Duration stopTimeout = settings.stopTimeout();
    try {
      executors.shutdown(stopTimeout);
      ownedChannels.forEach(ManagedChannel::shutdown);
      for (ManagedChannel c : ownedChannels) {
        if (!c.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          c.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executors.shutdownWorkerNow();
      ownedChannels.forEach(ManagedChannel::shutdownNow);
    }
    log.info("agent {} stopped", settings.deviceId());
  }

  @Override
  public void close() {
    stop();
  }

  // ---- observability ----

  /** True while a session is open and the controller has acknowledged its Hello. */
  public boolean isConnected() {
    return sessions.isConnected();
  }

  /** Sessions the controller acknowledged (its first message after our Hello). */
  public long connects() {
    return stats.connects.get();
  }

  /** Redials scheduled after a session ended or failed to open. */
  public long reconnectAttempts() {
    return stats.reconnectAttempts.get();
  }

  public long pushesReceived() {
    return stats.pushesReceived.get();
  }

  /** Pushes replaced by a newer one before they were applied. */
  public long pushesCoalesced() {
    return stats.pushesCoalesced.get();
  }

  /** Pushes applied whose configuration the router already carried. */
  public long pushesRedundant() {
    return stats.pushesRedundant.get();
  }

  /**
   * Pushes refused because they came from a lower term than the one followed (a deposed leader).
   */
  public long pushesRefused() {
    return stats.pushesRefused.get();
  }

  public long reportsSent() {
    return stats.reportsSent.get();
  }

  public long driftsSent() {
    return stats.driftsSent.get();
  }

  public long heartbeatsSent() {
    return stats.heartbeatsSent.get();
  }

  /** The backoff attempt the next redial uses; 0 after the controller acknowledged a session. */
  int backoffAttempt() {
    return sessions.backoffAttempt();
  }

  /** Builds an {@link AgentClient}; device id, driver and a channel or target are required. */
  public static final class Builder {
    private String deviceId;
    private String agentVersion = defaultVersion();
    private Driver driver;
    private AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    private Channel channel;
    private List<ManagedChannel> ownedChannels = List.of();
    private ScheduledExecutorService scheduler;
    private Executor applyExecutor;
    private Duration establishTimeout = Duration.ofSeconds(10);
    private Backoff backoff = Backoff.defaults();
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration stopTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder deviceId(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /** Reported in Hello; defaults to the jar's implementation version, or {@code dev}. */
    public Builder agentVersion(String agentVersion) {
      this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion");
      return this;
    }

    public Builder driver(Driver driver) {
      this.driver = driver;
      return this;
    }

    /** Where the applied generation survives restarts; defaults to memory only. */
    public Builder generationStore(AppliedGenerationStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * A channel to the controller that the caller owns (and shuts down); e.g. in-process in tests.
     */
    public Builder channel(Channel channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      this.ownedChannels = List.of();
      return this;
    }

    /**
     * Dial {@code host:port} over plaintext HTTP/2 with keepalive; the client owns the channel and
     * shuts it down on {@link #stop()}.
     */
    public Builder target(String hostPort) {
      return target(hostPort, InsecureChannelCredentials.create());
    }

    /**
     * Dial {@code host:port} with {@code credentials} (TLS with the device's certificate, normally:
     * the controller accepts a Hello only for the device the certificate names), with keepalive;
     * the client owns the channel and shuts it down on {@link #stop()}.
     */
    public Builder target(String hostPort, ChannelCredentials credentials) {
      return targets(List.of(hostPort), credentials);
    }

    /**
     * Dial the controllers at {@code hostPorts} with {@code credentials}, one after the other: a
     * session that ends (or that a controller which does not lead refuses) is followed by one to
     * the next, after the usual jittered backoff, so the agent ends up on the leader. The client
     * owns the channels and shuts them down on {@link #stop()}.
     *
     * @throws IllegalArgumentException if {@code hostPorts} is empty
     */
    public Builder targets(List<String> hostPorts, ChannelCredentials credentials) {
      if (hostPorts.isEmpty()) {
        throw new IllegalArgumentException("targets: at least one controller address");
      }
      List<ManagedChannel> channels = new ArrayList<>();
      for (String hostPort : hostPorts) {
        channels.add(
            Grpc.newChannelBuilder(hostPort, credentials)
                // A controller that stops answering (paused, or its host gone without a
                // reset) is left within 15 s, for the next one in the list.
                .keepAliveTime(10, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .build());
      }
      this.ownedChannels = List.copyOf(channels);
      this.channel = null;
      return this;
    }

    /**
     * Runs applies on a shared executor (still one at a time for this agent), so many agents in one
     * process share a few threads; the caller owns it. Default: a thread of the client's own.
     */
    public Builder applyExecutor(Executor executor) {
      this.applyExecutor = Objects.requireNonNull(executor, "applyExecutor");
      return this;
    }

    /**
     * Runs redial delays, heartbeats and drift coalescing; the caller owns it. Default: the
     * client's own.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public Builder heartbeatInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException(
            "heartbeatInterval: must be positive (got " + interval + ")");
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * How long one connection attempt may wait for the controller to answer its Hello before it is
     * abandoned and retried after a backoff. Default 10 s.
     */
    public Builder establishTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException(
            "establishTimeout: must be positive (got " + timeout + ")");
      }
      this.establishTimeout = timeout;
      return this;
    }

    /** How long {@link #stop()} waits for a running apply, and for an owned channel. */
    public Builder stopTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            "stopTimeout: must not be negative (got " + timeout + ")");
      }
      this.stopTimeout = timeout;
      return this;
    }

    /** Stamps heartbeats. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing or empty setting
     */
    public AgentClient build() {
      if (deviceId == null || deviceId.isEmpty()) {
        throw new IllegalArgumentException("deviceId: must be set");
      }
      if (driver == null) {
        throw new IllegalArgumentException("driver: must be set");
      }
      if (channel == null && ownedChannels.isEmpty()) {
        throw new IllegalArgumentException("channel: set channel(...) or target(host:port)");
      }
      return new AgentClient(this);
    }

    private static String defaultVersion() {
      String v = AgentClient.class.getPackage().getImplementationVersion();
      return v != null ? v : "dev";
    }
  }
}
