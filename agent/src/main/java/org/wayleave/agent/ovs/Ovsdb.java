package org.wayleave.agent.ovs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** OVSDB's JSON notation for atoms, sets and maps (RFC 7047, section 5.1). */
final class Ovsdb {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Ovsdb() {}

  /** The UUIDs in a set of UUIDs, which OVSDB sends as one {@code ["uuid", u]} when it has one. */
  static List<String> uuids(JsonNode set) {
    List<String> out = new ArrayList<>();
    if ("uuid".equals(set.path(0).asText())) {
      out.add(set.path(1).asText());
    } else if ("set".equals(set.path(0).asText())) {
      for (JsonNode u : set.path(1)) {
        out.add(u.path(1).asText());
      }
    }
    return out;
  }

  /** A {@code ["map", [[k, v], ...]]} as a sorted map of strings. */
  static Map<String, String> map(JsonNode map) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode pair : map.path(1)) {
      out.put(pair.path(0).asText(), pair.path(1).asText());
    }
    return out;
  }

  /** {@code ["map", [[k, v], ...]]}. */
  static ArrayNode map(Map<String, String> entries) {
    ArrayNode pairs = NODES.arrayNode();
    entries.forEach((k, v) -> pairs.add(NODES.arrayNode().add(k).add(v)));
    return NODES.arrayNode().add("map").add(pairs);
  }

  /** {@code ["set", [a, b, ...]]} of integers. */
  static ArrayNode intSet(List<Integer> values) {
    ArrayNode items = NODES.arrayNode();
    values.forEach(items::add);
    return NODES.arrayNode().add("set").add(items);
  }

  /** {@code ["set", [[kind, id], ...]]} of UUIDs or named UUIDs. */
  static ArrayNode refSet(String kind, List<String> ids) {
    ArrayNode items = NODES.arrayNode();
    ids.forEach(id -> items.add(NODES.arrayNode().add(kind).add(id)));
    return NODES.arrayNode().add("set").add(items);
  }

  /**
   * Operations that ask the switch daemon to take the transaction's configuration, as {@code
   * ovs-vsctl} does: {@code next_cfg} is incremented, and the last operation's result holds its new
   * value, which {@code cur_cfg} reaches once the daemon has applied it.
   */
  static List<ObjectNode> bumpNextCfg() {
    ObjectNode bump = NODES.objectNode().put("op", "mutate").put("table", "Open_vSwitch");
    bump.putArray("where");
    bump.putArray("mutations").add(NODES.arrayNode().add("next_cfg").add("+=").add(1));
    ObjectNode read = NODES.objectNode().put("op", "select").put("table", "Open_vSwitch");
    read.putArray("where");
    read.putArray("columns").add("next_cfg");
    return List.of(bump, read);
  }
}
