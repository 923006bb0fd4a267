package org.wayleave.controller.telemetry;

/**
 * The names routers' own OSes give their ports and sub-interfaces, as their agents report them
 * (Linux's {@code ge-0-0-1.100} for Wayleave's {@code ge-0/0/1.100}): SNMP's interface names are
 * matched against these. Implemented by the agents' sessions.
 */
@FunctionalInterface
public interface OsNames {
  /** Wayleave's names unchanged: routers whose OS uses them (the simulator's), or no agents. */
  OsNames SAME = (deviceId, wayleaveName) -> wayleaveName;

  /**
   * The name the OS of {@code deviceId} gives the port or sub-interface Wayleave calls {@code
   * wayleaveName}; {@code wayleaveName} itself when the agent reported none (or is not connected).
   */
  String osName(String deviceId, String wayleaveName);
}
