package org.wayleave.simulator;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.Resource;
import org.wayleave.controller.seed.Seeds;

/** The regions the simulator can play: the routers of a seed inventory. */
public final class Scenarios {
  /** Scenario names. */
  public static final List<String> NAMES = List.of("london", "eastern", "scale");

  private Scenarios() {}

  /**
   * The routers of a scenario.
   *
   * @param devices the number of routers for {@code scale}; ignored otherwise
   * @throws IllegalArgumentException naming the valid scenarios for an unknown one
   */
  public static List<SimDevice> devices(String scenario, int devices) {
    return switch (scenario) {
      case "london", "eastern" -> fromInventory(Seeds.byName(scenario));
      case "scale" -> fromInventory(Seeds.scale(devices));
      default -> throw new IllegalArgumentException("scenario: unknown '" + scenario + "'; choose from " + NAMES);
    };
  }

  static List<SimDevice> fromInventory(List<Resource> inventory) {
    List<SimDevice> out = new ArrayList<>();
    for (Resource r : inventory) {
      if (r.hasDevice()) {
        Device d = r.getDevice();
        out.add(new SimDevice(d.getId(), d.getPortsList().stream().map(Port::getName).toList()));
      }
    }
    return out;
  }
}
