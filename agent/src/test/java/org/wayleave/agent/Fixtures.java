package org.wayleave.agent;

import java.util.Arrays;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.config.SubInterfaces;

/** Sub-interfaces and configurations for tests. */
final class Fixtures {
  static final String DEVICE = "rtr-camden-01";

  private Fixtures() {}

  static SubInterface sub(String port, int cTag, String circuit) {
    return qinq(port, 0, cTag, circuit);
  }

  static SubInterface qinq(String port, int sTag, int cTag, String circuit) {
    return SubInterface.newBuilder()
        .setName(SubInterfaces.name(port, sTag, cTag))
        .setPort(port)
        .setSTag(sTag)
        .setCTag(cTag)
        .setAlias(circuit)
        .setBandwidthMbps(100)
        .setAdminUp(true)
        .build();
  }

  static DeviceConfig config(SubInterface... subs) {
    return DeviceConfig.newBuilder()
        .setDeviceId(DEVICE)
        .addAllSubInterfaces(
            Arrays.stream(subs).sorted((a, b) -> a.getName().compareTo(b.getName())).toList())
        .build();
  }
}
