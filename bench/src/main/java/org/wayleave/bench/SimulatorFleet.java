package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The southbound benchmark's routers spread over several simulator processes ({@code wayleave
 * simulator --scenario scale --part K/N}), so that none needs more open files than the machine
 * allows: each holds a TCP connection (its agent) and a UDP socket (its SNMP) per router.
 */
final class SimulatorFleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SimulatorProcess> parts = new ArrayList<>();

  /** The fewest processes of which none needs more than {@code maxOpenFiles}; 0 if unknown. */
  static int processesFor(int devices, long maxOpenFiles) {
    if (maxOpenFiles <= 0) {
      return 1;
    }
    long perProcess = Math.max(1, (maxOpenFiles - OpenFiles.HEADROOM) / 2);
    return (int) Math.max(1, (devices + perProcess - 1) / perProcess);
  }

  /**
   * Starts {@code processes} simulators of {@code devices} scale routers in all, each at {@code
   * -Xmx<heap>}, dialling {@code agentAddress} with {@code securityFlags}; the first one alone
   * until it has started, since it writes the SNMP secrets the others then read; each may take
   * {@code timeout} to start.
   */
  static SimulatorFleet start(
      int devices,
      int processes,
      String heap,
      String agentAddress,
      List<String> securityFlags,
      Path secrets,
      Path data,
      Duration timeout)
      throws IOException, InterruptedException {
    SimulatorFleet fleet = new SimulatorFleet();
    try {
      for (int k = 1; k <= processes; k++) {
        List<String> args = new ArrayList<>();
        args.addAll(
            List.of(
                "--scenario",
                "scale",
                "--devices",
                Integer.toString(devices),
                "--part",
                k + "/" + processes,
                "--controller",
                agentAddress));
        args.addAll(securityFlags);
        SimulatorProcess p =
            SimulatorProcess.start(heap, List.of(), args, secrets, data, "simulator-" + k);
        fleet.parts.add(p);
        if (k == 1) {
          p.awaitHttpPort(timeout);
        }
      }
      for (SimulatorProcess p : fleet.parts) {
        p.awaitHttpPort(timeout);
      }
      return fleet;
    } catch (IOException | InterruptedException | RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  int processes() {
    return parts.size();
  }

  /** Every process's {@code /stats}, numbers summed. */
  ObjectNode stats() throws IOException, InterruptedException {
    ObjectNode sum = JSON.createObjectNode();
    for (SimulatorProcess p : parts) {
      for (Map.Entry<String, JsonNode> e : p.stats().properties()) {
        if (e.getValue().isNumber()) {
          sum.put(e.getKey(), sum.path(e.getKey()).asLong() + e.getValue().asLong());
        }
      }
    }
    return sum;
  }

  /** User + system CPU seconds the simulator processes have used so far, all together. */
  double cpuSeconds() {
    double s = 0;
    for (SimulatorProcess p : parts) {
      s += ProcCpu.seconds(p.process().pid());
    }
    return s;
  }

  /** Resident memory of the simulator processes together, MiB. */
  long rssMb() {
    long mb = 0;
    for (SimulatorProcess p : parts) {
      mb += Math.max(0, ProcCpu.rssMb(p.process().pid()));
    }
    return mb;
  }

  @Override
  public void close() throws InterruptedException {
    for (SimulatorProcess p : parts) {
      p.close();
    }
  }
}
