package org.wayleave.controller.telemetry;

import java.util.Map;

/**
 * One complete poll of a device.
 *
 * @param nanos when the poll completed, on the poller's monotonic clock
 * @param epochMillis the same instant on the wall clock, for history and events
 * @param sysUpTime {@code sysUpTime} in hundredths of a second, or -1 when the agent did not return
 *     it
 * @param rows interfaces by ifIndex
 */
public record DeviceSample(long nanos, long epochMillis, long sysUpTime, Map<Integer, IfRow> rows) {
  public DeviceSample {
    rows = Map.copyOf(rows);
  }
}
