package org.wayleave.agent.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.agent.ApplyOutcome;
import org.wayleave.agent.Driver;
import org.wayleave.agent.DriverException;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.ItemError;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.concurrent.DaemonThreads;
import org.wayleave.base.config.ConfigDiff;

/**
 * A router that is an Open vSwitch bridge, driven through its database (OVSDB).
 *
 * <p><b>Model.</b> Each of the device's ports is an OVS port on {@code bridge} ({@code ports} maps
 * the device's names, such as {@code ge-0/0/1}, to the OVS ones, which are Linux interface names
 * and so cannot hold a {@code /}: {@code ge-0-0-1}). A sub-interface {@code ge-0/0/1.100} is an
 * internal port {@code ge-0-0-1.100} with tag 100, whose {@code external_ids} carry the
 * sub-interface's name, its port, the circuit id, the committed bandwidth and the admin state: what
 * {@link #read} reports, with the tag as OVS holds it. A parent port passes only the VLANs of its
 * sub-interfaces ({@code trunks}), and the uplink, if any, those of every sub-interface; a port
 * with none passes only VLAN 4095, which 802.1Q reserves (an empty {@code trunks} would pass every
 * VLAN). An internal port named like a sub-interface of a mapped port but not made by this driver
 * is reported too (without a circuit id), so the controller sees it and removes it.
 *
 * <p><b>Apply</b> is the difference against what OVS holds, sent as one OVSDB transaction: the
 * switch ends on the old configuration or on the new one, never half. An item the driver cannot
 * express (a port with no OVS port, a QinQ s-tag) fails on its own and is left out; when OVS
 * refuses the transaction, every item in it fails with OVS's reason and nothing changed.
 *
 * <p><b>Out-of-band changes</b> come from an OVSDB monitor on the ports: any change heard is passed
 * on, and the agent reads the router and reports what differs. The driver's own applies are heard
 * too; reading them back finds nothing to report.
 */
public final class OvsDriver implements Driver {
  /** The external_ids keys this driver writes. */
  static final String SUB_INTERFACE = "wayleave-sub-interface";

  static final String PORT = "wayleave-port";
  static final String CIRCUIT = "wayleave-circuit";
  static final String BANDWIDTH = "wayleave-bandwidth-mbps";
  static final String ADMIN_UP = "wayleave-admin-up";

  /** The VLAN a port with no sub-interface passes: reserved by 802.1Q, so nothing. */
  static final int CLOSED_VLAN = 4095;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final OvsdbClient db;
  private final String deviceId;
  private final String bridge;
  private final Map<String, String> ports;
  private final String uplink;
  private final Datapath datapath;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean resyncPending = new AtomicBoolean();

  /** How often the rates and links are checked against what the driver set. */
  static final Duration AUDIT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(OvsDriver.class);

  /** One daemon thread for every driver's datapath resyncs: they are rare and short. */
  private static final ScheduledExecutorService RESYNC =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wayleave-ovs-resync"));

  /**
   * True while this driver's own transaction is out: ovsdb-server sends a monitor's update on the
   * same connection before the transaction's reply, so what is heard meanwhile is our own doing.
   */
  private volatile boolean applying;

  /**
   * @param db the switch's database
   * @param deviceId the device this switch is
   * @param bridge the bridge the device's ports are on
   * @param ports the device's port names to OVS port names
   * @param uplink the device port that carries every circuit's VLAN onward, or null for none
   */
  public OvsDriver(
      OvsdbClient db, String deviceId, String bridge, Map<String, String> ports, String uplink) {
    this(db, deviceId, bridge, ports, uplink, null);
  }

  /**
   * As above, with the switch daemon: each apply then waits until {@code ovs-vswitchd} has made the
   * database's ports real, and sets their rates and link states ({@link Datapath}).
   *
   * @param datapath the switch beside the database, or null when only the database is driven
   */
  OvsDriver(
      OvsdbClient db,
      String deviceId,
      String bridge,
      Map<String, String> ports,
      String uplink,
      Datapath datapath) {
    this.datapath = datapath;
    this.db = Objects.requireNonNull(db, "db");
    this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
    this.bridge = Objects.requireNonNull(bridge, "bridge");
    this.ports = Map.copyOf(ports);
    if (uplink != null && !ports.containsKey(uplink)) {
      throw new IllegalArgumentException("uplink: '" + uplink + "' is not one of the ports");
    }
    this.uplink = uplink;
  }

  /** Starts hearing changes made to the switch's ports behind the agent's back. */
  public void monitor() throws DriverException {
    ObjectNode what = NODES.objectNode();
    what.putObject("Port").putArray("columns").add("name").add("tag").add("external_ids");
    what.putObject("Bridge").putArray("columns").add("ports");
    if (datapath != null) {
      // A switch daemon restarted forgets meters and flows without a word in the database, and a
      // link set down by hand is not the database's either: both are audited every few seconds.
      RESYNC.scheduleWithFixedDelay(
          this::resyncSoon, AUDIT.toMillis(), AUDIT.toMillis(), TimeUnit.MILLISECONDS);
    }
    try {
      db.monitor(
          OvsdbClient.OPEN_VSWITCH,
          "wayleave-" + deviceId,
          what,
          update -> {
            if (!applying) {
              listeners.forEach(Runnable::run);
            }
          });
    } catch (OvsdbException e) {
      throw new DriverException("cannot monitor OVS: " + e.getMessage(), e);
    }
  }

  /**
   * Sets the datapath again on a thread of its own (not the database connection's, whose replies it
   * needs), once for any number of changes heard meanwhile.
   */
  private void resyncSoon() {
    if (resyncPending.compareAndSet(false, true)) {
      RESYNC.execute(
          () -> {
            resyncPending.set(false);
            try {
              auditDatapath();
            } catch (DriverException | RuntimeException e) {
              log.warn(
                  "agent {}: cannot set OVS rates and links again: {}", deviceId, e.getMessage());
            }
          });
    }
  }

  @Override
  public void onOutOfBandChange(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Linux's names: each mapped port's OVS name ({@code ge-0-0-1}), and each sub-interface's
   * internal port ({@code ge-0-0-1.100}), which snmpd reports as ifName and ifDescr.
   */
  @Override
  public Map<String, String> osNames(DeviceConfig actual) {
    Map<String, String> names = new TreeMap<>(ports);
    for (SubInterface s : actual.getSubInterfacesList()) {
      String parent = ports.get(s.getPort());
      if (parent != null && s.getSTag() == 0) {
        names.put(s.getName(), parent + "." + s.getCTag());
      }
    }
    return names;
  }

  // ---------------------------------------------------------------- read

  /** A port of the bridge as OVS holds it. */
  record OvsPort(String uuid, String name, int tag, Map<String, String> externalIds) {}

  @Override
  public DeviceConfig read() throws DriverException {
    return configOf(bridgePorts());
  }

  private List<OvsPort> bridgePorts() throws DriverException {
    ObjectNode bridgeRow = select("Bridge", List.of("ports"), whereName(bridge));
    ObjectNode portRows = select("Port", List.of("_uuid", "name", "tag", "external_ids"), null);
    ArrayNode r;
    try {
      r = db.transact(OvsdbClient.OPEN_VSWITCH, List.of(bridgeRow, portRows));
    } catch (OvsdbException e) {
      throw new DriverException("cannot read OVS: " + e.getMessage(), e);
    }
    JsonNode rows = r.get(0).path("rows");
    if (rows.isEmpty()) {
      throw new DriverException("OVS has no bridge '" + bridge + "'");
    }
    TreeSet<String> onBridge = new TreeSet<>(Ovsdb.uuids(rows.get(0).path("ports")));
    List<OvsPort> out = new ArrayList<>();
    for (JsonNode row : r.get(1).path("rows")) {
      String uuid = row.path("_uuid").get(1).asText();
      if (onBridge.contains(uuid)) {
        JsonNode tag = row.path("tag");
        out.add(
            new OvsPort(
                uuid,
                row.path("name").asText(),
                tag.isInt() ? tag.asInt() : 0,
                Ovsdb.map(row.path("external_ids"))));
      }
    }
    return out;
  }

  private DeviceConfig configOf(List<OvsPort> onBridge) {
    List<SubInterface> subs = new ArrayList<>();
    for (OvsPort p : onBridge) {
      SubInterface s = subInterfaceOf(p);
      if (s != null) {
        subs.add(s);
      }
    }
    subs.sort(Comparator.comparing(SubInterface::getName));
    return DeviceConfig.newBuilder().setDeviceId(deviceId).addAllSubInterfaces(subs).build();
  }

  /** The sub-interface an OVS port stands for, or null when it stands for none. */
  private SubInterface subInterfaceOf(OvsPort p) {
    Map<String, String> ids = p.externalIds();
    String name = ids.get(SUB_INTERFACE);
    if (name != null) {
      return SubInterface.newBuilder()
          .setName(name)
          .setPort(ids.getOrDefault(PORT, ""))
          .setCTag(p.tag())
          .setAlias(ids.getOrDefault(CIRCUIT, ""))
          .setBandwidthMbps(parseLong(ids.get(BANDWIDTH)))
          .setAdminUp(Boolean.parseBoolean(ids.getOrDefault(ADMIN_UP, "false")))
          .build();
    }
    // Someone else's port named like one of ours: report it, so the controller removes it.
    for (var e : ports.entrySet()) {
      Matcher m = Pattern.compile(Pattern.quote(e.getValue()) + "\\.(\\d{1,4})").matcher(p.name());
      if (m.matches()) {
        return SubInterface.newBuilder()
            .setName(e.getKey() + "." + m.group(1))
            .setPort(e.getKey())
            .setCTag(p.tag())
            .build();
      }
    }
    return null;
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  // ---------------------------------------------------------------- apply

  @Override
  public ApplyOutcome apply(DeviceConfig desired, boolean keepUnowned) throws DriverException {
    if (!desired.getDeviceId().isEmpty() && !desired.getDeviceId().equals(deviceId)) {
      throw new DriverException(
          "desired.device_id: '"
              + desired.getDeviceId()
              + "' is not this router ('"
              + deviceId
              + "')");
    }
    List<OvsPort> before = bridgePorts();
    DeviceConfig actual = configOf(before);
    ConfigDiff diff;
    try {
      diff = ConfigDiff.between(actual, desired, keepUnowned);
    } catch (IllegalArgumentException e) {
      throw new DriverException(e.getMessage(), e);
    }
    if (diff.isEmpty()) {
      syncDatapath(actual, Set.of(), false);
      return new ApplyOutcome(List.of(), actual);
    }
    Map<String, String> uuids = new LinkedHashMap<>();
    for (OvsPort p : before) {
      SubInterface s = subInterfaceOf(p);
      if (s != null) {
        uuids.put(s.getName(), p.uuid());
      }
    }
    OvsTransaction txn = new OvsTransaction(bridge, ports, uuids);
    List<ItemError> refused = diff.applyEach(txn);
    List<ItemError> errors = new ArrayList<>(refused);
    if (!txn.items().isEmpty()) {
      Map<String, List<Integer>> trunks = trunks(desired, refused, actual, keepUnowned);
      txn.setTrunks(trunks);
      List<ObjectNode> ops = new ArrayList<>(txn.operations());
      if (datapath != null) {
        ops.addAll(Ovsdb.bumpNextCfg());
      }
      applying = true;
      try {
        ArrayNode r = db.transact(OvsdbClient.OPEN_VSWITCH, ops);
        if (datapath != null) {
          awaitSwitch(r.get(ops.size() - 1).path("rows").path(0).path("next_cfg").asLong());
        }
      } catch (OvsdbException e) {
        for (SubInterface s : txn.items()) {
          errors.add(
              ItemError.newBuilder()
                  .setName(s.getName())
                  .setAlias(s.getAlias())
                  .setMessage("OVS refused the change: " + e.getMessage())
                  .build());
        }
      } finally {
        applying = false;
      }
    }
    DeviceConfig after = read();
    Set<String> changed = new TreeSet<>();
    txn.items().forEach(i -> changed.add(i.getName()));
    syncDatapath(after, changed, false);
    return new ApplyOutcome(errors, after);
  }

  /**
   * Gives what OVS holds its rates and link states again, as an agent starting does: a push cut
   * short by the agent's death may have left the database on the new configuration (which the
   * controller then finds in sync and does not push again) with its links and meters not yet set.
   */
  public synchronized void resyncDatapath() throws DriverException {
    syncDatapath(read(), Set.of(), false);
  }

  /**
   * As {@link #resyncDatapath}, but the flow table is replaced only when the meters differ from
   * what the sub-interfaces need (a restarted switch daemon has none): the cheap check of the
   * periodic audit and of links changing.
   */
  synchronized void auditDatapath() throws DriverException {
    syncDatapath(read(), Set.of(), true);
  }

  /** Waits until the switch daemon has caught up with configuration {@code nextCfg}. */
  private void awaitSwitch(long nextCfg) throws OvsdbException {
    long deadline = System.nanoTime() + OvsSettings.CALL_TIMEOUT.toNanos();
    ObjectNode q = select("Open_vSwitch", List.of("cur_cfg"), null);
    while (true) {
      ArrayNode r = db.transact(OvsdbClient.OPEN_VSWITCH, List.of(q));
      if (r.get(0).path("rows").path(0).path("cur_cfg").asLong() >= nextCfg) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new OvsdbException(
            "ovs-vswitchd did not take configuration " + nextCfg + " within the timeout");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OvsdbException("interrupted waiting for ovs-vswitchd");
      }
    }
  }

  /**
   * Gives the sub-interfaces OVS holds their rates and link states; {@code changed} names those
   * this apply touched, whose links are set whatever they show (a port just made starts down).
   */
  private synchronized void syncDatapath(
      DeviceConfig actual, Set<String> changed, boolean onlyIfMetersDiffer) throws DriverException {
    if (datapath == null) {
      return;
    }
    Map<String, JsonNode> ifaces = new TreeMap<>();
    try {
      ArrayNode r =
          db.transact(
              OvsdbClient.OPEN_VSWITCH,
              List.of(select("Interface", List.of("name", "ofport", "admin_state"), null)));
      r.get(0).path("rows").forEach(row -> ifaces.put(row.path("name").asText(), row));
    } catch (OvsdbException e) {
      throw new DriverException("cannot read OVS interfaces: " + e.getMessage(), e);
    }
    List<Datapath.Rate> rates = new ArrayList<>();
    Map<String, Boolean> links = new TreeMap<>();
    for (SubInterface s : actual.getSubInterfacesList()) {
      String parent = ports.get(s.getPort());
      if (parent == null || s.getAlias().isEmpty()) {
        continue; // not ours: the controller removes it
      }
      String name = parent + "." + s.getCTag();
      JsonNode iface = ifaces.get(name);
      JsonNode up = ifaces.get(parent);
      if (iface == null || iface.path("ofport").asInt(-1) <= 0) {
        continue;
      }
      boolean isUp = "up".equals(iface.path("admin_state").asText());
      if (changed.contains(s.getName()) || isUp != s.getAdminUp()) {
        links.put(name, s.getAdminUp());
      }
      if (up != null && up.path("ofport").asInt(-1) > 0) {
        rates.add(
            new Datapath.Rate(
                name,
                iface.path("ofport").asInt(),
                up.path("ofport").asInt(),
                s.getCTag(),
                s.getBandwidthMbps()));
      }
    }
    datapath.links(links);
    if (!onlyIfMetersDiffer || !datapath.metersMatch(rates)) {
      datapath.sync(rates);
    }
  }

  /**
   * The VLANs each mapped OVS port should pass once the apply is done: its sub-interfaces' tags
   * (those that apply, plus unowned ones kept), and on the uplink every one of them.
   */
  private Map<String, List<Integer>> trunks(
      DeviceConfig desired, List<ItemError> refused, DeviceConfig actual, boolean keepUnowned) {
    Map<String, TreeSet<Integer>> vlans = new TreeMap<>();
    ports.values().forEach(p -> vlans.put(p, new TreeSet<>()));
    TreeSet<String> failed = new TreeSet<>();
    refused.forEach(e -> failed.add(e.getName()));
    Map<String, SubInterface> after = new LinkedHashMap<>();
    if (keepUnowned) {
      actual.getSubInterfacesList().forEach(s -> after.put(s.getName(), s));
    }
    desired.getSubInterfacesList().stream()
        .filter(s -> !failed.contains(s.getName()))
        .forEach(s -> after.put(s.getName(), s));
    for (SubInterface s : after.values()) {
      String parent = ports.get(s.getPort());
      if (parent != null) {
        vlans.get(parent).add(s.getCTag());
        if (uplink != null) {
          vlans.get(ports.get(uplink)).add(s.getCTag());
        }
      }
    }
    Map<String, List<Integer>> out = new TreeMap<>();
    vlans.forEach(
        (port, set) -> out.put(port, set.isEmpty() ? List.of(CLOSED_VLAN) : List.copyOf(set)));
    return out;
  }

  // ---------------------------------------------------------------- OVSDB helpers

  private static ObjectNode select(String table, List<String> columns, ArrayNode where) {
    ObjectNode op = NODES.objectNode().put("op", "select").put("table", table);
    op.set("where", where == null ? NODES.arrayNode() : where);
    ArrayNode cols = op.putArray("columns");
    columns.forEach(cols::add);
    return op;
  }

  static ArrayNode whereName(String name) {
    return NODES.arrayNode().add(NODES.arrayNode().add("name").add("==").add(name));
  }
}
