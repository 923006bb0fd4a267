package org.wayleave.cli.lab;

import java.util.ArrayList;
import java.util.List;

/** The lab's topology as text: what {@code wayleave lab} prints and the README shows. */
public final class LabPicture {
  private LabPicture() {}

  public static List<String> lines(List<Lab.Router> routers) {
    List<String> out = new ArrayList<>();
    out.add("controller " + Lab.CONTROLLER_ADDRESS + " (host, bridge " + Lab.MGMT_BRIDGE + ")");
    for (Lab.Router r : routers) {
      out.add(
          String.format(
              "  |-- mgmt0 %-12s [%s: OVS br0, snmpd, agent %s]",
              r.mgmtAddress(), r.ns(), r.deviceId()));
      out.add(
          String.format(
              "        %s %s --- lan0 | %s trunk --> supplier switch",
              r.lanNs(), r.hostAddress(), Lab.OVS_PORT));
    }
    out.add("supplier switch [" + Lab.PREFIX + "psn: OVS psn]");
    for (Lab.Service s : Lab.SERVICES) {
      out.add(
          String.format("  |-- VLAN %d --> %s %s (%s)", s.vlan(), s.label(), s.address(), s.ns()));
    }
    out.add(
        "a circuit on VLAN v is the router's sub-interface "
            + Lab.OVS_PORT
            + ".v, rate-limited to its committed Mbit/s");
    return out;
  }
}
