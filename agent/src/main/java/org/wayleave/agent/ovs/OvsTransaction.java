package org.wayleave.agent.ovs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.base.config.ConfigDiff;

/**
 * One apply as one OVSDB transaction: {@link ConfigDiff#applyEach} hands it each item, which it
 * turns into operations (or refuses, failing that item alone); {@link #operations} is then the
 * whole transaction, the bridge's port list changed once at its end.
 */
final class OvsTransaction implements ConfigDiff.Items {
  /** Linux's limit on an interface name (IFNAMSIZ less the terminating zero). */
  static final int MAX_IFNAME = 15;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String bridge;
  private final Map<String, String> ports;
  private final Map<String, String> uuidBySubInterface = new HashMap<>();
  private final List<ObjectNode> ops = new ArrayList<>();
  private final List<String> inserted = new ArrayList<>();
  private final List<String> removed = new ArrayList<>();
  private final List<SubInterface> items = new ArrayList<>();

  /**
   * @param uuidBySubInterface the OVS port of each sub-interface the router carries now, by the
   *     sub-interface's name as {@link OvsDriver#read} reports it
   */
  OvsTransaction(String bridge, Map<String, String> ports, Map<String, String> uuidBySubInterface) {
    this.bridge = bridge;
    this.ports = ports;
    this.uuidBySubInterface.putAll(uuidBySubInterface);
  }

  /** The sub-interfaces this transaction changes. */
  List<SubInterface> items() {
    return items;
  }

  @Override
  public void create(SubInterface s) {
    String name = ovsName(s);
    String n = Integer.toString(inserted.size());
    ObjectNode iface = op("insert", "Interface");
    iface.putObject("row").put("name", name).put("type", "internal");
    iface.put("uuid-name", "iface" + n);
    ObjectNode port = op("insert", "Port");
    ObjectNode row = port.putObject("row").put("name", name).put("tag", s.getCTag());
    row.set("interfaces", NODES.arrayNode().add("named-uuid").add("iface" + n));
    row.set("external_ids", Ovsdb.map(externalIds(s)));
    port.put("uuid-name", "port" + n);
    ops.add(iface);
    ops.add(port);
    inserted.add("port" + n);
    items.add(s);
  }

  @Override
  public void update(SubInterface before, SubInterface after) {
    String uuid = uuidOf(before);
    ovsName(after);
    ObjectNode op = op("update", "Port");
    op.set("where", whereUuid(uuid));
    ObjectNode row = op.putObject("row").put("tag", after.getCTag());
    row.set("external_ids", Ovsdb.map(externalIds(after)));
    ops.add(op);
    items.add(after);
  }

  @Override
  public void delete(SubInterface s) {
    removed.add(uuidOf(s));
    items.add(s);
  }

  /** Sets what each mapped OVS port passes ({@code trunks}), by OVS port name. */
  void setTrunks(Map<String, List<Integer>> byPort) {
    byPort.forEach(
        (port, vlans) -> {
          ObjectNode op = op("update", "Port");
          op.set("where", OvsDriver.whereName(port));
          op.putObject("row").set("trunks", Ovsdb.intSet(vlans));
          ops.add(op);
        });
  }

  /** The transaction: the items' operations, then the bridge's port list changed once. */
  List<ObjectNode> operations() {
    List<ObjectNode> all = new ArrayList<>(ops);
    if (!inserted.isEmpty() || !removed.isEmpty()) {
      ObjectNode mutate = op("mutate", "Bridge");
      mutate.set("where", OvsDriver.whereName(bridge));
      ArrayNode mutations = mutate.putArray("mutations");
      if (!removed.isEmpty()) {
        mutations.add(
            NODES.arrayNode().add("ports").add("delete").add(Ovsdb.refSet("uuid", removed)));
      }
      if (!inserted.isEmpty()) {
        mutations.add(
            NODES.arrayNode().add("ports").add("insert").add(Ovsdb.refSet("named-uuid", inserted)));
      }
      all.add(mutate);
    }
    return all;
  }

  /** The OVS port a sub-interface is, refusing what OVS cannot carry here. */
  private String ovsName(SubInterface s) {
    String parent = ports.get(s.getPort());
    if (parent == null) {
      throw new IllegalArgumentException(
          "port '" + s.getPort() + "' has no OVS port on this router (ovs.ports in its config)");
    }
    if (s.getSTag() != 0) {
      throw new IllegalArgumentException("QinQ (s_tag " + s.getSTag() + ") is not supported here");
    }
    String name = parent + "." + s.getCTag();
    if (name.length() > MAX_IFNAME) {
      throw new IllegalArgumentException(
          "OVS port name '" + name + "' is longer than Linux's " + MAX_IFNAME + " characters");
    }
    return name;
  }

  private String uuidOf(SubInterface s) {
    String uuid = uuidBySubInterface.get(s.getName());
    if (uuid == null) {
      throw new IllegalStateException("no OVS port for " + s.getName());
    }
    return uuid;
  }

  private static Map<String, String> externalIds(SubInterface s) {
    Map<String, String> ids = new TreeMap<>();
    ids.put(OvsDriver.SUB_INTERFACE, s.getName());
    ids.put(OvsDriver.PORT, s.getPort());
    ids.put(OvsDriver.CIRCUIT, s.getAlias());
    ids.put(OvsDriver.BANDWIDTH, Long.toString(s.getBandwidthMbps()));
    ids.put(OvsDriver.ADMIN_UP, Boolean.toString(s.getAdminUp()));
    return ids;
  }

  private static ObjectNode op(String op, String table) {
    return NODES.objectNode().put("op", op).put("table", table);
  }

  private static ArrayNode whereUuid(String uuid) {
    return NODES
        .arrayNode()
        .add(NODES.arrayNode().add("_uuid").add("==").add(NODES.arrayNode().add("uuid").add(uuid)));
  }
}
