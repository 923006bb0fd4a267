package org.wayleave.controller.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.PortRole;
import org.wayleave.api.v1.Termination;

/**
 * The rules a device port enforces across circuits: one c-tag per (device, port, s-tag), so no two
 * circuits share a termination, and committed bandwidth within the port speed. A conflict is blamed
 * on the batch items that caused it.
 */
final class PortCheck {
  private PortCheck() {}

  private record Use(Circuit circuit, String end, Termination t) {}

  static void check(
      StateView s, String device, String portName, Map<String, String> fieldOf, Violations v) {
    Device d = s.get(Kind.DEVICE, device);
    List<Use> uses = uses(s, device, portName);
    if (uses.isEmpty() || d == null) {
      return;
    }
    Port port = References.port(d, portName);
    OnePort checked = new OnePort(device, portName, uses, fieldOf, v);
    if (port == null || port.getRole() == PortRole.PORT_ROLE_MANAGEMENT) {
      checked.refuseLosingPort(port);
      return;
    }
    checked.checkTags();
    checked.checkBandwidth(port);
  }

  /** The circuit ends on {@code portName} of {@code device}. */
  private static List<Use> uses(StateView s, String device, String portName) {
    List<Use> uses = new ArrayList<>();
    for (String id : s.circuitsOn(device, portName)) {
      Circuit c = s.get(Kind.CIRCUIT, id);
      for (CircuitEnds.End e : CircuitEnds.named(c)) {
        if (e.termination().getDevice().equals(device)
            && e.termination().getPort().equals(portName)) {
          uses.add(new Use(c, e.field(), e.termination()));
        }
      }
    }
    return uses;
  }

  /**
   * The checks of one port that carries circuits ({@code uses}); a conflict is recorded in {@code
   * v} against the batch item {@code fieldOf} names, and not at all when none does.
   */
  private record OnePort(
      String device, String portName, List<Use> uses, Map<String, String> fieldOf, Violations v) {

    /** The port was removed ({@code port} null) or made a management port. */
    void refuseLosingPort(Port port) {
      String field = fieldOf.get(Kind.DEVICE.name() + "/" + device);
      if (field != null) {
        v.add(
            ErrorCode.FAILED_PRECONDITION,
            prefixed(field, "ports"),
            "port '"
                + portName
                + "' carries circuit(s) "
                + ids(uses)
                + (port == null ? " and cannot be removed" : " and cannot become a management port")
                + "; move or delete them first");
      }
    }

    /** One c-tag per (device, port, s-tag): a clash is blamed on the later user in the batch. */
    void checkTags() {
      Map<String, Use> byTag = new TreeMap<>();
      for (Use u : uses) {
        if (!u.t.hasCTag()) {
          continue;
        }
        String tag = (u.t.hasSTag() ? u.t.getSTag() : 0) + "/" + u.t.getCTag();
        Use first = byTag.putIfAbsent(tag, u);
        if (first != null) {
          Use blamed = fieldOf.containsKey(key(u)) ? u : first;
          Use other = blamed == u ? first : u;
          String field = fieldOf.get(key(blamed));
          if (field == null) {
            continue;
          }
          v.add(
              ErrorCode.FAILED_PRECONDITION,
              prefixed(field, "spec." + blamed.end + ".c_tag"),
              "VLAN "
                  + blamed.t.getCTag()
                  + (blamed.t.hasSTag() ? " (s-tag " + blamed.t.getSTag() + ")" : "")
                  + " on port "
                  + portName
                  + " of device '"
                  + device
                  + "' is already used by circuit "
                  + other.circuit.getId()
                  + " (one c-tag per device, port and s-tag)");
        }
      }
    }

    /**
     * Committed bandwidth within the port speed: an excess is blamed on the first circuit in the
     * batch, else on the device (its port got slower).
     */
    void checkBandwidth(Port port) {
      long committed = 0;
      for (Use u : uses) {
        committed += u.circuit.getSpec().getCommittedMbps();
      }
      if (committed <= port.getSpeedMbps()) {
        return;
      }
      for (Use u : uses) {
        String field = fieldOf.get(key(u));
        if (field != null) {
          v.add(
              ErrorCode.FAILED_PRECONDITION,
              prefixed(field, "spec.committed_mbps"),
              "port "
                  + portName
                  + " of device '"
                  + device
                  + "' would carry "
                  + committed
                  + " Mbit/s of committed bandwidth, over its speed of "
                  + port.getSpeedMbps()
                  + " Mbit/s (oversubscribed)");
          return;
        }
      }
      String devField = fieldOf.get(Kind.DEVICE.name() + "/" + device);
      if (devField != null) {
        v.add(
            ErrorCode.FAILED_PRECONDITION,
            prefixed(devField, "ports"),
            "port "
                + portName
                + " carries "
                + committed
                + " Mbit/s of committed bandwidth, over its new speed of "
                + port.getSpeedMbps()
                + " Mbit/s");
      }
    }
  }

  private static String key(Use u) {
    return Kind.CIRCUIT.name() + "/" + u.circuit.getId();
  }

  private static String prefixed(String prefix, String field) {
    return prefix.isEmpty() ? field : prefix + "." + field;
  }

  private static String ids(List<Use> uses) {
    return uses.stream().map(u -> u.circuit.getId()).distinct().sorted().toList().toString();
  }
}
