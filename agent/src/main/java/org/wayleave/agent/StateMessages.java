package org.wayleave.agent;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.AgentMessage;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.Heartbeat;
import org.wayleave.api.v1.Hello;

/**
 * Tells the controller, on one session, who the agent is and that it lives: the Hello that opens a
 * session (with the router's configuration as read now and the applied generation), then the
 * heartbeats. Hello reads the router, so it runs on the serial worker.
 */
final class StateMessages {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  private final AgentSettings settings;
  private final Driver driver;
  private final AppliedGenerationStore store;
  private final AgentStats stats;

  StateMessages(
      AgentSettings settings, Driver driver, AppliedGenerationStore store, AgentStats stats) {
    this.settings = settings;
    this.driver = driver;
    this.store = store;
    this.stats = stats;
  }

  /** Sends Hello; when the router cannot be read, cancels the session to try again later. */
  void sendHello(SessionStream s) {
    if (s.ended()) {
      return;
    }
    String deviceId = settings.deviceId();
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
    long applied = appliedGeneration();
    Hello hello =
        Hello.newBuilder()
            .setDeviceId(deviceId)
            .setAgentVersion(settings.agentVersion())
            .setAppliedGeneration(applied)
            .setActual(actual)
            .putAllOsNames(OsNames.of(driver, actual, deviceId))
            .setTerm(followedTerm())
            .build();
    if (s.send(AgentMessage.newBuilder().setHello(hello).build())) {
      s.markHelloSent();
      log.debug(
          "agent {}: Hello sent (applied generation {}, {} sub-interfaces)",
          deviceId,
          applied,
          actual.getSubInterfacesCount());
    }
  }

  /** The highest leader term followed, as stored; 0 if the store cannot be read. */
  private long followedTerm() {
    try {
      return store.term();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** The generation last applied, as stored; 0 if the store cannot be read. */
  private long appliedGeneration() {
    try {
      return store.load();
    } catch (RuntimeException e) {
      log.warn(
          "agent {}: cannot load applied generation ({}); reporting 0",
          settings.deviceId(),
          e.getMessage());
      return 0;
    }
  }

  /** Sends a heartbeat stamped with the clock's time, once Hello has gone. */
  void sendHeartbeat(SessionStream s) {
    if (!s.helloSent()) {
      return; // Hello goes first
    }
    Instant now = settings.clock().instant();
    Timestamp time =
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    if (s.send(
        AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setTime(time)).build())) {
      stats.heartbeatsSent.incrementAndGet();
    }
  }
}
