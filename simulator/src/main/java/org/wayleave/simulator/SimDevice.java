package org.wayleave.simulator;

import java.util.List;
import java.util.Objects;

/**
 * A router the simulator plays: its device id and physical port names.
 *
 * @param id device id, as in the controller's inventory
 * @param ports physical port names
 */
public record SimDevice(String id, List<String> ports) {
  public SimDevice {
    Objects.requireNonNull(id, "id");
    ports = List.copyOf(ports);
  }
}
