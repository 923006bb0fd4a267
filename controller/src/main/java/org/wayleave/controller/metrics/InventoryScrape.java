package org.wayleave.controller.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.wayleave.api.v1.CircuitPhase;

/**
 * The inventory's part of one scrape, written straight in the Prometheus text format (0.0.4): one
 * {@value #CIRCUIT_UP} line per circuit, per council its circuits counted by supplier and phase and
 * their traffic summed, and one {@value #DEVICE_REACHABLE} line per router.
 *
 * <p>The budget is 100 bytes a circuit: 100,000 circuits within 10 MB a scrape, routers and all. So
 * a circuit has one line, labelled {@code circuit}, {@code council} and {@code phase} (83 bytes on
 * average with London's names). Not {@code supplier}: it would make that 111 bytes. A council's
 * circuits are counted by supplier instead (availability by supplier comes from those counts), and
 * {@code wayleave describe circuit} names a circuit's. Nor its traffic: the former fifteen series a
 * circuit (one per phase, the rest traffic) made {@code /metrics} 166 MB at 100,000 circuits. That
 * stays in the telemetry API ({@code GET /api/v1/telemetry/links?circuit=}, gRPC {@code
 * TelemetryService}) and in snmp_exporter's IF-MIB series; here it is only summed per council.
 *
 * <p>The lines are written here rather than through the client library's snapshots: a circuit's
 * line but for its value is built when the circuit changes, so a scrape of 100,000 circuits copies
 * text instead of building and sorting 100,000 data points; and a 0 or 1 is written as such, not as
 * {@code 0.0} (two bytes a line, 2% of the body).
 */
final class InventoryScrape {

  static final String CIRCUIT_UP = "wayleave_circuit_up";
  static final String COUNCIL_CIRCUITS = "wayleave_council_circuits";
  static final String COUNCIL_COMMITTED = "wayleave_council_committed_bytes_per_second";
  static final String COUNCIL_MEASURED = "wayleave_council_circuits_measured";
  static final String COUNCIL_IN = "wayleave_council_in_bytes_per_second";
  static final String COUNCIL_OUT = "wayleave_council_out_bytes_per_second";
  static final String COUNCIL_ERRORS = "wayleave_council_errors_per_second";
  static final String DEVICE_REACHABLE = "wayleave_device_reachable";

  /** The phases a circuit can be in, each a {@code phase} label value, in the order of names. */
  static final List<CircuitPhase> PHASES =
      Arrays.stream(CircuitPhase.values())
          .filter(
              p -> p != CircuitPhase.CIRCUIT_PHASE_UNSPECIFIED && p != CircuitPhase.UNRECOGNIZED)
          .sorted(Comparator.comparing(CircuitPhase::name))
          .toList();

  /**
   * The {@code phase} of a status whose phase is unset or unknown to this build: never written by
   * the controller, but a store can hold anything. Counted and labelled as such, never guessed.
   */
  static final String UNSPECIFIED = "UNSPECIFIED";

  private static final List<String> PHASE_NAMES =
      PHASES.stream().map(InventoryScrape::phaseName).toList();

  /** {@code CIRCUIT_PHASE_ACTIVE} as {@code ACTIVE}; an unset or unknown phase as UNSPECIFIED. */
  static String phaseName(CircuitPhase p) {
    return PHASES.contains(p) ? p.name().substring("CIRCUIT_PHASE_".length()) : UNSPECIFIED;
  }

  /** A circuit's {@value #CIRCUIT_UP} line up to its value. */
  static String circuitLine(String circuit, String council, CircuitPhase phase) {
    return CIRCUIT_UP
        + labels("circuit", circuit, "council", council, "phase", phaseName(phase))
        + " ";
  }

  /** A router's {@value #DEVICE_REACHABLE} line up to its value. */
  static String routerLine(String device, String council) {
    return DEVICE_REACHABLE + labels("device", device, "council", council) + " ";
  }

  /** One council's circuits: counted by supplier and phase, and their traffic summed. */
  static final class Council {
    /**
     * Per supplier, circuits by index in {@link #PHASES}; the last slot is {@link #UNSPECIFIED}.
     */
    final Map<String, int[]> phases = new TreeMap<>();

    double committedBytesPerSecond;
    int measured;
    double inBytesPerSecond;
    double outBytesPerSecond;
    double errorsPerSecond = Double.NaN;

    /** Counts a circuit from {@code supplier} in {@code phase}. */
    void count(String supplier, CircuitPhase phase) {
      int[] n = phases.computeIfAbsent(supplier, k -> new int[PHASES.size() + 1]);
      int slot = PHASES.indexOf(phase);
      n[slot < 0 ? PHASES.size() : slot]++;
    }

    /** Adds the rates of a circuit whose A-end both directions were measured. */
    void measured(double inBps, double outBps) {
      measured++;
      inBytesPerSecond += inBps / 8;
      outBytesPerSecond += outBps / 8;
    }

    /** Adds errors and discards per second seen at one end of a circuit. */
    void problems(double perSecond) {
      errorsPerSecond = Double.isNaN(errorsPerSecond) ? perSecond : errorsPerSecond + perSecond;
    }
  }

  private final StringBuilder out;
  private final boolean telemetry;
  private final Map<String, Council> councils = new TreeMap<>();

  /** The HELP and TYPE lines of the family begun, held until its first sample; then null. */
  private String header;

  /**
   * Starts the {@value #CIRCUIT_UP} family in {@code out}: {@link #circuit} adds its lines.
   *
   * @param telemetry whether the controller polls: without it there is nothing to measure, and
   *     rates have no sample rather than a false 0
   */
  InventoryScrape(StringBuilder out, boolean telemetry) {
    this.out = out;
    this.telemetry = telemetry;
    header(
        CIRCUIT_UP,
        "1 while the circuit is ACTIVE, 0 in any other phase; the phase label names the phase it"
            + " is in (PENDING, PROVISIONING, ACTIVE, DEGRADED, DOWN, DRIFTED, FAILED,"
            + " DECOMMISSIONING), so a change of phase starts a new series. Availability over a"
            + " range: sum_over_time / count_over_time, each summed by circuit");
  }

  /**
   * Writes a circuit's line, and counts it in its council's circuits and committed bandwidth.
   *
   * @param line its line up to the value, from {@link #circuitLine}
   * @return its council's tally, for the circuit's traffic
   */
  Council circuit(
      String line, String council, String supplier, CircuitPhase phase, long committedMbps) {
    line(line).append(phase == CircuitPhase.CIRCUIT_PHASE_ACTIVE ? "1\n" : "0\n");
    Council c = councils.computeIfAbsent(council, k -> new Council());
    c.count(supplier, phase);
    c.committedBytesPerSecond += committedMbps * 1e6 / 8;
    return c;
  }

  /** Ends the circuits: writes the councils' families. */
  void councils() {
    header(
        COUNCIL_CIRCUITS,
        "The council's circuits from one supplier in one phase; every phase of each supplier the"
            + " council has circuits from, 0 included");
    for (Map.Entry<String, Council> e : councils.entrySet()) {
      for (Map.Entry<String, int[]> s : e.getValue().phases.entrySet()) {
        int[] n = s.getValue();
        for (int k = 0; k <= PHASES.size(); k++) {
          if (k < PHASES.size() || n[k] > 0) {
            String phase = k < PHASES.size() ? PHASE_NAMES.get(k) : UNSPECIFIED;
            sample(
                COUNCIL_CIRCUITS,
                labels("council", e.getKey(), "supplier", s.getKey(), "phase", phase),
                n[k]);
          }
        }
      }
    }
    perCouncil(
        COUNCIL_COMMITTED,
        "The committed bandwidth of the council's circuits together, in bytes per second"
            + " (committed_mbps * 1e6 / 8, summed)",
        c -> true,
        c -> c.committedBytesPerSecond);
    if (!telemetry) {
      return;
    }
    perCouncil(
        COUNCIL_MEASURED,
        "The council's circuits whose A-end rates are in the council's in and out sums: a circuit"
            + " is left out before two polls measure it and while its router does not answer",
        c -> true,
        c -> c.measured);
    perCouncil(
        COUNCIL_IN,
        "Bytes per second received on the council's circuits' sub-interfaces at their A-end"
            + " routers, summed over the measured circuits (ifHCInOctets rates, multiply by 8 for"
            + " bit/s); no sample while none is measured",
        c -> c.measured > 0,
        c -> c.inBytesPerSecond);
    perCouncil(
        COUNCIL_OUT,
        "Bytes per second sent on the council's circuits' sub-interfaces at their A-end routers,"
            + " summed over the measured circuits (ifHCOutOctets rates, multiply by 8 for bit/s);"
            + " no sample while none is measured",
        c -> c.measured > 0,
        c -> c.outBytesPerSecond);
    perCouncil(
        COUNCIL_ERRORS,
        "Inbound and outbound errors plus inbound discards per second, summed over the ends of"
            + " the council's circuits that SNMP measures; no sample while none is",
        c -> !Double.isNaN(c.errorsPerSecond),
        c -> c.errorsPerSecond);
  }

  /** A family with a sample per council whose value is {@code known}. */
  private void perCouncil(
      String name, String help, Predicate<Council> known, ToDoubleFunction<Council> value) {
    header(name, help);
    for (Map.Entry<String, Council> e : councils.entrySet()) {
      if (known.test(e.getValue())) {
        sample(name, labels("council", e.getKey()), value.applyAsDouble(e.getValue()));
      }
    }
  }

  /** Begins the routers' family: {@link #router} adds its lines. */
  void routers() {
    header(
        DEVICE_REACHABLE,
        "1 when the router answered its last SNMP poll, 0 when it did not; no sample before its"
            + " first poll or when telemetry is off");
  }

  /**
   * Writes a router's line.
   *
   * @param line its line up to the value, from {@link #routerLine}
   */
  void router(String line, boolean answered) {
    line(line).append(answered ? "1\n" : "0\n");
  }

  // ------------------------------------------------------------------ the text format

  /**
   * Begins a gauge family. Its HELP and TYPE lines are written with its first sample: a family with
   * none (no router polled yet, no circuit) is left out whole, as the client library does.
   */
  private void header(String name, String help) {
    StringBuilder h = new StringBuilder(help.length() + 2 * name.length() + 24);
    h.append("# HELP ").append(name).append(' ');
    for (int i = 0; i < help.length(); i++) {
      char ch = help.charAt(i);
      switch (ch) {
        case '\\' -> h.append("\\\\");
        case '\n' -> h.append("\\n");
        default -> h.append(ch);
      }
    }
    header = h.append("\n# TYPE ").append(name).append(" gauge\n").toString();
  }

  /** Starts a sample line of the family begun: its header first if this is its first. */
  private StringBuilder line(String start) {
    if (header != null) {
      out.append(header);
      header = null;
    }
    return out.append(start);
  }

  private void sample(String name, String labels, double value) {
    line(name).append(labels).append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value); // 2 rather than 2.0
    } else {
      out.append(value);
    }
    out.append('\n');
  }

  /** {@code {name="value",...}}, values escaped as the text format requires. */
  static String labels(String... pairs) {
    StringBuilder b = new StringBuilder(64).append('{');
    for (int k = 0; k < pairs.length; k += 2) {
      if (k > 0) {
        b.append(',');
      }
      b.append(pairs[k]).append("=\"");
      String v = pairs[k + 1];
      for (int i = 0; i < v.length(); i++) {
        char ch = v.charAt(i);
        switch (ch) {
          case '\\' -> b.append("\\\\");
          case '"' -> b.append("\\\"");
          case '\n' -> b.append("\\n");
          default -> b.append(ch);
        }
      }
      b.append('"');
    }
    return b.append('}').toString();
  }
}
