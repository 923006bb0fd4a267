package org.wayleave.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.CircuitPhase;

/** The text format as {@link InventoryScrape} writes it, read back by the test's own parser. */
class InventoryScrapeTest {

  @Test
  void labelValuesAreEscapedAsTheTextFormatRequires() {
    String odd = "a \"quoted\" back\\slash and a\nnewline";
    assertThat(InventoryScrape.labels("council", odd))
        .isEqualTo("{council=\"a \\\"quoted\\\" back\\\\slash and a\\nnewline\"}");
    StringBuilder out = new StringBuilder();
    InventoryScrape s = new InventoryScrape(out, false);
    circuit(s, odd, CircuitPhase.CIRCUIT_PHASE_ACTIVE, 1);
    s.councils();
    Exposition e = Exposition.parse(out.toString());
    assertThat(e.one(InventoryScrape.CIRCUIT_UP, "circuit", "C-1").labels())
        .containsEntry("council", odd);
    assertThat(e.one(InventoryScrape.COUNCIL_COMMITTED, "council", odd).value()).isEqualTo(125_000);
  }

  @Test
  void anUnknownPhaseIsUnspecifiedNeverGuessed() {
    StringBuilder out = new StringBuilder();
    InventoryScrape s = new InventoryScrape(out, true);
    circuit(s, "camden", CircuitPhase.UNRECOGNIZED, 0);
    s.councils();
    Exposition e = Exposition.parse(out.toString());
    assertThat(e.one(InventoryScrape.CIRCUIT_UP, "circuit", "C-1").labels())
        .containsEntry("phase", "UNSPECIFIED");
    assertThat(e.one(InventoryScrape.CIRCUIT_UP, "circuit", "C-1").value()).isZero();
    assertThat(e.one(InventoryScrape.COUNCIL_CIRCUITS, "phase", "UNSPECIFIED").value())
        .isEqualTo(1);
    assertThat(e.find(InventoryScrape.COUNCIL_CIRCUITS)).hasSize(9);
    // Nothing measured: the count says so, and the sums have no sample rather than a false 0.
    assertThat(e.one(InventoryScrape.COUNCIL_MEASURED).value()).isZero();
    assertThat(e.find(InventoryScrape.COUNCIL_IN)).isEmpty();
    assertThat(e.types).doesNotContainKey(InventoryScrape.COUNCIL_IN);
  }

  @Test
  void wholeValuesAreWrittenWithoutAFractionAndOthersExactly() {
    StringBuilder out = new StringBuilder();
    InventoryScrape s = new InventoryScrape(out, true);
    InventoryScrape.Council c = circuit(s, "camden", CircuitPhase.CIRCUIT_PHASE_ACTIVE, 100);
    c.measured(8_000_000, 12);
    c.problems(0.25);
    s.councils();
    String text = out.toString();
    assertThat(text)
        .contains(
            "wayleave_circuit_up{circuit=\"C-1\",council=\"camden\",phase=\"ACTIVE\"} 1\n",
            "wayleave_council_in_bytes_per_second{council=\"camden\"} 1000000\n",
            "wayleave_council_out_bytes_per_second{council=\"camden\"} 1.5\n",
            "wayleave_council_errors_per_second{council=\"camden\"} 0.25\n",
            "wayleave_council_committed_bytes_per_second{council=\"camden\"} 12500000\n");
    // No router polled: the family is left out whole, HELP and TYPE included.
    s.routers();
    assertThat(out.toString()).isEqualTo(text).doesNotContain(InventoryScrape.DEVICE_REACHABLE);
  }

  /** Circuit C-1 of {@code council}, from supplier s. */
  private static InventoryScrape.Council circuit(
      InventoryScrape s, String council, CircuitPhase phase, long committedMbps) {
    return s.circuit(
        InventoryScrape.circuitLine("C-1", council, phase), council, "s", phase, committedMbps);
  }
}
