package org.wayleave.controller.telemetry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.wayleave.api.v1.SnmpVersion;
import org.wayleave.base.secrets.SecretProvider;
import org.wayleave.base.time.Ticker;
import org.wayleave.controller.telemetry.SnmpPoller.PollObserver;
import org.wayleave.controller.telemetry.SnmpPoller.PollResult;

/**
 * Runs polls of single devices, at most {@link TelemetryConfig#maxInFlight} at once (the rest wait
 * in a queue). One poll resolves the device's target and credentials when they changed (off the I/O
 * thread), discovers its v3 engine id when not yet known, walks IF-MIB with GETBULK (halving
 * max-repetitions on tooBig), and tells the listener and the observer how it ended.
 */
final class DevicePolls {
  private static final Logger log = LoggerFactory.getLogger(DevicePolls.class);

  private final TelemetryConfig config;
  private final SecretProvider secrets;
  private final PollListener listener;
  private final Clock clock;
  private final Ticker ticker;
  private final SnmpSession session;
  private final ExecutorService resolver;
  private final Object queueLock = new Object();
  private final ArrayDeque<Poll> waiting = new ArrayDeque<>();
  private int inFlight;

  // Totals since start, for SnmpPoller.Stats (skipped: polls not started, the last still running).
  final LongAdder polls = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder varbinds = new LongAdder();
  final LongAdder skipped = new LongAdder();
  private volatile PollObserver observer = (deviceId, result, nanos) -> {};

  DevicePolls(
      TelemetryConfig config,
      SecretProvider secrets,
      PollListener listener,
      Clock clock,
      Ticker ticker,
      SnmpSession session,
      ExecutorService resolver) {
    this.config = config;
    this.secrets = secrets;
    this.listener = listener;
    this.clock = clock;
    this.ticker = ticker;
    this.session = session;
    this.resolver = resolver;
  }

  void observe(PollObserver observer) {
    this.observer = observer;
  }

  /**
   * Queues a poll of {@code p} unless one is still running, which counts as skipped.
   *
   * @param done completed with whether the poll succeeded; may be null
   * @return false when skipped
   */
  boolean offer(PolledDevice p, CompletableFuture<Boolean> done) {
    if (!p.busy.compareAndSet(false, true)) {
      skipped.increment();
      return false;
    }
    synchronized (queueLock) {
      waiting.add(new Poll(p, done));
    }
    drain();
    return true;
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

  /** Stops the resolving thread. */
  void close() {
    resolver.shutdownNow();
  }

  /** One poll of one device, from leaving the queue to its end; hears snmp4j's answers. */
  private final class Poll implements ResponseListener {
    private final PolledDevice p;
    private final CompletableFuture<Boolean> done;
    private BulkWalk walk;
    private int maxRep;
    private Target<UdpAddress> target;
    private boolean discovering;
    private long startNanos;
    private PollResult failure = PollResult.ERROR;

    Poll(PolledDevice p, CompletableFuture<Boolean> done) {
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
        p.forget();
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
        session.send(pdu, t, this);
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
        discovered(response);
      } else {
        walked(response);
      }
    }

    /** The answer to the engine id probe: the walk starts once the engine id is known. */
    private void discovered(PDU response) {
      OctetString engineId = session.discoveredEngineId(p.resolved.address(), response);
      if (engineId == null) {
        fail("no SNMP engine id from " + p.resolved.address());
        return;
      }
      p.engineId = engineId;
      session.addUser(p.resolved.user(), engineId);
      startWalk();
    }

    /**
     * An answer to a GETBULK of the walk: the next request, a retry with fewer rows, or the end.
     */
    private void walked(PDU response) {
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
      tell(l -> l.polled(p.id, sample));
      finish(true);
    }

    private void fail(String reason) {
      failures.increment();
      p.consecutiveFailures++;
      if (p.consecutiveFailures >= 2) {
        // Forget the engine id: the router may have been replaced or re-keyed.
        p.settingsChanged = true;
      }
      tell(l -> l.failed(p.id, reason));
      finish(false);
    }

    /** Tells the listener how the poll went; what it throws is logged, not passed on. */
    private void tell(Consumer<PollListener> call) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        log.warn("device {}: telemetry listener failed", p.id, e);
      }
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
}
