package org.wayleave.controller.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.SubInterfaceChange;
import org.wayleave.api.v1.Termination;

/**
 * The planner: a device's desired configuration as a pure function of the desired state, and the
 * difference between two configurations.
 */
public final class DeviceConfigs {
  private DeviceConfigs() {}

  /**
   * The deterministic sub-interface name: {@code <port>.<c_tag>}, or {@code <port>.<s_tag>.<c_tag>}
   * for QinQ.
   */
  public static String subInterfaceName(String port, int sTag, int cTag) {
    return sTag > 0 ? port + "." + sTag + "." + cTag : port + "." + cTag;
  }

  /** Every sub-interface {@code device} should carry, sorted by name. */
  public static DeviceConfig desired(StateView view, String device) {
    Map<String, SubInterface> subs = new TreeMap<>();
    for (String id : view.circuitsOnDevice(device)) {
      Circuit c = view.get(Kind.CIRCUIT, id);
      if (c == null) {
        continue;
      }
      for (Termination t : CircuitEnds.of(c)) {
        if (t.getDevice().equals(device) && t.hasCTag()) {
          SubInterface s = subInterface(c, t);
          subs.put(s.getName(), s);
        }
      }
    }
    return DeviceConfig.newBuilder().setDeviceId(device).addAllSubInterfaces(subs.values()).build();
  }

  /** The sub-interface that carries end {@code t} of circuit {@code c}. */
  public static SubInterface subInterface(Circuit c, Termination t) {
    int sTag = t.hasSTag() ? t.getSTag() : 0;
    return SubInterface.newBuilder()
        .setName(subInterfaceName(t.getPort(), sTag, t.getCTag()))
        .setPort(t.getPort())
        .setCTag(t.getCTag())
        .setSTag(sTag)
        .setAlias(c.getId())
        .setBandwidthMbps(c.getSpec().getCommittedMbps())
        .setAdminUp(c.getSpec().getAdminState() != AdminState.ADMIN_STATE_DISABLED)
        .build();
  }

  /**
   * What turns {@code before} into {@code after}, by sub-interface name; unchanged ones omitted.
   */
  public static DeviceDiff diff(DeviceConfig before, DeviceConfig after) {
    Map<String, SubInterface> old = byName(before);
    Map<String, SubInterface> neu = byName(after);
    List<SubInterfaceChange> changes = new ArrayList<>();
    TreeMap<String, Boolean> names = new TreeMap<>();
    old.keySet().forEach(n -> names.put(n, true));
    neu.keySet().forEach(n -> names.put(n, true));
    for (String name : names.keySet()) {
      SubInterface b = old.get(name);
      SubInterface a = neu.get(name);
      if (b == null) {
        changes.add(
            SubInterfaceChange.newBuilder()
                .setAction(ChangeAction.CHANGE_ACTION_CREATE)
                .setAfter(a)
                .build());
      } else if (a == null) {
        changes.add(
            SubInterfaceChange.newBuilder()
                .setAction(ChangeAction.CHANGE_ACTION_DELETE)
                .setBefore(b)
                .build());
      } else if (!a.equals(b)) {
        changes.add(
            SubInterfaceChange.newBuilder()
                .setAction(ChangeAction.CHANGE_ACTION_UPDATE)
                .setBefore(b)
                .setAfter(a)
                .build());
      }
    }
    String device = !after.getDeviceId().isEmpty() ? after.getDeviceId() : before.getDeviceId();
    return DeviceDiff.newBuilder().setDevice(device).addAllChanges(changes).build();
  }

  private static Map<String, SubInterface> byName(DeviceConfig c) {
    Map<String, SubInterface> m = new TreeMap<>();
    for (SubInterface s : c.getSubInterfacesList()) {
      m.put(s.getName(), s);
    }
    return m;
  }
}
