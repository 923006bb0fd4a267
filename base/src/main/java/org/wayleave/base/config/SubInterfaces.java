package org.wayleave.base.config;

import java.util.Optional;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;

/**
 * How a circuit end becomes a VLAN sub-interface, and the rules a sub-interface keeps on every
 * router: the one place both the controller (planning) and the agent (applying) take them from.
 */
public final class SubInterfaces {
  private SubInterfaces() {}

  /**
   * The deterministic name: {@code <port>.<c_tag>}, or {@code <port>.<s_tag>.<c_tag>} for QinQ
   * ({@code sTag > 0}).
   */
  public static String name(String port, int sTag, int cTag) {
    return sTag > 0 ? port + "." + sTag + "." + cTag : port + "." + cTag;
  }

  /**
   * The sub-interface that carries end {@code t} of circuit {@code c}: named from its port and
   * tags, the circuit id as its alias, the committed bandwidth, up unless the circuit is disabled.
   */
  public static SubInterface of(Circuit c, Termination t) {
    int sTag = t.hasSTag() ? t.getSTag() : 0;
    return SubInterface.newBuilder()
        .setName(name(t.getPort(), sTag, t.getCTag()))
        .setPort(t.getPort())
        .setCTag(t.getCTag())
        .setSTag(sTag)
        .setAlias(c.getId())
        .setBandwidthMbps(c.getSpec().getCommittedMbps())
        .setAdminUp(c.getSpec().getAdminState() != AdminState.ADMIN_STATE_DISABLED)
        .build();
  }

  /**
   * Why a router would refuse {@code s} on its own, or empty if it is well formed: tags out of
   * range, a name that does not follow from port and tags, a negative bandwidth.
   */
  public static Optional<String> problem(SubInterface s) {
    if (s.getPort().isEmpty()) {
      return Optional.of("port: must not be empty");
    }
    if (s.getCTag() < 1 || s.getCTag() > 4094) {
      return Optional.of("c_tag: VLAN id must be within 1-4094 (got " + s.getCTag() + ")");
    }
    if (s.getSTag() < 0 || s.getSTag() > 4094) {
      return Optional.of(
          "s_tag: VLAN id must be 0 (none) or within 1-4094 (got " + s.getSTag() + ")");
    }
    String expected = name(s.getPort(), s.getSTag(), s.getCTag());
    if (!s.getName().equals(expected)) {
      return Optional.of(
          "name: must be '" + expected + "' for its port and tags (got '" + s.getName() + "')");
    }
    if (s.getBandwidthMbps() < 0) {
      return Optional.of("bandwidth_mbps: must not be negative (got " + s.getBandwidthMbps() + ")");
    }
    return Optional.empty();
  }
}
