package org.wayleave.bench;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.wayleave.controller.telemetry.DeviceSample;
import org.wayleave.controller.telemetry.IfMib;
import org.wayleave.controller.telemetry.IfRow;
import org.wayleave.controller.telemetry.PollListener;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The telemetry benchmark's poll listener: counts what the poller delivered (values, interfaces,
 * the first failure), then hands it to the real listener, a {@link Telemetry}, as in the
 * controller.
 */
final class CountingListener implements PollListener {
  final Telemetry telemetry;
  final LongAdder values = new LongAdder();
  final LongAdder interfaces = new LongAdder();
  final AtomicReference<String> firstFailure = new AtomicReference<>();

  CountingListener(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void polled(String deviceId, DeviceSample sample) {
    long v = sample.sysUpTime() >= 0 ? 1 : 0;
    for (IfRow row : sample.rows().values()) {
      for (IfMib.Column c : IfMib.Column.values()) {
        if (row.has(c)) {
          v++;
        }
      }
    }
    values.add(v);
    interfaces.add(sample.rows().size());
    telemetry.polled(deviceId, sample);
  }

  @Override
  public void failed(String deviceId, String reason) {
    firstFailure.compareAndSet(null, deviceId + ": " + reason);
    telemetry.failed(deviceId, reason);
  }
}
