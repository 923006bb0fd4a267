package org.wayleave.agent;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.AgentServiceGrpc;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.ControllerMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;
import org.wayleave.api.v1.Heartbeat;
import org.wayleave.api.v1.Hello;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.OptionsProto;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.Report;
import org.wayleave.base.config.ConfigDiff;
import org.wayleave.base.time.Backoff;

/**
 * One device's agent session with the controller: dials {@code AgentService.Connect}, says Hello,
 * applies pushes through the {@link Driver} and reports, sends heartbeats and drift, and redials
 * with capped, jittered backoff whenever the stream ends, until {@link #stop()}.
 *
 * <p>Every driver call (the read for Hello, each apply, the read for Drift) runs on one serial
 * worker thread, so two applies never overlap and a Hello never reports a half-applied router.
 * Pushes that arrive while an apply runs coalesce: only the newest is applied next.
 */
public final class AgentClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

  /** Out-of-band changes within this window are reported as one Drift. */
  static final Duration DRIFT_COALESCE = Duration.ofMillis(50);

  private final String deviceId;
  private final String agentVersion;
  private final Driver driver;
  private final AppliedGenerationStore store;
  private final AgentServiceGrpc.AgentServiceStub stub;
  private final String target;
  private final ManagedChannel ownedChannel;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ExecutorService worker;
  private final Backoff backoff;
  private final Duration heartbeat;
  private final Duration stopTimeout;
  private final Duration establishTimeout;

  /** The channel whose connection this client steers (its own, or a managed one it was given). */
  private final ManagedChannel steered;

  private final Clock clock;

  private final Object lock = new Object();
  // Guarded by lock.
  private boolean started;
  private volatile boolean stopped;
  private Session current;
  private ScheduledFuture<?> reconnectTask;
  private int attempt;

  private final AtomicReference<PendingPush> pendingPush = new AtomicReference<>();
  private final AtomicBoolean applyQueued = new AtomicBoolean();
  private final AtomicBoolean driftQueued = new AtomicBoolean();

  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong reconnectAttempts = new AtomicLong();
  private final AtomicLong pushesReceived = new AtomicLong();
  private final AtomicLong pushesCoalesced = new AtomicLong();
  private final AtomicLong pushesRedundant = new AtomicLong();
  private final AtomicLong reportsSent = new AtomicLong();
  private final AtomicLong driftsSent = new AtomicLong();
  private final AtomicLong heartbeatsSent = new AtomicLong();

  private record PendingPush(Session session, Push push) {}

  private AgentClient(Builder b) {
    this.deviceId = b.deviceId;
    this.agentVersion = b.agentVersion;
    this.driver = b.driver;
    this.store = b.store;
    this.ownedChannel = b.ownedChannel;
    Channel channel = b.channel != null ? b.channel : b.ownedChannel;
    this.target = channel.authority();
    this.stub = AgentServiceGrpc.newStub(channel);
    this.ownsScheduler = b.scheduler == null;
    this.scheduler =
        b.scheduler != null
            ? b.scheduler
            : Executors.newSingleThreadScheduledExecutor(
                daemon("wayleave-agent-timer-" + deviceId));
    this.worker =
        b.applyExecutor != null
            ? new SerialExecutor(b.applyExecutor)
            : Executors.newSingleThreadExecutor(daemon("wayleave-agent-apply-" + deviceId));
    this.backoff = b.backoff;
    this.heartbeat = b.heartbeat;
    this.stopTimeout = b.stopTimeout;
    this.establishTimeout = b.establishTimeout;
    this.steered =
        ownedChannel != null ? ownedChannel : b.channel instanceof ManagedChannel m ? m : null;
    this.clock = b.clock;
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
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("agent client for " + deviceId + " already started");
      }
      started = true;
    }
    log.info(
        "agent {} (version {}) dialling controller {}: heartbeat {}, reconnect {}, state {}",
        deviceId,
        agentVersion,
        target,
        heartbeat,
        backoff,
        store);
    driver.onOutOfBandChange(this::onOutOfBandChange);
    scheduleOnTimer(this::connect, Duration.ZERO);
  }

  /**
   * Ends the session (half-closing the stream), stops reconnecting and releases the threads and the
   * channel the client made itself. Waits at most about twice the stop timeout for a running apply
   * to finish. Idempotent.
   */
  public void stop() {
    Session s;
    synchronized (lock) {
      if (stopped) {
        return;
      }
      stopped = true;
      if (reconnectTask != null) {
        reconnectTask.cancel(false);
      }
      s = current;
      current = null;
    }
    pendingPush.set(null);
    if (s != null) {
      s.close();
    }
    worker.shutdown();
    try {
      if (!worker.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("agent {}: apply still running after {}; interrupting it", deviceId, stopTimeout);
        worker.shutdownNow();
      }
      if (ownsScheduler) {
        scheduler.shutdownNow();
      }
      if (ownedChannel != null) {
        ownedChannel.shutdown();
        if (!ownedChannel.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          ownedChannel.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
      if (ownedChannel != null) {
        ownedChannel.shutdownNow();
      }
    }
    log.info("agent {} stopped", deviceId);
  }

  @Override
  public void close() {
    stop();
  }

  // ---- observability ----

  /** True while a session is open and the controller has acknowledged its Hello. */
  public boolean isConnected() {
    synchronized (lock) {
      return current != null && current.acknowledged && !current.ended.get();
    }
  }

  /** Sessions the controller acknowledged (its first message after our Hello). */
  public long connects() {
    return connects.get();
  }

  /** Redials scheduled after a session ended or failed to open. */
  public long reconnectAttempts() {
    return reconnectAttempts.get();
  }

  public long pushesReceived() {
    return pushesReceived.get();
  }

  /** Pushes replaced by a newer one before they were applied. */
  public long pushesCoalesced() {
    return pushesCoalesced.get();
  }

  /** Pushes applied whose configuration the router already carried. */
  public long pushesRedundant() {
    return pushesRedundant.get();
  }

  public long reportsSent() {
    return reportsSent.get();
  }

  public long driftsSent() {
    return driftsSent.get();
  }

  public long heartbeatsSent() {
    return heartbeatsSent.get();
  }

  /** The backoff attempt the next redial uses; 0 after the controller acknowledged a session. */
  int backoffAttempt() {
    synchronized (lock) {
      return attempt;
    }
  }

  // ---- session lifecycle ----

  private void connect() {
    Session s = new Session();
    synchronized (lock) {
      if (stopped) {
        return;
      }
      reconnectTask = null;
      current = s;
    }
    // This attempt's moment was chosen by our own jittered backoff: make the channel try to connect
    // now, not at its own (barely jittered) reconnect schedule, which would line up every agent
    // that
    // lost the controller at the same moment. Open the stream once that attempt has settled.
    if (steered != null) {
      steered.resetConnectBackoff();
      awaitConnection(s, steered.getState(true), System.nanoTime() + establishTimeout.toNanos());
    } else {
      openStream(s);
    }
  }

  /**
   * Opens the stream once the channel is READY; a failed or slow connection is a failed attempt.
   */
  private void awaitConnection(Session s, ConnectivityState state, long deadlineNanos) {
    if (s.ended.get()) {
      return;
    }
    switch (state) {
      case READY -> openStream(s);
      case TRANSIENT_FAILURE, SHUTDOWN ->
          s.end(Status.UNAVAILABLE.withDescription("cannot connect to the controller"));
      default -> {
        if (System.nanoTime() > deadlineNanos) {
          s.end(
              Status.DEADLINE_EXCEEDED.withDescription(
                  "no connection to the controller within " + establishTimeout));
          return;
        }
        steered.notifyWhenStateChanged(
            state, () -> awaitConnection(s, steered.getState(false), deadlineNanos));
        scheduleOnTimer(
            () -> {
              if (!s.streamOpened && !s.ended.get()) {
                s.end(
                    Status.DEADLINE_EXCEEDED.withDescription(
                        "no connection to the controller within " + establishTimeout));
              }
            },
            establishTimeout);
      }
    }
  }

  private void openStream(Session s) {
    synchronized (s) {
      if (s.streamOpened || s.ended.get()) {
        return;
      }
      s.streamOpened = true;
    }
    try {
      stub.connect(s);
    } catch (RuntimeException e) {
      s.end(Status.fromThrowable(e));
      return;
    }
    scheduleOnTimer(
        () -> {
          if (!s.acknowledged && !s.ended.get()) {
            log.warn(
                "agent {}: no answer from controller {} within {}; will retry",
                deviceId,
                target,
                establishTimeout);
            s.cancel("no answer from the controller within " + establishTimeout);
          }
        },
        establishTimeout);
    s.cancelIfEnded(); // stop() may have run while the call was starting
    s.startHeartbeats();
    onWorker(() -> sendHello(s));
  }

  private void onEstablished(Session s) {
    synchronized (lock) {
      if (current != s) {
        return;
      }
      attempt = 0;
    }
    connects.incrementAndGet();
    log.info("agent {}: session with controller {} established", deviceId, target);
  }

  private void onSessionEnded(Session s, Status status) {
    Duration delay;
    int thisAttempt;
    synchronized (lock) {
      if (current != s || stopped) {
        return;
      }
      current = null;
      thisAttempt = attempt;
      // Bounded so the counter cannot overflow; Backoff caps long before.
      attempt = Math.min(attempt + 1, 1_000);
      delay = backoff.delay(thisAttempt);
      reconnectAttempts.incrementAndGet();
      reconnectTask = scheduleOnTimer(this::connect, delay);
    }
    // Expected in a network's life: one line, no stack trace.
    String why =
        status.isOk()
            ? "controller closed the session"
            : status.getCode()
                + (status.getDescription() != null ? ": " + status.getDescription() : "");
    log.warn(
        "agent {}: session with controller {} ended ({}); redialling in {} ms (attempt {})",
        deviceId,
        target,
        why,
        delay.toMillis(),
        thisAttempt + 1);
  }

  private ScheduledFuture<?> scheduleOnTimer(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: timer is shut down, dropping task", deviceId);
      return null;
    }
  }

  private void onWorker(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: worker is shut down, dropping task", deviceId);
    }
  }

  // ---- messages (driver work runs on the worker) ----

  private void sendHello(Session s) {
    if (s.ended.get()) {
      return;
    }
    DeviceConfig actual;
    try {
      actual = driver.read();
    } catch (DriverException | RuntimeException e) {
      // Without the router's state a Hello would be a guess; try again later instead.
      log.warn(
          "agent {}: cannot read the router for Hello ({}); ending the session",
          deviceId,
          e.getMessage());
      s.cancel("agent cannot read its router: " + e.getMessage());
      return;
    }
    long applied;
    try {
      applied = store.load();
    } catch (RuntimeException e) {
      log.warn(
          "agent {}: cannot load applied generation ({}); reporting 0", deviceId, e.getMessage());
      applied = 0;
    }
    Hello hello =
        Hello.newBuilder()
            .setDeviceId(deviceId)
            .setAgentVersion(agentVersion)
            .setAppliedGeneration(applied)
            .setActual(actual)
            .build();
    if (s.send(AgentMessage.newBuilder().setHello(hello).build())) {
      s.helloSent = true;
      log.debug(
          "agent {}: Hello sent (applied generation {}, {} sub-interfaces)",
          deviceId,
          applied,
          actual.getSubInterfacesCount());
    }
  }

  private void onPush(Session s, Push push) {
    pushesReceived.incrementAndGet();
    PendingPush replaced = pendingPush.getAndSet(new PendingPush(s, push));
    if (replaced != null) {
      pushesCoalesced.incrementAndGet();
      log.debug(
          "agent {}: push {} superseded by push {} before it was applied",
          deviceId,
          replaced.push.getGeneration(),
          push.getGeneration());
    }
    if (applyQueued.compareAndSet(false, true)) {
      onWorker(this::applyPending);
    }
  }

  private void applyPending() {
    // Cleared before taking, so a push arriving from here on queues another run.
    applyQueued.set(false);
    PendingPush p = pendingPush.getAndSet(null);
    if (p == null) {
      return;
    }
    if (p.session.ended.get()) {
      // The controller reads our state from the next Hello and pushes again if needed.
      log.info(
          "agent {}: dropping push {} from a session that has ended",
          deviceId,
          p.push.getGeneration());
      return;
    }
    Report report = applyAndDescribe(p.push);
    if (p.session.send(AgentMessage.newBuilder().setReport(report).build())) {
      reportsSent.incrementAndGet();
    }
  }

  private Report applyAndDescribe(Push push) {
    long generation = push.getGeneration();
    Report.Builder r = Report.newBuilder().setGeneration(generation);
    try {
      if (ConfigDiff.between(driver.read(), push.getDesired(), push.getKeepUnownedVlans())
          .isEmpty()) {
        // The router already carried this: the push was redundant (the controller should not send
        // these).
        pushesRedundant.incrementAndGet();
      }
      ApplyOutcome outcome = driver.apply(push.getDesired(), push.getKeepUnownedVlans());
      r.setResult(
              outcome.complete()
                  ? ApplyResult.APPLY_RESULT_APPLIED
                  : ApplyResult.APPLY_RESULT_PARTIAL)
          .addAllItemErrors(outcome.itemErrors())
          .setActual(outcome.actual());
      if (!outcome.complete()) {
        log.warn(
            "agent {}: push {} applied in part; {} item(s) failed, first: {} {}",
            deviceId,
            generation,
            outcome.itemErrors().size(),
            outcome.itemErrors().get(0).getName(),
            outcome.itemErrors().get(0).getMessage());
      }
    } catch (DriverException | RuntimeException e) {
      if (e instanceof DriverException) {
        log.warn("agent {}: push {} rejected: {}", deviceId, generation, e.getMessage());
      } else {
        log.error("agent {}: driver failed on push {}", deviceId, generation, e);
      }
      String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
      r.setResult(ApplyResult.APPLY_RESULT_REJECTED)
          .addItemErrors(ItemError.newBuilder().setMessage(message));
      try {
        r.setActual(driver.read());
      } catch (DriverException | RuntimeException unreadable) {
        // Leave actual unset: we do not know what the router carries.
      }
    }
    if (r.getResult() == ApplyResult.APPLY_RESULT_APPLIED) {
      try {
        store.save(generation);
      } catch (RuntimeException e) {
        log.error(
            "agent {}: applied generation {} but could not record it: {}",
            deviceId,
            generation,
            e.getMessage());
      }
    }
    return withinLimits(r).build();
  }

  /**
   * Most item errors a Report may carry (southbound.proto); the controller ends the stream over it.
   */
  static final int MAX_ITEM_ERRORS = 4096;

  /**
   * The report cut to the contract's limits (its fields' {@code max_chars}, at most {@value
   * #MAX_ITEM_ERRORS} item errors): a driver's long message must not make the controller end the
   * session as a protocol error.
   */
  static Report.Builder withinLimits(Report.Builder r) {
    if (r.getItemErrorsCount() > MAX_ITEM_ERRORS) {
      List<ItemError> kept = new ArrayList<>(r.getItemErrorsList().subList(0, MAX_ITEM_ERRORS));
      r.clearItemErrors().addAllItemErrors(kept);
    }
    for (int i = 0; i < r.getItemErrorsCount(); i++) {
      ItemError.Builder e = r.getItemErrors(i).toBuilder();
      for (Descriptors.FieldDescriptor f : ItemError.getDescriptor().getFields()) {
        int max = f.getOptions().getExtension(OptionsProto.maxChars);
        String text = (String) e.getField(f);
        if (max > 0 && text.length() > max) {
          e.setField(f, text.substring(0, max - 1) + "\u2026");
        }
      }
      r.setItemErrors(i, e);
    }
    return r;
  }

  private void onOutOfBandChange() {
    if (stopped) {
      return;
    }
    if (driftQueued.compareAndSet(false, true)) {
      if (scheduleOnTimer(() -> onWorker(this::sendDrift), DRIFT_COALESCE) == null) {
        driftQueued.set(false);
      }
    }
  }

  private void sendDrift() {
    // Cleared before reading, so a change after the read queues another Drift: the last is never
    // lost.
    driftQueued.set(false);
    Session s;
    synchronized (lock) {
      s = current;
    }
    if (s == null || !s.helloSent || s.ended.get()) {
      return; // the next Hello carries the router's state
    }
    DeviceConfig actual;
    try {
      actual = driver.read();
    } catch (DriverException | RuntimeException e) {
      log.warn(
          "agent {}: router changed but cannot be read ({}); no Drift sent",
          deviceId,
          e.getMessage());
      return;
    }
    if (s.send(AgentMessage.newBuilder().setDrift(Drift.newBuilder().setActual(actual)).build())) {
      driftsSent.incrementAndGet();
      log.info(
          "agent {}: router changed out of band; Drift sent ({} sub-interfaces)",
          deviceId,
          actual.getSubInterfacesCount());
    }
  }

  private void sendHeartbeat(Session s) {
    if (!s.helloSent) {
      return; // Hello goes first
    }
    Instant now = clock.instant();
    Timestamp time =
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    if (s.send(
        AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTime(time)).build())) {
      heartbeatsSent.incrementAndGet();
    }
  }

  /** One Connect stream. */
  private final class Session implements ClientResponseObserver<AgentMessage, ControllerMessage> {
    final AtomicBoolean ended = new AtomicBoolean();
    boolean streamOpened; // guarded by this
    volatile boolean helloSent;
    volatile boolean acknowledged;
    private ClientCallStreamObserver<AgentMessage> requests; // guarded by this
    private ScheduledFuture<?> heartbeats; // guarded by this

    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
      this.requests = requestStream;
    }

    @Override
    public void onNext(ControllerMessage m) {
      if (ended.get()) {
        return;
      }
      if (!acknowledged) {
        acknowledged = true;
        onEstablished(this);
      }
      switch (m.getMsgCase()) {
        case PUSH -> onPush(this, m.getPush());
        case PING -> log.debug("agent {}: ping {}", deviceId, m.getPing().getNonce());
        default -> log.debug("agent {}: ignoring unknown controller message", deviceId);
      }
    }

    @Override
    public void onError(Throwable t) {
      end(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end(Status.OK);
    }

    synchronized void startHeartbeats() {
      if (!ended.get()) {
        long nanos = heartbeat.toNanos();
        heartbeats =
            scheduler.scheduleAtFixedRate(
                () -> sendHeartbeat(this), nanos, nanos, TimeUnit.NANOSECONDS);
      }
    }

    /** Sends one message; false if the session has ended or the send failed. */
    synchronized boolean send(AgentMessage m) {
      if (ended.get()) {
        return false;
      }
      try {
        requests.onNext(m);
        return true;
      } catch (RuntimeException e) {
        log.debug("agent {}: send failed: {}", deviceId, e.toString());
        return false;
      }
    }

    /** The stream ended on the controller's side (or failed): redial. */
    void end(Status status) {
      if (ended.compareAndSet(false, true)) {
        stopHeartbeats();
        onSessionEnded(this, status);
      }
    }

    /** Ends the session from our side because we cannot serve it, then redial. */
    void cancel(String why) {
      if (ended.compareAndSet(false, true)) {
        stopHeartbeats();
        synchronized (this) {
          if (requests != null) {
            requests.cancel(why, null);
          }
        }
        onSessionEnded(this, Status.CANCELLED.withDescription(why));
      }
    }

    /** Ends the session from our side for good: half-close, then cancel so nothing lingers. */
    void close() {
      if (ended.compareAndSet(false, true)) {
        stopHeartbeats();
        synchronized (this) {
          if (requests != null) {
            try {
              requests.onCompleted();
            } catch (RuntimeException e) {
              log.debug("agent {}: half-close failed: {}", deviceId, e.toString());
            }
            try {
              requests.cancel("agent stopping", null);
            } catch (RuntimeException e) {
              // grpc-java's in-process transport can throw here when the server has not yet seen
              // the
              // stream (a start at once followed by a stop); stopping must still succeed.
              log.debug("agent {}: cancel failed: {}", deviceId, e.toString());
            }
          }
        }
      }
    }

    /** Cancels a call that started after the session was already closed. */
    synchronized void cancelIfEnded() {
      if (ended.get() && requests != null) {
        requests.cancel("agent stopping", null);
      }
    }

    private synchronized void stopHeartbeats() {
      if (heartbeats != null) {
        heartbeats.cancel(false);
      }
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds an {@link AgentClient}; device id, driver and a channel or target are required. */
  public static final class Builder {
    private String deviceId;
    private String agentVersion = defaultVersion();
    private Driver driver;
    private AppliedGenerationStore store = new AppliedGenerationStore.InMemory();
    private Channel channel;
    private ManagedChannel ownedChannel;
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
      this.ownedChannel = null;
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
      this.ownedChannel =
          Grpc.newChannelBuilder(hostPort, credentials)
              .keepAliveTime(30, TimeUnit.SECONDS)
              .keepAliveTimeout(10, TimeUnit.SECONDS)
              .build();
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
      if (channel == null && ownedChannel == null) {
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
