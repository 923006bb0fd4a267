package org.wayleave.controller.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.Site;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.core.CircuitEnds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.telemetry.LinkJudge;
import org.wayleave.controller.telemetry.OsNames;
import org.wayleave.controller.telemetry.Telemetry;
import org.wayleave.controller.telemetry.TelemetryConfig;

/**
 * The per-circuit and per-device series: one entry per circuit and device in the desired-state
 * cache, kept up to date by the cache's listener (circuits created later appear, deleted ones
 * disappear with all their series). A scrape reads only memory: these entries, and what {@link
 * Telemetry} holds for each router. It never reads the store.
 *
 * <p>Labels are bounded: {@code circuit}, {@code council}, {@code supplier} (plus {@code phase},
 * one of the nine phase names, on {@code wayleave_circuit_phase}), and {@code device}, {@code
 * council} on {@code wayleave_device_reachable}. A value that is not known (never polled, no rate
 * yet, the router not answering, no LinkUp verdict) has no sample at all, rather than a NaN that
 * would poison a {@code sum()}.
 */
final class InventoryCollector implements MultiCollector {

  static final String CIRCUIT_INFO = "wayleave_circuit"; // exposed as wayleave_circuit_info
  static final String CIRCUIT_PHASE = "wayleave_circuit_phase";
  static final String CIRCUIT_LINK_UP = "wayleave_circuit_link_up";
  static final String CIRCUIT_IN = "wayleave_circuit_in_bytes_per_second";
  static final String CIRCUIT_OUT = "wayleave_circuit_out_bytes_per_second";
  static final String CIRCUIT_UTILISATION = "wayleave_circuit_utilisation_ratio";
  static final String CIRCUIT_ERRORS = "wayleave_circuit_errors_per_second";
  static final String CIRCUIT_COMMITTED = "wayleave_circuit_committed_bytes_per_second";
  static final String DEVICE_REACHABLE = "wayleave_device_reachable";

  /** Devices with more interfaces than this get a name index for the length of one scrape. */
  private static final int INDEX_ABOVE = 32;

  /**
   * The phases a circuit can be in, each a {@code phase} label value, in the order of their names:
   * with circuits in id order too, data points arrive in the order the snapshot sorts them into,
   * which keeps that sort linear.
   */
  static final List<CircuitPhase> PHASES =
      Arrays.stream(CircuitPhase.values())
          .filter(
              p -> p != CircuitPhase.CIRCUIT_PHASE_UNSPECIFIED && p != CircuitPhase.UNRECOGNIZED)
          .sorted(Comparator.comparing(InventoryCollector::phaseName))
          .toList();

  private static final List<String> PHASE_NAMES =
      PHASES.stream().map(InventoryCollector::phaseName).toList();

  /** One end of a circuit: the router and the sub-interface as Wayleave names it. */
  private record End(String device, String subInterface) {}

  /**
   * A circuit as the metrics need it; replaced whole on every change, so scrapes see it consistent.
   */
  private record CircuitEntry(
      String id,
      Labels labels,
      long committedMbps,
      List<End> ends,
      CircuitPhase phase,
      ConditionStatus linkUp) {}

  private record DeviceEntry(String id, Labels labels) {}

  private final ResourceCache cache;
  private final Telemetry telemetry; // null when the controller does not poll
  private final TelemetryConfig config;
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
  InventoryCollector(
      ResourceCache cache, Telemetry telemetry, TelemetryConfig config, OsNames osNames) {
    this.cache = cache;
    this.telemetry = telemetry;
    this.config = config;
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
    Circuit withStatus = cache.withStatus(c);
    CircuitStatus st = withStatus.getStatus();
    ConditionStatus linkUp = null;
    for (Condition cond : st.getConditionsList()) {
      if (cond.getType().equals("LinkUp")) {
        linkUp = cond.getStatus();
      }
    }
    List<End> ends = new ArrayList<>(2);
    for (Termination t : CircuitEnds.of(c)) {
      if (t.hasCTag()) {
        ends.add(new End(t.getDevice(), SubInterfaces.of(c, t).getName()));
      }
    }
    Labels labels =
        Labels.of(
            "circuit",
            id,
            "council",
            c.getSpec().getCouncil(),
            "supplier",
            c.getSpec().getSupplier());
    circuits.put(
        id,
        new CircuitEntry(
            id, labels, c.getSpec().getCommittedMbps(), List.copyOf(ends), st.getPhase(), linkUp));
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
    devices.put(id, new DeviceEntry(id, Labels.of("device", id, "council", council)));
  }

  // ------------------------------------------------------------------ scrape

  @Override
  public List<String> getPrometheusNames() {
    return List.of(
        CIRCUIT_INFO,
        CIRCUIT_PHASE,
        CIRCUIT_LINK_UP,
        CIRCUIT_IN,
        CIRCUIT_OUT,
        CIRCUIT_UTILISATION,
        CIRCUIT_ERRORS,
        CIRCUIT_COMMITTED,
        DEVICE_REACHABLE);
  }

  @Override
  public MetricSnapshots collect() {
    Scrape scrape = new Scrape();
    Map<Telemetry.DeviceView, Index> indexes = new IdentityHashMap<>();
    Map<String, Telemetry.DeviceView> views = new HashMap<>();
    for (CircuitEntry c : circuits.values()) {
      scrape.plan(c);
      if (telemetry != null) {
        traffic(c, scrape, views, indexes);
      }
    }
    if (telemetry != null) {
      for (DeviceEntry d : devices.values()) {
        Telemetry.DeviceView v = views.computeIfAbsent(d.id(), telemetry::device);
        if (v != null) {
          scrape.reachable.dataPoint(gauge(d.labels(), v.reachable() ? 1 : 0));
        }
      }
    }
    return scrape.build();
  }

  /**
   * A circuit's rates (at its A-end), its busiest end's utilisation and its ends' problems, from
   * what the routers that answer their polls show; {@code views} and {@code indexes} live for one
   * scrape.
   */
  private void traffic(
      CircuitEntry c,
      Scrape scrape,
      Map<String, Telemetry.DeviceView> views,
      Map<Telemetry.DeviceView, Index> indexes) {
    double peak = Double.NaN;
    double problems = Double.NaN;
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
      if (n == 0) {
        add(scrape.in, c.labels(), i.rates().inBps() / 8);
        add(scrape.out, c.labels(), i.rates().outBps() / 8);
      }
      LinkJudge.Judgement j = LinkJudge.judge(i, c.committedMbps(), config);
      if (!Double.isNaN(j.utilisation())) {
        peak = Double.isNaN(peak) ? j.utilisation() : Math.max(peak, j.utilisation());
      }
      if (!Double.isNaN(j.problemsPerSecond())) {
        problems =
            Double.isNaN(problems) ? j.problemsPerSecond() : problems + j.problemsPerSecond();
      }
    }
    add(scrape.utilisation, c.labels(), peak);
    add(scrape.errors, c.labels(), problems);
  }

  /** The series of one scrape, filled circuit by circuit and device by device. */
  private static final class Scrape {
    final InfoSnapshot.Builder info =
        InfoSnapshot.builder()
            .name(CIRCUIT_INFO)
            .help(
                "One sample of 1 per circuit in the plan, labelled with its council and supplier");
    final GaugeSnapshot.Builder phase =
        GaugeSnapshot.builder()
            .name(CIRCUIT_PHASE)
            .help(
                "1 for the phase the circuit is in, 0 for each other phase (PENDING, PROVISIONING,"
                    + " ACTIVE, DEGRADED, DOWN, DRIFTED, FAILED, DECOMMISSIONING)");
    final GaugeSnapshot.Builder linkUp =
        GaugeSnapshot.builder()
            .name(CIRCUIT_LINK_UP)
            .help(
                "The circuit's LinkUp condition: 1 when SNMP shows every end's interface up (and"
                    + " its port, where SNMP shows it), 0 when an end or its port is down or"
                    + " admin-down; no sample while unknown (not polled yet, router not answering,"
                    + " telemetry off)");
    final GaugeSnapshot.Builder in =
        GaugeSnapshot.builder()
            .name(CIRCUIT_IN)
            .help(
                "Bytes per second received on the circuit's sub-interface at its A-end router"
                    + " (ifHCInOctets rate, multiply by 8 for bit/s); no sample until two polls"
                    + " give a rate or while the router does not answer");
    final GaugeSnapshot.Builder out =
        GaugeSnapshot.builder()
            .name(CIRCUIT_OUT)
            .help(
                "Bytes per second sent on the circuit's sub-interface at its A-end router"
                    + " (ifHCOutOctets rate, multiply by 8 for bit/s); no sample until two polls"
                    + " give a rate or while the router does not answer");
    final GaugeSnapshot.Builder utilisation =
        GaugeSnapshot.builder()
            .name(CIRCUIT_UTILISATION)
            .unit(Unit.RATIO)
            .help(
                "Busier direction over the committed bandwidth (1 = full), at the circuit's busiest"
                    + " end: what the WithinCapacity condition judges");
    final GaugeSnapshot.Builder errors =
        GaugeSnapshot.builder()
            .name(CIRCUIT_ERRORS)
            .help(
                "Inbound and outbound errors plus inbound discards per second, summed over the"
                    + " circuit's ends");
    final GaugeSnapshot.Builder committed =
        GaugeSnapshot.builder()
            .name(CIRCUIT_COMMITTED)
            .help(
                "The circuit's committed bandwidth in bytes per second (committed_mbps * 1e6 / 8)");
    final GaugeSnapshot.Builder reachable =
        GaugeSnapshot.builder()
            .name(DEVICE_REACHABLE)
            .help(
                "1 when the router answered its last SNMP poll, 0 when it did not; no sample before"
                    + " its first poll or when telemetry is off");

    /** What the plan and the circuit's status say: info, phase, LinkUp and committed bandwidth. */
    void plan(CircuitEntry c) {
      info.dataPoint(InfoDataPointSnapshot.builder().labels(c.labels()).build());
      for (int k = 0; k < PHASES.size(); k++) {
        phase.dataPoint(
            gauge(c.labels().add("phase", PHASE_NAMES.get(k)), PHASES.get(k) == c.phase() ? 1 : 0));
      }
      if (c.linkUp() == ConditionStatus.CONDITION_STATUS_TRUE) {
        linkUp.dataPoint(gauge(c.labels(), 1));
      } else if (c.linkUp() == ConditionStatus.CONDITION_STATUS_FALSE) {
        linkUp.dataPoint(gauge(c.labels(), 0));
      }
      if (c.committedMbps() > 0) {
        committed.dataPoint(gauge(c.labels(), c.committedMbps() * 1e6 / 8));
      }
    }

    MetricSnapshots build() {
      return MetricSnapshots.of(
          info.build(),
          phase.build(),
          linkUp.build(),
          in.build(),
          out.build(),
          utilisation.build(),
          errors.build(),
          committed.build(),
          reachable.build());
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

  /** {@code CIRCUIT_PHASE_ACTIVE} as {@code ACTIVE}. */
  static String phaseName(CircuitPhase p) {
    return p.name().substring("CIRCUIT_PHASE_".length());
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static void add(GaugeSnapshot.Builder b, Labels labels, double value) {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      b.dataPoint(gauge(labels, value));
    }
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
