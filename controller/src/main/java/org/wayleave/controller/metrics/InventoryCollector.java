package org.wayleave.controller.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.core.CircuitEnds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.telemetry.OsNames;
import org.wayleave.controller.telemetry.Rates;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * The inventory's series: one per circuit and one per router in the desired-state cache, and a
 * handful per council (see {@link InventoryScrape}). Entries are kept up to date by the cache's
 * listener (circuits created later appear, deleted ones disappear with their series). A scrape
 * reads only memory: these entries, and what {@link Telemetry} holds for each router. It never
 * reads the store.
 *
 * <p>Labels are bounded: {@code circuit}, {@code council}, {@code phase} on {@code
 * wayleave_circuit_up}; {@code council}, {@code supplier}, {@code phase} on the council's circuit
 * counts; {@code council} on its traffic; {@code device}, {@code council} on {@code
 * wayleave_device_reachable}. A value that is not known (never polled, no rate yet, the router not
 * answering) has no sample at all, rather than a NaN that would poison a {@code sum()}.
 */
final class InventoryCollector {

  /** Devices with more interfaces than this get a name index for the length of one scrape. */
  private static final int INDEX_ABOVE = 32;

  /** One end of a circuit: the router and the sub-interface as Wayleave names it. */
  private record End(String device, String subInterface) {}

  /**
   * A circuit as the metrics need it; replaced whole on every change, so scrapes see it consistent.
   *
   * @param line its {@code wayleave_circuit_up} line but for the value: built when the circuit or
   *     its status changes, not at every scrape
   */
  private record CircuitEntry(
      String id,
      String line,
      String council,
      String supplier,
      long committedMbps,
      List<End> ends,
      CircuitPhase phase,
      long revision) {
    CircuitEntry withPhase(String newLine, CircuitPhase newPhase) {
      return new CircuitEntry(
          id, newLine, council, supplier, committedMbps, ends, newPhase, revision);
    }
  }

  private record DeviceEntry(String id, String line) {}

  private final ResourceCache cache;
  private final Telemetry telemetry; // null when the controller does not poll
  private final OsNames osNames;
  private final Map<String, CircuitEntry> circuits = new ConcurrentSkipListMap<>();
  private final Map<String, DeviceEntry> devices = new ConcurrentSkipListMap<>();
  private final Object updates = new Object();
  private volatile boolean closed;

  /**
   * Starts following {@code cache}: registers its listener first, then loads what is there, so no
   * change falls between the two.
   *
   * @param osNames the names routers' OSes give sub-interfaces, looked up at each scrape
   */
  InventoryCollector(ResourceCache cache, Telemetry telemetry, OsNames osNames) {
    this.cache = cache;
    this.telemetry = telemetry;
    this.osNames = osNames;
    cache.addListener((rev, events) -> onEvents(events));
    synchronized (updates) {
      cache.readLock().lock();
      try {
        for (Circuit c : cache.list(Kind.CIRCUIT)) {
          refreshCircuit(c.getId());
        }
        for (Device d : cache.list(Kind.DEVICE)) {
          refreshDevice(d.getId());
        }
      } finally {
        cache.readLock().unlock();
      }
    }
  }

  /**
   * Stops following the cache (the cache has no way to drop a listener; it is told to do nothing).
   */
  void close() {
    closed = true;
    circuits.clear();
    devices.clear();
  }

  int circuitCount() {
    return circuits.size();
  }

  // ------------------------------------------------------------------ following the cache

  private void onEvents(List<StoreEvent> events) {
    if (closed) {
      return;
    }
    Set<String> changedCircuits = new HashSet<>();
    Set<String> changedDevices = new HashSet<>();
    boolean sitesChanged = false;
    for (StoreEvent e : events) {
      String key = e.kv().key();
      if (key.startsWith(Kind.CIRCUIT_STATUS_PREFIX)) {
        changedCircuits.add(key.substring(Kind.CIRCUIT_STATUS_PREFIX.length()));
      } else if (key.startsWith(Kind.CIRCUIT.prefix())) {
        changedCircuits.add(key.substring(Kind.CIRCUIT.prefix().length()));
      } else if (key.startsWith(Kind.DEVICE.prefix())) {
        changedDevices.add(key.substring(Kind.DEVICE.prefix().length()));
      } else if (key.startsWith(Kind.SITE.prefix())) {
        sitesChanged = true; // a site's council labels its devices
      }
    }
    if (changedCircuits.isEmpty() && changedDevices.isEmpty() && !sitesChanged) {
      return;
    }
    // Each refresh reads the cache as it stands now, under one mutex: whichever of two refreshes
    // runs second saw the newer state, so a late event can never put back an older one.
    synchronized (updates) {
      cache.readLock().lock();
      try {
        for (String id : changedCircuits) {
          refreshCircuit(id);
        }
        if (sitesChanged) {
          changedDevices.addAll(devices.keySet());
          for (Device d : cache.unlocked().all(Kind.DEVICE)) {
            changedDevices.add(d.getId());
          }
        }
        for (String id : changedDevices) {
          refreshDevice(id);
        }
      } finally {
        cache.readLock().unlock();
      }
    }
  }

  /** Called holding the cache's read lock. */
  private void refreshCircuit(String id) {
    Circuit c = cache.unlocked().get(Kind.CIRCUIT, id);
    if (c == null) {
      circuits.remove(id);
      return;
    }
    CircuitPhase phase = cache.phaseOf(c);
    CircuitEntry was = circuits.get(id);
    if (was != null && was.revision() == c.getMeta().getRevision()) {
      // Only the status changed (most events at scale): the rest of the entry stands.
      if (was.phase() != phase) {
        circuits.put(
            id, was.withPhase(InventoryScrape.circuitLine(id, was.council(), phase), phase));
      }
      return;
    }
    List<End> ends = new ArrayList<>(2);
    for (Termination t : CircuitEnds.of(c)) {
      if (t.hasCTag()) {
        ends.add(new End(t.getDevice(), SubInterfaces.of(c, t).getName()));
      }
    }
    String council = c.getSpec().getCouncil();
    circuits.put(
        id,
        new CircuitEntry(
            id,
            InventoryScrape.circuitLine(id, council, phase),
            council,
            c.getSpec().getSupplier(),
            c.getSpec().getCommittedMbps(),
            List.copyOf(ends),
            phase,
            c.getMeta().getRevision()));
  }

  /** Called holding the cache's read lock. */
  private void refreshDevice(String id) {
    Device d = cache.unlocked().get(Kind.DEVICE, id);
    if (d == null) {
      devices.remove(id);
      return;
    }
    Site site = d.getSite().isEmpty() ? null : cache.unlocked().get(Kind.SITE, d.getSite());
    String council = site == null ? "" : site.getCouncil();
    devices.put(id, new DeviceEntry(id, InventoryScrape.routerLine(id, council)));
  }

  // ------------------------------------------------------------------ scrape

  /** Appends the inventory's series to {@code out}, in the Prometheus text format (0.0.4). */
  void writeTo(StringBuilder out) {
    InventoryScrape scrape = new InventoryScrape(out, telemetry != null);
    Map<Telemetry.DeviceView, Index> indexes = new IdentityHashMap<>();
    Map<String, Telemetry.DeviceView> views = new HashMap<>();
    for (CircuitEntry c : circuits.values()) {
      InventoryScrape.Council council =
          scrape.circuit(c.line(), c.council(), c.supplier(), c.phase(), c.committedMbps());
      if (telemetry != null) {
        traffic(c, council, views, indexes);
      }
    }
    scrape.councils();
    if (telemetry != null) {
      scrape.routers();
      for (DeviceEntry d : devices.values()) {
        Telemetry.DeviceView v = views.computeIfAbsent(d.id(), telemetry::device);
        if (v != null) {
          scrape.router(d.line(), v.reachable());
        }
      }
    }
  }

  /**
   * Adds a circuit's rates (at its A-end) and its ends' errors to its council's sums, from what the
   * routers that answer their polls show; {@code views} and {@code indexes} live for one scrape.
   */
  private void traffic(
      CircuitEntry c,
      InventoryScrape.Council council,
      Map<String, Telemetry.DeviceView> views,
      Map<Telemetry.DeviceView, Index> indexes) {
    for (int n = 0; n < c.ends().size(); n++) {
      End e = c.ends().get(n);
      Telemetry.DeviceView d = views.computeIfAbsent(e.device(), telemetry::device);
      if (d == null || !d.reachable()) {
        continue; // the last rates of a silent router are history, not a current value
      }
      Telemetry.InterfaceView i =
          find(d, osNames.osName(e.device(), e.subInterface()), c.id(), indexes);
      if (i == null) {
        continue;
      }
      Rates r = i.rates();
      if (n == 0 && !Double.isNaN(r.inBps()) && !Double.isNaN(r.outBps())) {
        council.measured(r.inBps(), r.outBps());
      }
      if (!Double.isNaN(r.problemsPerSecond())) {
        council.problems(r.problemsPerSecond());
      }
    }
  }

  /**
   * How many routers in the plan answered (or did not answer) their last poll; 0 when telemetry is
   * off.
   */
  int routers(boolean answering) {
    if (telemetry == null) {
      return 0;
    }
    int n = 0;
    for (DeviceEntry d : devices.values()) {
      Telemetry.DeviceView v = telemetry.device(d.id());
      if (v != null && v.reachable() == answering) {
        n++;
      }
    }
    return n;
  }

  /** A router's interfaces by name and by alias, built once per scrape. */
  private record Index(
      Map<String, Telemetry.InterfaceView> byName, Map<String, Telemetry.InterfaceView> byAlias) {
    static Index of(Telemetry.DeviceView d) {
      Map<String, Telemetry.InterfaceView> names = new HashMap<>(d.interfaces().size() * 2);
      Map<String, Telemetry.InterfaceView> aliases = new HashMap<>(d.interfaces().size() * 2);
      for (Telemetry.InterfaceView i : d.interfaces()) {
        names.putIfAbsent(i.name(), i);
        if (!i.alias().isEmpty()) {
          aliases.putIfAbsent(i.alias(), i);
        }
      }
      return new Index(names, aliases);
    }
  }

  /**
   * As {@link Telemetry.DeviceView#find}: by name, else by alias. A router with many interfaces is
   * indexed once per scrape instead of scanned once per circuit.
   */
  private static Telemetry.InterfaceView find(
      Telemetry.DeviceView d, String name, String alias, Map<Telemetry.DeviceView, Index> indexes) {
    if (d.interfaces().size() <= INDEX_ABOVE) {
      return d.find(name, alias);
    }
    Index index = indexes.computeIfAbsent(d, Index::of);
    Telemetry.InterfaceView i = index.byName().get(name);
    return i != null || alias.isEmpty() ? i : index.byAlias().get(alias);
  }
}
