package org.wayleave.controller.telemetry;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.snmp4j.smi.OctetString;
import org.wayleave.api.v1.Device;

/**
 * A device as the poller keeps it between polls: its settings, its place in the schedule, and what
 * earlier polls learned (target, engine id, columns, table size, failures in a row).
 */
final class PolledDevice {
  final String id;

  /** Held by the one poll under way. */
  final AtomicBoolean busy = new AtomicBoolean();

  volatile Device device;
  volatile boolean removed;
  volatile ScheduledFuture<?> next;
  long dueNanos;
  // Touched only by the poll that holds busy.
  SnmpTargets.Resolved resolved;
  OctetString engineId;
  List<IfMib.Column> columns = IfMib.ALL;
  int learnedRows;
  volatile int consecutiveFailures;

  /** Early polls (an agent reported a change): one burst at a time, spaced; see SnmpPoller. */
  boolean earlyPending;

  long lastEarlyNanos = Long.MIN_VALUE / 2;
  long earlyBurstStart;
  int earlyStep;
  int earlyFirstStep;
  long earlyToken;
  final LongAdder earlyPolls = new LongAdder();
  volatile boolean settingsChanged;

  PolledDevice(Device d) {
    this.id = d.getId();
    this.device = d;
  }

  void update(Device d) {
    if (!d.equals(device)) {
      device = d;
      settingsChanged = true;
    }
  }

  /** Forgets what polls learned, before resolving changed settings afresh. */
  void forget() {
    settingsChanged = false;
    resolved = null;
    engineId = null;
    columns = IfMib.ALL;
    learnedRows = 0;
  }
}
