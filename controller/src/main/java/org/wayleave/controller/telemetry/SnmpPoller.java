package org.wayleave.controller.telemetry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.CounterSupport;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.MPv3;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityModels;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.USM;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.time.Ticker;

/**
 * Polls routers' IF-MIB over SNMP v2c or v3, asynchronously: one UDP socket, one I/O thread
 * (snmp4j's), one scheduling thread, whatever the fleet size.
 *
 * <p>Each device is polled every {@link TelemetryConfig#interval} from an offset of its own (a hash
 * of its id), so a fleet's polls spread over the interval instead of bursting. At most {@link
 * TelemetryConfig#maxInFlight} devices are polled at once; the rest wait in a queue. A device whose
 * poll is still running when its next one falls due skips that one. A request unanswered after
 * {@link TelemetryConfig#timeout} is retried {@link TelemetryConfig#retries} times; a device that
 * keeps failing is polled less often (2, 4, up to 8 intervals apart) until it answers again. A
 * silent router only ever holds its own slot: the others go on.
 *
 * <p>v3 engine ids are discovered once per device and cached; the USM user is localised to it once
 * (snmp4j keeps the localised keys). A changed device (address, credentials) starts afresh.
 */
public final class SnmpPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnmpPoller.class);

  /** Longest stretch between polls of a failing device, in intervals. */
  static final int MAX_BACKOFF = 8;

  private final TelemetryConfig config;
  private final SecretProvider secrets;
  private final PollListener listener;
  private final Clock clock;
  private final Ticker ticker;
  private final Snmp snmp;
  private final MPv3 mpv3;
  private final USM usm;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService resolver;
  private final Map<String, Polled> devices = new ConcurrentHashMap<>();
  private final Object queueLock = new Object();
  private final ArrayDeque<Poll> waiting = new ArrayDeque<>();
  private int inFlight;
  private volatile boolean started;
  private volatile boolean closed;

  private final LongAdder polls = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder varbinds = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private volatile PollObserver observer = (deviceId, result, nanos) -> {};

  /** How one poll ended, for {@link PollObserver}. */
  public enum PollResult {
    /** The router answered the whole walk. */
    SUCCESS,
    /** No answer after every try: the request timed out. */
    TIMEOUT,
    /** Any other failure: an SNMP error or report, a missing secret, an unresolvable address. */
    ERROR
  }

  /** Hears how each poll ended and how long it took; for metrics. */
  @FunctionalInterface
  public interface PollObserver {
    /**
     * Called once per poll, on the poller's I/O or resolver thread: keep it quick.
     *
     * @param durationNanos from the poll leaving the queue to its end, retries included
     */
    void pollEnded(String deviceId, PollResult result, long durationNanos);
  }

  public SnmpPoller(
      TelemetryConfig config, SecretProvider secrets, PollListener listener, Clock clock)
      throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Ticker.system();
    // Every protocol USM knows, so a device explicitly set to MD5, SHA-1 or DES can be polled;
    // which one a device gets is decided by its settings (SHA-256 and AES-128 when unset).
    SecurityProtocols protocols =
        new SecurityProtocols(SecurityProtocols.SecurityProtocolSet.maxCompatibility);
    byte[] localEngineId = MPv3.createLocalEngineID();
    this.usm = new USM(protocols, new OctetString(localEngineId), 0);
    this.mpv3 =
        new MPv3(
            localEngineId,
            null,
            protocols,
            SecurityModels.getCollection(new SecurityModel[] {usm}),
            CounterSupport.getInstance());
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(new MPv2c());
    dispatcher.addMessageProcessingModel(mpv3);
    DefaultUdpTransportMapping transport = new DefaultUdpTransportMapping();
    transport.setReceiveBufferSize(4 << 20);
    transport.setThreadName("snmp-poller-io");
    this.snmp = new Snmp(dispatcher, transport);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "snmp-poller-schedule");
              t.setDaemon(true);
              return t;
            });
    this.resolver =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "snmp-poller-resolve");
              t.setDaemon(true);
              return t;
            });
    snmp.listen();
  }

  /** Sets the one observer of poll outcomes (replacing any before). */
  public void observe(PollObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** Starts polling every known device (and each one added later) on its schedule. */
  public void start() {
    log.info(
        "SNMP polling: {} routers every {} s, timeout {} ms x {} tries, at most {} at once",
        devices.size(),
        config.interval().toSeconds(),
        config.timeout().toMillis(),
        config.retries() + 1,
        config.maxInFlight());
    started = true;
    for (Polled p : devices.values()) {
      scheduleFirst(p);
    }
  }

  /** Adds a device or updates its settings; a device without SNMP settings is removed. */
  public void upsert(Device d) {
    if (!d.hasSnmp() || d.getManagementAddress().isEmpty()) {
      remove(d.getId());
      return;
    }
    devices.compute(
        d.getId(),
        (id, p) -> {
          if (p == null) {
            Polled n = new Polled(d);
            if (started) {
              scheduleFirst(n);
            }
            return n;
          }
          p.update(d);
          return p;
        });
  }

  public void remove(String deviceId) {
    Polled p = devices.remove(deviceId);
    if (p != null) {
      p.removed = true;
      ScheduledFuture<?> f = p.next;
      if (f != null) {
        f.cancel(false);
      }
    }
  }

  /** Replaces the device set. */
  public void replaceAll(Collection<Device> all) {
    Set<String> keep = new HashSet<>();
    for (Device d : all) {
      upsert(d);
      keep.add(d.getId());
    }
    for (String id : List.copyOf(devices.keySet())) {
      if (!keep.contains(id)) {
        remove(id);
      }
    }
  }

  /**
   * Polls every device once now, outside the schedule, and completes when all have answered or
   * failed (for benchmarks and tests).
   *
   * @return how many polls succeeded
   */
  public CompletableFuture<Integer> pollAll() {
    List<CompletableFuture<Boolean>> all = new ArrayList<>();
    for (Polled p : devices.values()) {
      all.add(pollNow(p));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> (int) all.stream().filter(CompletableFuture::join).count());
  }

  /** Polls one device now; completes with whether the poll succeeded. */
  public CompletableFuture<Boolean> pollNow(String deviceId) {
    Polled p = devices.get(deviceId);
    if (p == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("device " + deviceId + " is not polled"));
    }
    return pollNow(p);
  }

  private CompletableFuture<Boolean> pollNow(Polled p) {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    if (!p.busy.compareAndSet(false, true)) {
      skipped.increment();
      done.complete(false);
      return done;
    }
    enqueue(new Poll(p, done));
    return done;
  }

  // ------------------------------------------------------------------ schedule

  private void scheduleFirst(Polled p) {
    long interval = config.interval().toNanos();
    long offset = Math.floorMod((long) p.id.hashCode() * 0x9E3779B97F4A7C15L, interval);
    p.dueNanos = ticker.read() + offset;
    schedule(p);
  }

  private void schedule(Polled p) {
    if (closed || p.removed) {
      return;
    }
    long delay = Math.max(0, p.dueNanos - ticker.read());
    p.next = scheduler.schedule(() -> due(p), delay, TimeUnit.NANOSECONDS);
  }

  private void due(Polled p) {
    if (p.removed || closed) {
      return;
    }
    int backoff = Math.min(MAX_BACKOFF, 1 << Math.min(p.consecutiveFailures, 3));
    p.dueNanos += config.interval().toNanos() * (p.consecutiveFailures == 0 ? 1 : backoff);
    long now = ticker.read();
    if (p.dueNanos < now) {
      // Fell behind (a paused JVM): realign instead of firing a burst of catch-up polls.
      p.dueNanos = now + config.interval().toNanos();
    }
    schedule(p);
    if (p.busy.compareAndSet(false, true)) {
      enqueue(new Poll(p, null));
    } else {
      skipped.increment();
    }
  }

  private void enqueue(Poll poll) {
    synchronized (queueLock) {
      waiting.add(poll);
    }
    drain();
  }

  private void drain() {
    List<Poll> start = new ArrayList<>();
    synchronized (queueLock) {
      while (inFlight < config.maxInFlight() && !waiting.isEmpty()) {
        inFlight++;
        start.add(waiting.poll());
      }
    }
    for (Poll poll : start) {
      poll.begin();
    }
  }

  // ------------------------------------------------------------------ one poll

  /** A device as the poller keeps it between polls. */
  private final class Polled {
    final String id;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile Device device;
    volatile boolean removed;
    volatile ScheduledFuture<?> next;
    long dueNanos;
    // Touched only by the poll that holds busy.
    SnmpTargets.Resolved resolved;
    OctetString engineId;
    List<IfMib.Column> columns = IfMib.ALL;
    int learnedRows;
    int consecutiveFailures;
    volatile boolean settingsChanged;

    Polled(Device d) {
      this.id = d.getId();
      this.device = d;
    }

    void update(Device d) {
      if (!d.equals(device)) {
        device = d;
        settingsChanged = true;
      }
    }
  }

  private final class Poll implements ResponseListener {
    private final Polled p;
    private final CompletableFuture<Boolean> done;
    private BulkWalk walk;
    private int maxRep;
    private Target<UdpAddress> target;
    private boolean discovering;
    private long startNanos;
    private PollResult failure = PollResult.ERROR;

    Poll(Polled p, CompletableFuture<Boolean> done) {
      this.p = p;
      this.done = done;
    }

    void begin() {
      startNanos = ticker.read();
      polls.increment();
      if (p.settingsChanged || p.resolved == null) {
        // Resolving may look up a host name and read secret files: never on the I/O thread.
        resolver.execute(this::resolveThenPoll);
      } else {
        poll();
      }
    }

    private void resolveThenPoll() {
      try {
        p.settingsChanged = false;
        p.resolved = null;
        p.engineId = null;
        p.columns = IfMib.ALL;
        p.learnedRows = 0;
        p.resolved = SnmpTargets.resolve(p.device, secrets, config.maxRepetitions());
      } catch (RuntimeException e) {
        fail("cannot poll: " + e.getMessage());
        return;
      }
      poll();
    }

    private void poll() {
      if (p.resolved.version() == SnmpVersion.SNMP_VERSION_V3 && p.engineId == null) {
        discover();
      } else {
        startWalk();
      }
    }

    private void discover() {
      discovering = true;
      ScopedPDU probe = new ScopedPDU();
      probe.setType(PDU.GET);
      send(probe, SnmpTargets.discovery(p.resolved, config.timeout().toMillis(), config.retries()));
    }

    private void startWalk() {
      discovering = false;
      target =
          SnmpTargets.target(p.resolved, p.engineId, config.timeout().toMillis(), config.retries());
      walk = new BulkWalk(p.columns);
      int configured = p.resolved.maxRepetitions();
      // A known table needs only its row count (and one to see the end) per column.
      maxRep = p.learnedRows > 0 ? Math.min(configured, p.learnedRows + 1) : configured;
      next();
    }

    private void next() {
      PDU pdu = p.resolved.version() == SnmpVersion.SNMP_VERSION_V3 ? new ScopedPDU() : new PDU();
      walk.prepare(pdu, maxRep);
      send(pdu, target);
    }

    private void send(PDU pdu, Target<UdpAddress> t) {
      requests.increment();
      try {
        snmp.send(pdu, t, null, this);
      } catch (IOException | RuntimeException e) {
        fail("cannot send to " + p.resolved.address() + ": " + e.getMessage());
      }
    }

    @Override
    public <A extends Address> void onResponse(ResponseEvent<A> event) {
      ((Snmp) event.getSource()).cancel(event.getRequest(), this);
      try {
        handle(event);
      } catch (RuntimeException e) {
        log.warn("device {}: unexpected error handling an SNMP answer", p.id, e);
        fail("unexpected error: " + e);
      }
    }

    private <A extends Address> void handle(ResponseEvent<A> event) {
      PDU response = event.getResponse();
      if (event.getError() != null) {
        fail("SNMP error from " + p.resolved.address() + ": " + event.getError().getMessage());
        return;
      }
      if (response == null) {
        failure = PollResult.TIMEOUT;
        fail(
            "no answer from "
                + p.resolved.address()
                + " after "
                + (config.retries() + 1)
                + " tries of "
                + config.timeout().toMillis()
                + " ms");
        return;
      }
      if (discovering) {
        OctetString engineId = mpv3.getEngineID(p.resolved.address());
        if ((engineId == null || engineId.length() == 0) && response instanceof ScopedPDU s) {
          engineId = s.getContextEngineID();
        }
        if (engineId == null || engineId.length() == 0) {
          fail("no SNMP engine id from " + p.resolved.address());
          return;
        }
        p.engineId = engineId;
        usm.addUser(p.resolved.user(), engineId);
        startWalk();
        return;
      }
      if (response.getType() == PDU.REPORT) {
        fail(report(response));
        return;
      }
      if (response.getErrorStatus() == PDU.tooBig && maxRep > 1) {
        maxRep = Math.max(1, maxRep / 2);
        log.debug("device {}: tooBig, max-repetitions now {}", p.id, maxRep);
        walk = new BulkWalk(p.columns);
        next();
        return;
      }
      if (response.getErrorStatus() != PDU.noError) {
        fail(
            "agent at "
                + p.resolved.address()
                + " answered "
                + response.getErrorStatusText()
                + " (index "
                + response.getErrorIndex()
                + ")");
        return;
      }
      varbinds.add(response.size());
      if (!walk.accept(response)) {
        next();
        return;
      }
      succeed();
    }

    private void succeed() {
      DeviceSample sample =
          new DeviceSample(ticker.read(), clock.millis(), walk.sysUpTime(), walk.rows());
      p.columns = walk.nextColumns();
      p.learnedRows = walk.rowCount();
      p.consecutiveFailures = 0;
      try {
        listener.polled(p.id, sample);
      } catch (RuntimeException e) {
        log.warn("device {}: telemetry listener failed", p.id, e);
      }
      finish(true);
    }

    private void fail(String reason) {
      failures.increment();
      p.consecutiveFailures++;
      if (p.consecutiveFailures >= 2) {
        // Forget the engine id: the router may have been replaced or re-keyed.
        p.settingsChanged = true;
      }
      try {
        listener.failed(p.id, reason);
      } catch (RuntimeException e) {
        log.warn("device {}: telemetry listener failed", p.id, e);
      }
      finish(false);
    }

    private void finish(boolean ok) {
      try {
        observer.pollEnded(p.id, ok ? PollResult.SUCCESS : failure, ticker.read() - startNanos);
      } catch (RuntimeException e) {
        log.warn("device {}: poll observer failed", p.id, e);
      }
      p.busy.set(false);
      synchronized (queueLock) {
        inFlight--;
      }
      if (done != null) {
        done.complete(ok);
      }
      drain();
    }
  }

  /** What a v3 REPORT says went wrong, in words. */
  static String report(PDU response) {
    if (response.size() == 0) {
      return "the agent sent an empty SNMP report";
    }
    VariableBinding vb = response.get(0);
    String why;
    if (vb.getOid().startsWith(SnmpConstants.usmStatsWrongDigests)) {
      why = "authentication failed (wrong auth passphrase or protocol)";
    } else if (vb.getOid().startsWith(SnmpConstants.usmStatsUnknownUserNames)) {
      why = "the agent does not know the user";
    } else if (vb.getOid().startsWith(SnmpConstants.usmStatsDecryptionErrors)) {
      why = "decryption failed (wrong privacy passphrase or protocol)";
    } else if (vb.getOid().startsWith(SnmpConstants.usmStatsUnsupportedSecLevels)) {
      why = "the agent does not support authPriv for the user";
    } else if (vb.getOid().startsWith(SnmpConstants.usmStatsNotInTimeWindows)) {
      why = "message not in the agent's time window";
    } else if (vb.getOid().startsWith(SnmpConstants.usmStatsUnknownEngineIDs)) {
      why = "unknown engine id";
    } else {
      why = "report " + vb.getOid();
    }
    return "SNMP v3: " + why;
  }

  // ------------------------------------------------------------------ figures

  /** Counters since start. */
  public record Stats(
      int devices, long polls, long failures, long requests, long varbinds, long skipped) {}

  public Stats stats() {
    return new Stats(
        devices.size(), polls.sum(), failures.sum(), requests.sum(), varbinds.sum(), skipped.sum());
  }

  /** Whether {@link #close} was called. */
  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    resolver.shutdownNow();
    try {
      snmp.close();
    } catch (IOException e) {
      log.debug("closing the SNMP session", e);
    }
  }
}
