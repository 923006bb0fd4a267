package org.wayleave.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Logging choices the launcher makes for its commands. */
final class Logs {
  private Logs() {}

  /**
   * Where one process runs a whole fleet of agents (the demo, the simulator), their per-agent lines
   * (dialling, session up, stopped: three per router) would bury everything else at INFO: they are
   * shown only when more detail was asked for ({@code WAYLEAVE_LOG_LEVEL=DEBUG}); warnings and
   * errors always are.
   */
  static void quietFleetOfAgents() {
    Logger agents = (Logger) LoggerFactory.getLogger("org.wayleave.agent");
    if (agents.getEffectiveLevel().isGreaterOrEqual(Level.INFO)) {
      agents.setLevel(Level.WARN);
    }
  }
}
