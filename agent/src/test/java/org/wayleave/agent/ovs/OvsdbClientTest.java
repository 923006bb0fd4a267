package org.wayleave.agent.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OvsdbClient} against a real {@code ovsdb-server} (Debian {@code openvswitch-switch}) on a
 * fresh Open_vSwitch database and a socket of the test's own; no switch daemon is needed to read
 * and write the database.
 */
class OvsdbClientTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  OvsdbServer server;
  Path socket;
  OvsdbClient client;

  @BeforeEach
  void startServer() throws Exception {
    server = OvsdbServer.start(dir);
    socket = server.socket();
    client = OvsdbClient.connect(socket, Duration.ofSeconds(5));
  }

  @AfterEach
  void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static ObjectNode op(String json) throws IOException {
    return (ObjectNode) JSON.readTree(json);
  }

  List<String> portNames() throws Exception {
    JsonNode r =
        client
            .transact(
                OvsdbClient.OPEN_VSWITCH,
                List.of(
                    op(
                        "{\"op\":\"select\",\"table\":\"Port\",\"where\":[],\"columns\":[\"name\"]}")))
            .get(0);
    List<String> names = new ArrayList<>();
    r.path("rows").forEach(row -> names.add(row.path("name").asText()));
    names.sort(String::compareTo);
    return names;
  }

  /** A bridge with one internal port, in one transaction, hung from the root row. */
  List<ObjectNode> bridgeWithPort(String bridge, String port) throws IOException {
    return List.of(
        op(
            "{\"op\":\"insert\",\"table\":\"Interface\",\"row\":{\"name\":\""
                + port
                + "\",\"type\":\"internal\"},\"uuid-name\":\"iface\"}"),
        op(
            "{\"op\":\"insert\",\"table\":\"Port\",\"row\":{\"name\":\""
                + port
                + "\",\"interfaces\":[\"named-uuid\",\"iface\"],\"tag\":100},\"uuid-name\":\"port\"}"),
        op(
            "{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":\""
                + bridge
                + "\",\"ports\":[\"named-uuid\",\"port\"]},\"uuid-name\":\"br\"}"),
        op(
            "{\"op\":\"mutate\",\"table\":\"Open_vSwitch\",\"where\":[],\"mutations\":"
                + "[[\"bridges\",\"insert\",[\"set\",[[\"named-uuid\",\"br\"]]]]]}"));
  }

  @Test
  void listsTheServersDatabases() throws Exception {
    assertThat(client.listDbs()).contains(OvsdbClient.OPEN_VSWITCH);
  }

  @Test
  void aTransactionCommitsWhole() throws Exception {
    var results = client.transact(OvsdbClient.OPEN_VSWITCH, bridgeWithPort("br0", "p100"));
    assertThat(results).hasSize(4);
    assertThat(results.get(1).path("uuid").get(0).asText()).isEqualTo("uuid");
    assertThat(portNames()).containsExactly("p100");
  }

  @Test
  void aRefusedTransactionChangesNothingAndSaysWhy() throws Exception {
    client.transact(OvsdbClient.OPEN_VSWITCH, bridgeWithPort("br0", "p100"));
    List<ObjectNode> bad = new ArrayList<>(bridgeWithPort("br1", "p200"));
    // A port's tag must be 0-4095: the whole transaction, the other inserts too, is refused.
    bad.add(
        op(
            "{\"op\":\"update\",\"table\":\"Port\",\"where\":[[\"name\",\"==\",\"p200\"]],"
                + "\"row\":{\"tag\":5000}}"));
    assertThatThrownBy(() -> client.transact(OvsdbClient.OPEN_VSWITCH, bad))
        .isInstanceOf(OvsdbException.class)
        .hasMessageContaining("transaction refused at update (operation 5 of 5)")
        .hasMessageContaining("constraint violation");
    assertThat(portNames()).containsExactly("p100");
  }

  @Test
  void aMonitorHearsChangesMadeBehindTheClientsBack() throws Exception {
    client.transact(OvsdbClient.OPEN_VSWITCH, bridgeWithPort("br0", "p100"));
    List<JsonNode> updates = new CopyOnWriteArrayList<>();
    ObjectNode what = JSON.createObjectNode();
    what.putObject("Port").putArray("columns").add("name").add("tag");
    JsonNode initial = client.monitor(OvsdbClient.OPEN_VSWITCH, "ports", what, updates::add);
    assertThat(initial.path("Port").toString()).contains("p100");

    // Someone at the console, with Open vSwitch's own tool.
    server.vsctl("del-port", "br0", "p100");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> updates.stream().anyMatch(u -> u.path("Port").toString().contains("p100")));
    JsonNode removed = updates.get(updates.size() - 1).path("Port").elements().next();
    assertThat(removed.has("old")).isTrue();
    assertThat(removed.has("new")).isFalse();
  }

  @Test
  void callsFailAndTheListenerHearsItWhenTheServerGoes() throws Exception {
    List<Throwable> heard = new CopyOnWriteArrayList<>();
    client.onClose(e -> heard.add(e == null ? new IOException("none") : e));
    server.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
    assertThat(client.isOpen()).isFalse();
    assertThatThrownBy(() -> client.listDbs())
        .isInstanceOf(OvsdbException.class)
        .hasMessageContaining("closed");
  }
}
