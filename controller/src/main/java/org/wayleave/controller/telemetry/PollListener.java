package org.wayleave.controller.telemetry;

/** Where the poller's results go. Called on the poller's I/O thread: keep it short. */
public interface PollListener {
  /** A complete poll of a device. */
  void polled(String deviceId, DeviceSample sample);

  /** A poll that failed: no answer, an authentication failure, a missing secret, ... */
  void failed(String deviceId, String reason);
}
