package org.wayleave.controller.southbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.reconcile.Reconciler;
import org.wayleave.controller.reconcile.Result;
import org.wayleave.controller.status.CircuitStatusWriter;
import org.wayleave.controller.store.NotLeaderException;

/**
 * The device reconciler, level-triggered: for a device key it reads the desired configuration fresh
 * from the cache and the evidence as it stands, writes the status of the device's circuits where it
 * means something new, then has {@link DevicePushes} bring the router to the plan. A wake for some
 * circuits' change ({@link #circuitsChanged}) computes the status of those circuits only; any other
 * wake, of all circuits on the device.
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

  /**
   * What the next reconcile of a device must look at again: only the circuits in its set, or every
   * circuit on it when the set is {@link #EVERYTHING} or the device has none here (a wake from
   * anywhere else, a requeue, a resync: nothing is known of it, so nothing is skipped).
   */
  private final ConcurrentHashMap<String, Set<String>> changed = new ConcurrentHashMap<>();

  private static final Set<String> EVERYTHING = DeviceWakeups.EVERYTHING;

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
      // Taken even when not leading, so a follower keeps none: leading starts with every device.
      Set<String> only = changed.remove(deviceId);
      if (!leading) {
        return Result.done();
      }
      return reconcileLeading(deviceId, only);
    } finally {
      running.readLock().unlock();
    }
  }

  private Result reconcileLeading(String deviceId, Set<String> only) {
    Result result;
    try {
      result = statusesThenSync(deviceId, only == null || only == EVERYTHING ? null : only);
    } catch (RuntimeException e) {
      changed.put(deviceId, EVERYTHING); // the retry starts afresh
      throw e;
    }
    if (!result.isDone()) {
      // A requeue comes back for the evidence (a push unanswered, a backoff over): all of it.
      changed.put(deviceId, EVERYTHING);
    }
    return result;
  }

  /**
   * Writes the statuses of the circuits on the device that {@code only} names (null: all of them),
   * then syncs the router with the plan.
   */
  private Result statusesThenSync(String deviceId, Set<String> only) {
    Device device;
    List<Circuit> circuits = new ArrayList<>();
    cache.readLock().lock();
    try {
      device = cache.unlocked().get(Kind.DEVICE, deviceId);
      Set<String> onDevice = cache.circuitsOnDevice(deviceId);
      for (String id : only == null ? onDevice : only) {
        Circuit c = cache.unlocked().get(Kind.CIRCUIT, id);
        if (c != null && (only == null || onDevice.contains(id))) {
          circuits.add(cache.withStatus(c));
        }
      }
    } finally {
      cache.readLock().unlock();
    }
    // Status first, from the evidence as it stands: a drift is recorded before the repair push,
    // whose report could otherwise land before the status write and hide the drift.
    try {
      if (!statuses.write(deviceId, circuits)) {
        // A circuit changed meanwhile and nothing was written; its change wakes the device again,
        // and then the others' statuses are still to write.
        changed.put(deviceId, EVERYTHING);
      }
    } catch (NotLeaderException e) {
      // Deposed while this ran: the store refused the write; nothing is pushed either.
      log.warn("status of {} not written: {}", deviceId, e.getMessage());
      onFenced.run();
      return Result.done();
    }
    // The plan is read only for a connected agent: it holds every circuit on the device.
    return device == null
        ? Result.done()
        : pushes.sync(device, () -> cache.desiredConfig(deviceId));
  }

  // ------------------------------------------------------------------ what a wake is for

  /**
   * Marks the devices of {@code circuitsByDevice} ({@link DeviceWakeups#circuitsByDevice}) to look
   * again only at the circuits named for each (on top of whatever else is pending for it), and
   * returns them, to be enqueued. A circuit's create, update or delete changes nothing of the other
   * circuits on its devices, so their statuses need not be computed again: that would make every
   * write cost as much as the circuits on its router.
   */
  public Set<String> circuitsChanged(Map<String, Set<String>> circuitsByDevice) {
    circuitsByDevice.forEach((d, ids) -> changed.merge(d, ids, DeviceReconciler::union));
    return circuitsByDevice.keySet();
  }

  /**
   * Marks {@code deviceId} to look again at all its circuits (what its agent or SNMP shows
   * changed), and returns it, to be enqueued.
   */
  public String evidenceChanged(String deviceId) {
    changed.put(deviceId, EVERYTHING);
    return deviceId;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    if (a == EVERYTHING || b == EVERYTHING) {
      return EVERYTHING;
    }
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  /** Every device id, each marked to look again at all its circuits: for the periodic resync. */
  public List<String> allDevices() {
    List<String> ids = cache.list(Kind.DEVICE).stream().map(Device::getId).toList();
    ids.forEach(this::evidenceChanged);
    return ids;
  }
}
