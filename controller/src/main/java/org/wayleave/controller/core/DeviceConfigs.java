package org.wayleave.controller.core;

import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.ConfigDiff;
import org.wayleave.base.config.SubInterfaces;

/**
 * A device's desired configuration as a pure function of the desired state, and the difference
 * between two configurations (the rules themselves are {@link SubInterfaces} and {@link
 * ConfigDiff}, shared with the agent).
 */
public final class DeviceConfigs {
  private DeviceConfigs() {}

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
          SubInterface s = SubInterfaces.of(c, t);
          subs.put(s.getName(), s);
        }
      }
    }
    return DeviceConfig.newBuilder().setDeviceId(device).addAllSubInterfaces(subs.values()).build();
  }

  /**
   * What turns {@code before} into {@code after}, by sub-interface name; unchanged ones omitted.
   */
  public static DeviceDiff diff(DeviceConfig before, DeviceConfig after) {
    String device = !after.getDeviceId().isEmpty() ? after.getDeviceId() : before.getDeviceId();
    return ConfigDiff.between(before, after, false).toDeviceDiff(device);
  }
}
