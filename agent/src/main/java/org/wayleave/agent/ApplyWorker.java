package org.wayleave.agent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.ApplyResult;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.Push;
import org.wayleave.api.v1.Report;
import org.wayleave.base.config.ConfigDiff;

/**
 * Applies the controller's pushes through the {@link Driver}, one at a time on the serial worker,
 * and answers each with a Report on the session it came from. Pushes that arrive while an apply
 * runs coalesce: only the newest is applied next. A fully applied generation is recorded in the
 * {@link AppliedGenerationStore}.
 */
final class ApplyWorker {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  private final String deviceId;
  private final Driver driver;
  private final AppliedGenerationStore store;
  private final AgentExecutors executors;
  private final AgentStats stats;

  private final AtomicReference<PendingPush> pendingPush = new AtomicReference<>();
  private final AtomicBoolean applyQueued = new AtomicBoolean();

  private record PendingPush(SessionStream session, Push push) {}

  ApplyWorker(
      String deviceId,
      Driver driver,
      AppliedGenerationStore store,
      AgentExecutors executors,
      AgentStats stats) {
    this.deviceId = deviceId;
    this.driver = driver;
    this.store = store;
    this.executors = executors;
    this.stats = stats;
  }

  /** Takes a push from session {@code s}: it replaces any not yet applied, and is applied next. */
  void offer(SessionStream s, Push push) {
    stats.pushesReceived.incrementAndGet();
    PendingPush replaced = pendingPush.getAndSet(new PendingPush(s, push));
    if (replaced != null) {
      stats.pushesCoalesced.incrementAndGet();
      log.debug(
          "agent {}: push {} superseded by push {} before it was applied",
          deviceId,
          replaced.push.getGeneration(),
          push.getGeneration());
    }
    if (applyQueued.compareAndSet(false, true)) {
      executors.onWorker(this::applyPending);
    }
  }

  /** Forgets the push not yet applied, if any. */
  void dropPending() {
    pendingPush.set(null);
  }

  private void applyPending() {
    // Cleared before taking, so a push arriving from here on queues another run.
    applyQueued.set(false);
    PendingPush p = pendingPush.getAndSet(null);
    if (p == null) {
      return;
    }
    if (p.session.ended()) {
      // The controller reads our state from the next Hello and pushes again if needed.
      log.info(
          "agent {}: dropping push {} from a session that has ended",
          deviceId,
          p.push.getGeneration());
      return;
    }
    if (!follows(p.session, p.push)) {
      return;
    }
    Report report = applyAndDescribe(p.push);
    if (p.session.send(AgentMessage.newBuilder().setReport(report).build())) {
      stats.reportsSent.incrementAndGet();
    }
  }

  private Report applyAndDescribe(Push push) {
    long generation = push.getGeneration();
    Report.Builder r = Report.newBuilder().setGeneration(generation);
    try {
      apply(push, r);
    } catch (DriverException | RuntimeException e) {
      reject(generation, e, r);
    }
    if (r.getResult() == ApplyResult.APPLY_RESULT_APPLIED) {
      recordApplied(generation);
    }
    return ReportLimits.withinLimits(r).build();
  }

  /** Applies the push and describes what the driver did in {@code r}. */
  private void apply(Push push, Report.Builder r) throws DriverException {
    long generation = push.getGeneration();
    if (ConfigDiff.between(driver.read(), push.getDesired(), push.getKeepUnownedVlans())
        .isEmpty()) {
      // The router already carried this: the push was redundant (the controller should not send
      // these).
      stats.pushesRedundant.incrementAndGet();
    }
    ApplyOutcome outcome = driver.apply(push.getDesired(), push.getKeepUnownedVlans());
    r.setResult(
            outcome.complete()
                ? ApplyResult.APPLY_RESULT_APPLIED
                : ApplyResult.APPLY_RESULT_PARTIAL)
        .addAllItemErrors(outcome.itemErrors())
        .setActual(outcome.actual())
        .putAllOsNames(OsNames.of(driver, outcome.actual(), deviceId));
    if (!outcome.complete()) {
      log.warn(
          "agent {}: push {} applied in part; {} item(s) failed, first: {} {}",
          deviceId,
          generation,
          outcome.itemErrors().size(),
          outcome.itemErrors().get(0).getName(),
          outcome.itemErrors().get(0).getMessage());
    }
  }

  /** Describes in {@code r} a push the driver rejected or failed on, with the router as it is. */
  private void reject(long generation, Exception e, Report.Builder r) {
    if (e instanceof DriverException) {
      log.warn("agent {}: push {} rejected: {}", deviceId, generation, e.getMessage());
    } else {
      log.error("agent {}: driver failed on push {}", deviceId, generation, e);
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
    r.setResult(ApplyResult.APPLY_RESULT_REJECTED)
        .addItemErrors(ItemError.newBuilder().setMessage(message));
    try {
      DeviceConfig actual = driver.read();
      r.setActual(actual).putAllOsNames(OsNames.of(driver, actual, deviceId));
    } catch (DriverException | RuntimeException unreadable) {
      // Leave actual unset: we do not know what the router carries.
    }
  }

  /**
   * Whether {@code push} comes from the leader the agent follows: its term is at least the highest
   * one followed (a higher term is remembered before anything is applied). A lower term is a
   * deposed leader's: nothing of it is applied, and the session ends so the agent dials again.
   */
  private boolean follows(SessionStream session, Push push) {
    long followed;
    try {
      followed = store.term();
    } catch (RuntimeException e) {
      followed = 0;
    }
    if (push.getTerm() < followed) {
      stats.pushesRefused.incrementAndGet();
      log.warn(
          "agent {}: push {} comes from term {}, below term {} already followed: a deposed"
              + " controller; nothing applied, dialling again",
          deviceId,
          push.getGeneration(),
          push.getTerm(),
          followed);
      session.cancel("push from term " + push.getTerm() + ", below term " + followed);
      return false;
    }
    if (push.getTerm() > followed) {
      try {
        store.save(store.load(), push.getTerm());
      } catch (RuntimeException e) {
        log.error("agent {}: cannot record term {}: {}", deviceId, push.getTerm(), e.getMessage());
      }
    }
    return true;
  }

  private void recordApplied(long generation) {
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
}
