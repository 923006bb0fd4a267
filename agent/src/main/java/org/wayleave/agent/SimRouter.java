package org.wayleave.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.base.time.Ticker;

/**
 * An in-memory edge router: physical ports and the VLAN sub-interfaces on them, with their
 * operational status, and switches to make it misbehave. Safe for use from any thread.
 *
 * <p>{@link #put} and {@link #remove} are how a driver changes it; {@link #deleteBehindTheBack} and
 * {@link #addForeign} are somebody else changing it, and tell the {@linkplain #addOutOfBandListener
 * out-of-band listeners}.
 */
public final class SimRouter {

  /** The router refused one item. */
  public static final class RejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    RejectedException(String message) {
      super(message);
    }
  }

  private final String deviceId;
  private final Set<String> ports;
  private final Ticker ticker;
  private final List<Runnable> outOfBandListeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private final TreeMap<String, SubInterface> subInterfaces = new TreeMap<>();
  private final Map<String, Boolean> operUp = new HashMap<>();
  private final Map<String, String> failingItems = new HashMap<>();
  private final List<String> journal = new ArrayList<>();
  private Duration applyDelay = Duration.ZERO;
  private String failAllItems;
  private String unreachable;

  /**
   * A router with the given ports that really sleeps for its {@linkplain #setApplyDelay apply
   * delay}.
   */
  public SimRouter(String deviceId, Collection<String> ports) {
    this(deviceId, ports, Ticker.system());
  }

  /**
   * @param ticker how the apply delay is waited out; tests pass one that does not sleep
   * @throws IllegalArgumentException if {@code deviceId} is empty or a port name is empty
   */
  public SimRouter(String deviceId, Collection<String> ports, Ticker ticker) {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId: must not be empty");
    }
    for (String p : ports) {
      if (p == null || p.isEmpty()) {
        throw new IllegalArgumentException(
            "ports: a port name must not be empty (device " + deviceId + ")");
      }
    }
    this.deviceId = deviceId;
    this.ports = Set.copyOf(new LinkedHashSet<>(ports));
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  public String deviceId() {
    return deviceId;
  }

  /** The physical port names. */
  public Set<String> ports() {
    return ports;
  }

  /** The sub-interfaces carried now, as a configuration sorted by name. */
  public synchronized DeviceConfig config() {
    return DeviceConfig.newBuilder()
        .setDeviceId(deviceId)
        .addAllSubInterfaces(subInterfaces.values())
        .build();
  }

  public synchronized Optional<SubInterface> get(String name) {
    return Optional.ofNullable(subInterfaces.get(name));
  }

  /**
   * Creates or replaces a sub-interface, as a driver's apply does (no out-of-band event). Replacing
   * with an identical one changes nothing.
   *
   * @throws RejectedException if a failure is injected for it, it is malformed, or its port does
   *     not exist; the router is left unchanged
   */
  public synchronized void put(SubInterface s) throws RejectedException {
    checkItem(s.getName());
    Optional<String> problem = SubInterfaces.problem(s);
    if (problem.isPresent()) {
      throw new RejectedException(problem.get());
    }
    if (!ports.contains(s.getPort())) {
      throw new RejectedException("port '" + s.getPort() + "' does not exist on " + deviceId);
    }
    SubInterface old = subInterfaces.put(s.getName(), s);
    if (old == null) {
      operUp.put(s.getName(), true);
      journal.add("create " + s.getName());
    } else if (!old.equals(s)) {
      journal.add("update " + s.getName());
    }
  }

  /**
   * Deletes a sub-interface, as a driver's apply does (no out-of-band event); deleting one that is
   * not there changes nothing.
   *
   * @throws RejectedException if a failure is injected for it; the router is left unchanged
   */
  public synchronized void remove(String name) throws RejectedException {
    checkItem(name);
    if (subInterfaces.remove(name) != null) {
      operUp.remove(name);
      journal.add("delete " + name);
    }
  }

  private void checkItem(String name) throws RejectedException {
    if (failAllItems != null) {
      throw new RejectedException(failAllItems);
    }
    String message = failingItems.get(name);
    if (message != null) {
      throw new RejectedException(message);
    }
  }

  /** Every change made to the sub-interfaces, in order: {@code "create|update|delete <name>"}. */
  public synchronized List<String> journal() {
    return List.copyOf(journal);
  }

  /** How many changes were made to the sub-interfaces, by any means. */
  public synchronized int mutations() {
    return journal.size();
  }

  /** Operational status of a sub-interface: up unless set otherwise; empty if it does not exist. */
  public synchronized Optional<Boolean> operUp(String name) {
    return Optional.ofNullable(operUp.get(name));
  }

  /**
   * Sets the operational status; ignored for a sub-interface that does not exist. Not a config
   * change.
   */
  public synchronized void setOperUp(String name, boolean up) {
    if (subInterfaces.containsKey(name)) {
      operUp.put(name, up);
    }
  }

  // ---- fault injection ----

  /** Runs {@code listener} after every change not made through {@link #put} or {@link #remove}. */
  public void addOutOfBandListener(Runnable listener) {
    outOfBandListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Deletes a sub-interface as someone at the console would.
   *
   * @return false if there was no such sub-interface (and nobody is told)
   */
  public boolean deleteBehindTheBack(String name) {
    synchronized (this) {
      if (subInterfaces.remove(name) == null) {
        return false;
      }
      operUp.remove(name);
      journal.add("delete " + name);
    }
    fireOutOfBand();
    return true;
  }

  /**
   * Adds or replaces a sub-interface the controller did not ask for. It need not be well formed,
   * nor on an existing port: consoles are not validated. Re-adding an identical one changes nothing
   * and tells nobody.
   */
  public void addForeign(SubInterface s) {
    synchronized (this) {
      SubInterface old = subInterfaces.put(s.getName(), s);
      if (s.equals(old)) {
        return;
      }
      operUp.putIfAbsent(s.getName(), true);
      journal.add((old == null ? "create " : "update ") + s.getName());
    }
    fireOutOfBand();
  }

  /** Each apply waits this long before changing anything. */
  public synchronized void setApplyDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("applyDelay: must not be negative (got " + delay + ")");
    }
    applyDelay = delay;
  }

  /** Every item of every apply fails with {@code message}, leaving the router as it was. */
  public synchronized void failApplies(String message) {
    failAllItems = Objects.requireNonNull(message, "message");
  }

  /** Changes to the named sub-interface fail with {@code message}. */
  public synchronized void failItem(String name, String message) {
    failingItems.put(name, Objects.requireNonNull(message, "message"));
  }

  /**
   * The whole router is unreachable: a driver's read and apply fail with {@code message}. The model
   * itself stays readable through {@link #config()}.
   */
  public synchronized void failRouter(String message) {
    unreachable = Objects.requireNonNull(message, "message");
  }

  /** Undoes {@link #failApplies}, {@link #failItem} and {@link #failRouter}. */
  public synchronized void clearFailures() {
    failAllItems = null;
    failingItems.clear();
    unreachable = null;
  }

  /** Why the router is unreachable, or empty if it is reachable. */
  public synchronized Optional<String> unreachable() {
    return Optional.ofNullable(unreachable);
  }

  /** Waits out the apply delay with the router's ticker (outside the lock, so reads go on). */
  public void awaitApplyDelay() throws InterruptedException {
    Duration d;
    synchronized (this) {
      d = applyDelay;
    }
    if (!d.isZero()) {
      ticker.sleep(d);
    }
  }

  private void fireOutOfBand() {
    for (Runnable l : outOfBandListeners) {
      l.run();
    }
  }

  @Override
  public String toString() {
    return "SimRouter[" + deviceId + "]";
  }
}
