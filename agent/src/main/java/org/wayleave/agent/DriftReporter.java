package org.wayleave.agent;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Drift;

/**
 * Reports changes made to the router behind the agent's back: the driver's out-of-band change
 * notices are coalesced for {@link #DRIFT_COALESCE}, then the router is read on the serial worker
 * and sent as one Drift on the current session.
 */
final class DriftReporter {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  /** Out-of-band changes within this window are reported as one Drift. */
  static final Duration DRIFT_COALESCE = Duration.ofMillis(50);

  private final String deviceId;
  private final Driver driver;
  private final AgentExecutors executors;
  private final AgentStats stats;
  private final SessionLoop sessions;

  private final AtomicBoolean driftQueued = new AtomicBoolean();

  DriftReporter(
      String deviceId,
      Driver driver,
      AgentExecutors executors,
      AgentStats stats,
      SessionLoop sessions) {
    this.deviceId = deviceId;
    this.driver = driver;
    this.executors = executors;
    this.stats = stats;
    this.sessions = sessions;
  }

  /** The driver's notice that the router changed out of band. */
  void onOutOfBandChange() {
    if (sessions.isStopped()) {
      return;
    }
    if (driftQueued.compareAndSet(false, true)) {
      if (executors.schedule(() -> executors.onWorker(this::sendDrift), DRIFT_COALESCE) == null) {
        driftQueued.set(false);
      }
    }
  }

  private void sendDrift() {
    // Cleared before reading, so a change after the read queues another Drift: the last is never
    // lost.
    driftQueued.set(false);
    SessionStream s = sessions.current();
    if (s == null || !s.helloSent() || s.ended()) {
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
    Drift drift =
        Drift.newBuilder()
            .setActual(actual)
            .putAllOsNames(OsNames.of(driver, actual, deviceId))
            .build();
    if (s.send(AgentMessage.newBuilder().setDrift(drift).build())) {
      stats.driftsSent.incrementAndGet();
      log.info(
          "agent {}: router changed out of band; Drift sent ({} sub-interfaces)",
          deviceId,
          actual.getSubInterfacesCount());
    }
  }
}
