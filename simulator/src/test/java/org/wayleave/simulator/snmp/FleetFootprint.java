package org.wayleave.simulator.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.snmp4j.PDU;
import org.snmp4j.smi.OID;
import org.wayleave.base.secrets.DirectorySecretProvider;
import org.wayleave.base.seed.Seeds;
import org.wayleave.simulator.Scenarios;

/**
 * A measurement, not a test: how much heap a v2c fleet of routers takes and how long a GETBULK
 * round trip to it takes over loopback. Runs only when asked, printing one line of JSON:
 *
 * <pre>
 * ./mvnw -o -q -B -pl .,simulator test -Dtest=FleetFootprint -Dwayleave.fleet.footprint=10000 -DargLine=-Xmx512m
 * </pre>
 *
 * Routers are the seeded scale routers (each on its own 127.16.x.y address, port 16161), each
 * carrying 10 sub-interfaces (15 interfaces with its 5 ports).
 */
@EnabledIfSystemProperty(named = "wayleave.fleet.footprint", matches = "\\d+")
class FleetFootprint {
  static final int SUB_INTERFACES = 10;
  static final int WARM_UP = 5_000;
  static final int MEASURED = 20_000;

  @TempDir Path dir;

  @Test
  void measure() throws Exception {
    int routers = Integer.getInteger("wayleave.fleet.footprint");
    DirectorySecretProvider secrets = new DirectorySecretProvider(dir);
    secrets.generateMissing(Seeds.secretRefs(Seeds.scale(1)));
    long baseline = usedHeap();
    List<SnmpFleet.Member> members = Scenarios.snmpOnly(routers, SUB_INTERFACES, secrets);
    long built = usedHeap();
    members.forEach(m -> m.mib().view()); // every interface seen once, as after a first poll
    long withRouters = usedHeap();
    long startNanos = System.nanoTime();
    try (SnmpFleet fleet = SnmpFleet.serve(members);
        SnmpTestClient client = new SnmpTestClient()) {
      double bindSeconds = (System.nanoTime() - startNanos) / 1e9;
      long withFleet = usedHeap();
      List<SnmpFleet.Binding> bindings = fleet.bindings();
      OID ifHcIn = new OID("1.3.6.1.2.1.31.1.1.1.6");
      Random random = new Random(7);
      long[] micros = new long[MEASURED];
      for (int i = 0; i < WARM_UP + MEASURED; i++) {
        SnmpFleet.Binding b = bindings.get(random.nextInt(bindings.size()));
        long t = System.nanoTime();
        PDU answer =
            client.send(
                b.address(), b.endpoint(), SnmpTestClient.bulk(b.endpoint(), 0, 10, ifHcIn));
        long took = System.nanoTime() - t;
        assertThat(answer).isNotNull();
        assertThat(answer.size()).isEqualTo(10);
        if (i >= WARM_UP) {
          micros[i - WARM_UP] = took / 1_000;
        }
      }
      Arrays.sort(micros);
      long walkStart = System.nanoTime();
      int walked = 0;
      for (int i = 0; i < 200; i++) {
        walked +=
            client
                .bulkWalk(bindings.get(i * (bindings.size() / 200)), new OID("1.3.6.1.2.1.2.2.1"))
                .size();
        walked +=
            client
                .bulkWalk(
                    bindings.get(i * (bindings.size() / 200)), new OID("1.3.6.1.2.1.31.1.1.1"))
                .size();
      }
      double walkMillis = (System.nanoTime() - walkStart) / 1e6 / 200;
      System.out.printf(
          "{\"routers\": %d, \"interfaces_per_router\": %d, \"max_heap_mb\": %d, \"bind_seconds\":"
              + " %.2f, \"heap_per_router_bytes\": {\"router_and_empty_mib\": %d,"
              + " \"mib_interface_state\": %d, \"fleet_endpoint\": %d, \"total\": %d},"
              + " \"getbulk_10_rtt_us\": {\"p50\": %d, \"p90\": %d, \"p99\": %d, \"max\": %d,"
              + " \"mean\": %.1f}, \"full_walk_ms\": %.2f, \"walked_varbinds_per_router\": %d}%n",
          routers,
          5 + SUB_INTERFACES,
          Runtime.getRuntime().maxMemory() >> 20,
          bindSeconds,
          (built - baseline) / routers,
          (withRouters - built) / routers,
          (withFleet - withRouters) / routers,
          (withFleet - baseline) / routers,
          micros[MEASURED / 2],
          micros[MEASURED * 9 / 10],
          micros[MEASURED * 99 / 100],
          micros[MEASURED - 1],
          Arrays.stream(micros).average().orElse(0),
          walkMillis,
          walked / 200);
      assertThat(fleet.stats().answered()).isGreaterThanOrEqualTo(WARM_UP + MEASURED);
    }
  }

  static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
