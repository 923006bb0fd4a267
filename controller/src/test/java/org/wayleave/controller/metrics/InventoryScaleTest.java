package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.CircuitPhase;

/**
 * What {@code /metrics} weighs at fleet scale: 100,000 circuits on 10,000 routers with London's
 * real council and supplier names, every circuit with a rate. The body, uncompressed, must stay
 * within {@value #MAX_BYTES} bytes with at most {@value #MAX_SERIES_PER_CIRCUIT} series per
 * circuit: Prometheus keeps every series in memory and reads the whole body every scrape, so this
 * is a functional bound. The time a scrape takes and the gzip size are printed, not asserted: a
 * shared test machine's timing is not the controller's.
 */
class InventoryScaleTest {
  static final int DEVICES = 10_000;
  static final int CIRCUITS = 100_000;
  static final int MAX_BYTES = 10_000_000;
  static final int MAX_SERIES_PER_CIRCUIT = 3;

  @TempDir Path dir;

  @Test
  void aHundredThousandCircuitsFitTenMegabytes() throws IOException {
    measure(new ScaleFleet(DEVICES, CIRCUITS, null), "a plausible mix of phases");
  }

  /**
   * A bulk import: every circuit PROVISIONING, a longer phase name than ACTIVE on all of them at
   * once, so the bound does not rest on most circuits being ACTIVE.
   */
  @Test
  void theyStillFitWhenEveryCircuitIsProvisioning() throws IOException {
    measure(
        new ScaleFleet(DEVICES, CIRCUITS, CircuitPhase.CIRCUIT_PHASE_PROVISIONING),
        "every circuit PROVISIONING");
  }

  private void measure(ScaleFleet fleet, String phases) throws IOException {
    try (MetricsFixture f = new MetricsFixture(dir, null, fleet.storeValues())) {
      fleet.poll(f.telemetry, 1);
      fleet.poll(f.telemetry, 2);
      long first = System.nanoTime();
      String text = f.metrics.scrape();
      first = System.nanoTime() - first;
      long best = Long.MAX_VALUE;
      for (int k = 0; k < 3; k++) {
        long t = System.nanoTime();
        text = f.metrics.scrape();
        best = Math.min(best, System.nanoTime() - t);
      }
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      Exposition e = Exposition.parse(text);
      Map<String, Long> perCircuit = e.seriesPerCircuit();
      long circuitUp = e.find(InventoryScrape.CIRCUIT_UP).size();
      System.out.printf(
          "/metrics at %,d circuits on %,d routers (%s): %,d bytes (%.1f per circuit), %,d"
              + " gzipped; %,d series (%d %s); scrape %d ms first, %d ms best of 3%n",
          fleet.circuits,
          fleet.devices,
          phases,
          body.length,
          (double) body.length / fleet.circuits,
          gzipped(body),
          e.samples.size(),
          circuitUp,
          InventoryScrape.CIRCUIT_UP,
          first / 1_000_000,
          best / 1_000_000);

      assertThat(circuitUp).isEqualTo(fleet.circuits);
      assertThat(perCircuit).hasSize(fleet.circuits);
      assertThat(perCircuit.values())
          .as("series per circuit")
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX_SERIES_PER_CIRCUIT));
      // Also counted without the circuit label, so no per-circuit series can hide under another.
      assertThat((double) e.samples.size() / fleet.circuits)
          .as("series per circuit, all series counted")
          .isLessThanOrEqualTo(MAX_SERIES_PER_CIRCUIT);
      assertThat(body.length)
          .as("/metrics body in bytes, uncompressed")
          .isLessThanOrEqualTo(MAX_BYTES);
    }
  }

  private static int gzipped(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 8);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(body);
    }
    return out.size();
  }
}
