package org.wayleave.simulator.snmp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.wayleave.agent.SimRouter;
import org.wayleave.simulator.SimDevice;
import org.wayleave.simulator.SimDevice.PortSpec;

/**
 * The SNMP view of one {@link SimRouter}, and the handle to make it misbehave.
 *
 * <p><b>What it shows.</b> {@code sysDescr.0}, {@code sysUpTime.0} (since the last boot), {@code
 * sysName.0} (the device id), {@code ifNumber.0}, and IF-MIB {@code ifTable} and {@code ifXTable}
 * with one row per physical port (ifIndex 1..n in the router's port order) and per VLAN
 * sub-interface (the next free ifIndex when first seen, kept while it exists and never given to
 * another name within one boot). See {@link MibView} for the columns and the walk order.
 *
 * <p><b>Traffic.</b> Each sub-interface carries, in and out, a steady share of its bandwidth (20-60
 * %, from a hash of its name, swinging gently over a five-minute period); each port carries what
 * its sub-interfaces carry plus a small base load. Counters are the exact integral of those rates
 * over the injected clock since boot (or since the sub-interface was first seen), so they are
 * monotonic and the same whenever read; ifTable shows their low 32 bits. Nothing flows through an
 * interface that is admin or oper down. Errors and discards stay 0 unless a fault says otherwise.
 *
 * <p><b>Faults</b> (per router, and per interface where it makes sense): {@link #setLinkUp link
 * down/up}, {@link #flap flapping}, {@link #congest congestion}, {@link #errorBurst error bursts},
 * {@link #reboot}, {@link #setSilent silence}, {@link #setLossPercent loss}, {@link #setIfXTable no
 * ifXTable}, and {@link #clearFaults}. Safe for use from any thread.
 *
 * <p>The interfaces and their rows are kept by an {@link InterfaceTable}, and {@link
 * TrafficCounters} runs their counters forward; this class holds the clock, the boots and the
 * faults, and its monitor guards all of it.
 */
public final class RouterMib {
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** Most congestion a fault may set, in percent of the interface's bandwidth. */
  public static final int MAX_CONGESTION_PERCENT = 10_000;

  private final SimRouter router;
  private final LongSupplier clock;
  private final String sysDescr;

  // Guarded by this.
  private long bootNanos;
  private long lastNanos;
  private int boots = 1;
  private final InterfaceTable interfaces;
  private Map<String, IfFaults> faults = Map.of();
  private Set<String> linkDownSubs = Set.of();
  private boolean silent;
  private int lossPercent;
  private boolean ifXTable = true;
  private SplittableRandom random;

  /** A MIB on the system clock. */
  public RouterMib(SimRouter router, List<PortSpec> ports) {
    this(router, ports, System::nanoTime);
  }

  /**
   * @param ports the router's physical ports in order (their ifIndex is 1..n)
   * @param nanoClock monotonic nanoseconds (tests pass a hand-moved clock); uptime and counters run
   *     on it
   */
  public RouterMib(SimRouter router, List<PortSpec> ports, LongSupplier nanoClock) {
    this.router = Objects.requireNonNull(router, "router");
    this.interfaces = new InterfaceTable(ports);
    this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.sysDescr = "Wayleave simulated edge router " + router.deviceId();
    this.bootNanos = clock.getAsLong();
    this.lastNanos = bootNanos;
  }

  /**
   * A MIB for a router whose ports are shown in name order at {@value SimDevice#DEFAULT_PORT_MBPS}
   * Mbit/s.
   */
  public static RouterMib of(SimRouter router) {
    return of(router, System::nanoTime);
  }

  /** As {@link #of(SimRouter)}, on the given clock. */
  public static RouterMib of(SimRouter router, LongSupplier nanoClock) {
    List<PortSpec> ports =
        router.ports().stream()
            .sorted()
            .map(p -> new PortSpec(p, SimDevice.DEFAULT_PORT_MBPS, ""))
            .toList();
    return new RouterMib(router, ports, nanoClock);
  }

  public String deviceId() {
    return router.deviceId();
  }

  public SimRouter router() {
    return router;
  }

  /**
   * The MIB as it is now: counters integrated up to this instant, sub-interfaces as the router
   * carries them.
   */
  public synchronized MibView view() {
    long now = refresh();
    return new MibView(
        sysDescr,
        router.deviceId(),
        (now - bootNanos) / NANOS_PER_TICK,
        ifXTable,
        interfaces.rows(now, faults));
  }

  /** How many times the router has booted (1 at first); v3 shows it as snmpEngineBoots. */
  public synchronized int boots() {
    return boots;
  }

  // ---- faults ----

  /**
   * Takes an interface's link down or brings it back. A sub-interface's oper status is kept by the
   * router ({@link SimRouter#setOperUp}); a port down takes its sub-interfaces down with it.
   *
   * @throws NoSuchElementException naming the interface if the router has none by that name
   */
  public synchronized void setLinkUp(String iface, boolean up) {
    IfState s = require(iface);
    if (s.physical) {
      faults(iface).linkDown = !up;
    } else {
      router.setOperUp(iface, up);
      s.operUp = up;
      linkDownSubs = mutable(linkDownSubs);
      if (up) {
        linkDownSubs.remove(iface);
      } else {
        linkDownSubs.add(iface);
      }
    }
    tidy(iface);
  }

  /**
   * Makes an interface flap: down for {@code period}, up for {@code period}, and so on, from now.
   * {@link Duration#ZERO} stops it.
   */
  public synchronized void flap(String iface, Duration period) {
    if (period.isNegative()) {
      throw new IllegalArgumentException("period: must not be negative (got " + period + ")");
    }
    require(iface);
    faults(iface).flap = period.isZero() ? null : new Flap(lastNanos, period.toNanos());
    tidy(iface);
  }

  /**
   * Makes an interface run at {@code percent} of its bandwidth (of its line rate for a port), in
   * and out; above 100 the excess arriving is also counted as discarded packets (ifInDiscards,
   * 1000-byte packets). A congested port runs at that rate whatever its sub-interfaces carry. 0
   * ends it.
   */
  public synchronized void congest(String iface, int percent) {
    if (percent < 0 || percent > MAX_CONGESTION_PERCENT) {
      throw new IllegalArgumentException(
          "percent: must be within 0-" + MAX_CONGESTION_PERCENT + " (got " + percent + ")");
    }
    require(iface);
    faults(iface).congestPercent = percent;
    tidy(iface);
  }

  /** Makes ifInErrors of an interface grow by {@code perSecond} for {@code duration}, from now. */
  public synchronized void errorBurst(String iface, long perSecond, Duration duration) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("perSecond: must not be negative (got " + perSecond + ")");
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: must not be negative (got " + duration + ")");
    }
    require(iface);
    IfFaults f = faults(iface);
    f.burstFrom = lastNanos;
    f.burstTo = lastNanos + duration.toNanos();
    f.burstPerSecond = perSecond;
    tidy(iface);
  }

  /**
   * Reboots the router: sysUpTime restarts at 0, every counter restarts at 0 (what they held is
   * lost), sub-interfaces are indexed afresh, and the boot count grows. Faults stay.
   */
  public synchronized void reboot() {
    long now = Math.max(lastNanos, clock.getAsLong());
    bootNanos = now;
    lastNanos = now;
    boots++;
    interfaces.boot();
    interfaces.sync(router);
  }

  /** A silent router answers nothing at all. */
  public synchronized void setSilent(boolean on) {
    silent = on;
  }

  public synchronized boolean silent() {
    return silent;
  }

  /** Drops this share of requests, at random, without answering. */
  public synchronized void setLossPercent(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent: must be within 0-100 (got " + percent + ")");
    }
    lossPercent = percent;
    if (percent > 0 && random == null) {
      random = new SplittableRandom(router.deviceId().hashCode());
    }
  }

  public synchronized int lossPercent() {
    return lossPercent;
  }

  /**
   * Off: the router answers as an old device with ifTable only (32-bit counters), ifXTable is
   * noSuchObject.
   */
  public synchronized void setIfXTable(boolean on) {
    ifXTable = on;
  }

  public synchronized boolean hasIfXTable() {
    return ifXTable;
  }

  /** Whether to answer the next request: not when silent, and not for the lost share. */
  public synchronized boolean shouldAnswer() {
    return !silent && (lossPercent == 0 || random.nextInt(100) >= lossPercent);
  }

  /**
   * Ends every fault: links taken down through this MIB come back up, nothing flaps, is congested,
   * errs, is silent or lost, and ifXTable is back.
   */
  public synchronized void clearFaults() {
    refresh();
    for (String name : linkDownSubs) {
      router.setOperUp(name, true);
      IfState s = interfaces.subInterface(name);
      if (s != null) {
        s.operUp = true;
      }
    }
    linkDownSubs = Set.of();
    faults = Map.of();
    silent = false;
    lossPercent = 0;
    ifXTable = true;
  }

  /** The faults in force, one line each (for people looking at a running simulator). */
  public synchronized List<String> activeFaults() {
    long now = refresh();
    List<String> out = new ArrayList<>();
    if (silent) {
      out.add("silent");
    }
    if (lossPercent > 0) {
      out.add("loss " + lossPercent + "%");
    }
    if (!ifXTable) {
      out.add("no ifXTable");
    }
    for (String name : linkDownSubs) {
      out.add(name + " link down");
    }
    faults.forEach(
        (name, f) -> {
          if (f.linkDown) {
            out.add(name + " link down");
          }
          if (f.flap != null) {
            out.add(name + " flapping every " + f.flap.periodNanos() / 1_000_000 + " ms");
          }
          if (f.congestPercent > 0) {
            out.add(name + " congested at " + f.congestPercent + "%");
          }
          if (f.burstPerSecond > 0 && now < f.burstTo) {
            out.add(
                name
                    + " "
                    + (long) f.burstPerSecond
                    + " errors/s for "
                    + (f.burstTo - now) / 1_000_000_000L
                    + " s more");
          }
        });
    return out;
  }

  // ---- the model ----

  /** Integrates the counters up to now, then takes in the router's current sub-interfaces. */
  private long refresh() {
    long now = Math.max(lastNanos, clock.getAsLong());
    if (now > lastNanos) {
      TrafficCounters.advance(interfaces, faults, bootNanos, lastNanos, now);
      lastNanos = now;
    }
    interfaces.sync(router);
    return now;
  }

  /**
   * The interface's state, brought up to now; the counters are integrated before any fault changes
   * how they grow.
   */
  private IfState require(String iface) {
    if (iface == null || iface.isEmpty()) {
      throw new IllegalArgumentException("interface: must not be empty");
    }
    refresh();
    IfState s = interfaces.find(iface);
    if (s == null) {
      throw new NoSuchElementException(
          "interface: no interface '" + iface + "' on " + router.deviceId());
    }
    return s;
  }

  private IfFaults faults(String iface) {
    if (faults.isEmpty()) {
      faults = new HashMap<>(4);
    }
    return faults.computeIfAbsent(iface, k -> new IfFaults());
  }

  private void tidy(String iface) {
    IfFaults f = faults.get(iface);
    if (f != null && f.isEmpty()) {
      faults.remove(iface);
    }
  }

  private static <T> Set<T> mutable(Set<T> set) {
    return set instanceof HashSet<T> ? set : new HashSet<>(set);
  }

  @Override
  public String toString() {
    return "RouterMib[" + router.deviceId() + "]";
  }
}
