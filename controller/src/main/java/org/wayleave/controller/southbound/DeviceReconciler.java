package org.wayleave.controller.southbound;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.controller.core.DeviceConfigs;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.reconcile.Reconciler;
import org.wayleave.controller.reconcile.Result;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.NotLeaderException;

/**
 * The device reconciler, level-triggered: for a device key it reads the desired configuration fresh
 * from the cache and the evidence as it stands, writes the status of the device's circuits where it
 * means something new, then has {@link DevicePushes} bring the router to the plan.
 *
 * <p>It works only while this controller leads: the lifecycle starts it on gaining leadership
 * (every device is then reconciled afresh) and stops it on losing it; while stopped, keys it is
 * handed are dropped without a push or a status write.
 */
public final class DeviceReconciler implements Reconciler<String> {
  private static final Logger log = LoggerFactory.getLogger(DeviceReconciler.class);
  private final ResourceCache cache;
  private final CircuitStatusWriter statuses;
  private final DevicePushes pushes;
  private final Runnable onFenced;

  /** Held (shared) by every reconcile; stop takes it exclusively to wait for running ones. */
  private final ReentrantReadWriteLock running = new ReentrantReadWriteLock();

  private volatile boolean leading;

  public DeviceReconciler(ResourceCache cache, CircuitStatusWriter statuses, DevicePushes pushes) {
    this(cache, statuses, pushes, () -> {});
  }

  /** As above; {@code onFenced} hears each status write the store refused as a deposed leader's. */
  public DeviceReconciler(
      ResourceCache cache, CircuitStatusWriter statuses, DevicePushes pushes, Runnable onFenced) {
    this.cache = cache;
    this.statuses = statuses;
    this.pushes = pushes;
    this.onFenced = onFenced;
  }

  /** Starts working (a new term): what was pushed before is forgotten; reconcile every device. */
  public void startLeading() {
    pushes.reset();
    leading = true;
  }

  /** Stops working: when this returns, nothing pushes or writes a status any more. */
  public void stopLeading() {
    leading = false;
    // Waits for reconciles already running: when this returns nothing pushes or writes any more.
    running.writeLock().lock();
    running.writeLock().unlock();
  }

  @Override
  public Result reconcile(String deviceId) {
    running.readLock().lock();
    try {
      if (!leading) {
        return Result.done();
      }
      return reconcileLeading(deviceId);
    } finally {
      running.readLock().unlock();
    }
  }

  private Result reconcileLeading(String deviceId) {
    Device device;
    DeviceConfig desired;
    List<Circuit> circuits = new ArrayList<>();
    cache.readLock().lock();
    try {
      device = cache.get(Kind.DEVICE, deviceId);
      desired = DeviceConfigs.desired(cache.unlocked(), deviceId);
      for (String id : cache.circuitsOnDevice(deviceId)) {
        Circuit c = cache.unlocked().get(Kind.CIRCUIT, id);
        if (c != null) {
          circuits.add(cache.withStatus(c));
        }
      }
    } finally {
      cache.readLock().unlock();
    }
    // Status first, from the evidence as it stands: a drift is recorded before the repair push,
    // whose report could otherwise land before the status write and hide the drift.
    try {
      statuses.write(deviceId, circuits);
    } catch (NotLeaderException e) {
      // Deposed while this ran: the store refused the write; nothing is pushed either.
      log.warn("status of {} not written: {}", deviceId, e.getMessage());
      onFenced.run();
      return Result.done();
    }
    return device == null ? Result.done() : pushes.sync(device, desired);
  }

  /** Every device id, for the periodic resync. */
  public List<String> allDevices() {
    return cache.list(Kind.DEVICE).stream().map(Device::getId).toList();
  }
}
