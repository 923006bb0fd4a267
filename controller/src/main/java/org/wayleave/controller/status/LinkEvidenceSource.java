package org.wayleave.controller.status;

import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Termination;

/** What SNMP shows about circuits: implemented by telemetry, read by the status calculator. */
@FunctionalInterface
public interface LinkEvidenceSource {
  /** The evidence for circuit {@code c} over {@code ends}, its terminations that carry a VLAN. */
  LinkEvidence of(Circuit c, List<Termination> ends);
}
