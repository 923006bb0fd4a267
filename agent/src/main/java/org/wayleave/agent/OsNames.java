package org.wayleave.agent;

import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.DeviceConfig;

/**
 * The driver's {@link Driver#osNames} as the agent sends them: entries the contract refuses (an
 * empty name, or one over {@value #MAX_CHARS} characters, southbound.proto) are left out, and a
 * driver that fails to say gives none, so neither ends the session nor loses the message.
 */
final class OsNames {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  /** Most characters of a key or a name in {@code os_names} (southbound.proto). */
  static final int MAX_CHARS = 64;

  private OsNames() {}

  static Map<String, String> of(Driver driver, DeviceConfig actual, String deviceId) {
    Map<String, String> names;
    try {
      names = driver.osNames(actual);
    } catch (RuntimeException e) {
      log.warn("agent {}: driver cannot name its interfaces: {}", deviceId, e.getMessage());
      return Map.of();
    }
    if (names == null || names.isEmpty()) {
      return Map.of();
    }
    Map<String, String> kept = new TreeMap<>();
    names.forEach(
        (name, osName) -> {
          if (fits(name) && fits(osName)) {
            kept.put(name, osName);
          } else {
            log.warn("agent {}: OS name of {} left out: empty or too long", deviceId, name);
          }
        });
    return kept;
  }

  private static boolean fits(String s) {
    return s != null && !s.isEmpty() && s.length() <= MAX_CHARS;
  }
}
