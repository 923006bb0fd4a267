package org.wayleave.simulator.snmp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wayleave.agent.SimRouter;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.simulator.SimDevice.PortSpec;

/**
 * The interfaces of one {@link RouterMib} and their IF-MIB rows: one per physical port (ifIndex
 * 1..n in the router's port order) and one per VLAN sub-interface (the next free ifIndex when first
 * seen, kept while it exists and never given to another name within one boot), each with its
 * running {@link IfState}. Guarded by the MIB.
 */
final class InterfaceTable {
  private final List<PortSpec> ports;
  private final Map<String, IfState> portStates = new LinkedHashMap<>();
  private final Map<String, IfState> subStates = new LinkedHashMap<>();
  private int nextIfIndex;

  /**
   * @param ports the router's physical ports in order (their ifIndex is 1..n)
   */
  InterfaceTable(List<PortSpec> ports) {
    this.ports = List.copyOf(ports);
    boot();
  }

  /** Fresh port states and an empty sub-interface index: the state right after a boot. */
  void boot() {
    portStates.clear();
    subStates.clear();
    int index = 1;
    for (PortSpec p : ports) {
      IfState s = new IfState(p.name(), true, index++);
      s.speedMbps = p.speedMbps();
      s.alias = p.description();
      portStates.put(p.name(), s);
    }
    nextIfIndex = index;
  }

  /** Takes in the router's current sub-interfaces: new ones get the next ifIndex, gone ones go. */
  void sync(SimRouter router) {
    List<SubInterface> subs = router.config().getSubInterfacesList();
    Set<String> present = new HashSet<>(subs.size() * 2);
    for (SubInterface si : subs) {
      String name = si.getName();
      if (portStates.containsKey(name)) {
        continue;
      }
      present.add(name);
      IfState s = subStates.get(name);
      if (s == null) {
        s = new IfState(name, false, nextIfIndex++);
        subStates.put(name, s);
      }
      s.port = si.getPort();
      s.speedMbps = si.getBandwidthMbps();
      s.alias = si.getAlias();
      s.adminUp = si.getAdminUp();
      s.operUp = router.operUp(name).orElse(true);
    }
    subStates.keySet().retainAll(present);
  }

  Collection<IfState> ports() {
    return portStates.values();
  }

  Collection<IfState> subInterfaces() {
    return subStates.values();
  }

  /** The port a sub-interface sits on; null for a port, or if the router has no such port. */
  IfState portOf(IfState s) {
    return s.port == null ? null : portStates.get(s.port);
  }

  /** The sub-interface by that name; null if there is none. */
  IfState subInterface(String name) {
    return subStates.get(name);
  }

  /** The port or sub-interface by that name; null if there is none. */
  IfState find(String name) {
    IfState s = portStates.get(name);
    return s != null ? s : subStates.get(name);
  }

  /** Every interface's row at {@code now}, ports first, under the faults in force. */
  List<MibView.IfRow> rows(long now, Map<String, IfFaults> faults) {
    List<MibView.IfRow> rows = new ArrayList<>(portStates.size() + subStates.size());
    for (IfState s : portStates.values()) {
      rows.add(row(s, now, faults));
    }
    for (IfState s : subStates.values()) {
      rows.add(row(s, now, faults));
    }
    return rows;
  }

  private MibView.IfRow row(IfState s, long now, Map<String, IfFaults> faults) {
    return new MibView.IfRow(
        s.ifIndex,
        s.name,
        s.physical ? IfMib.ETHERNET_CSMACD : IfMib.L2VLAN,
        s.speedMbps,
        s.alias,
        s.adminUp,
        operUp(s, now, faults),
        (long) s.inOctets,
        (long) s.outOctets,
        (long) s.inErrors,
        0,
        (long) s.inDiscards);
  }

  private boolean operUp(IfState s, long now, Map<String, IfFaults> faults) {
    IfFaults f = faults.get(s.name);
    if (f != null && (f.linkDown || f.flap != null && f.flap.down(now))) {
      return false;
    }
    if (s.physical) {
      return true;
    }
    IfState port = portOf(s);
    return s.adminUp && s.operUp && (port == null || operUp(port, now, faults));
  }
}
