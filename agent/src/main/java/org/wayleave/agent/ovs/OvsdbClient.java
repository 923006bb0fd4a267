package org.wayleave.agent.ovs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of one OVSDB server (RFC 7047: JSON-RPC 1.0 over a stream socket, here the server's Unix
 * socket): {@code transact} (several operations committed atomically, or none), {@code monitor}
 * (the table contents, then every change as the server commits it) and the server's {@code echo}
 * keep-alives, answered. Messages are JSON values back to back on the stream, read by Jackson's
 * streaming parser on one reader thread.
 *
 * <p>When the connection ends, every call waiting for an answer fails with {@link OvsdbException}
 * and the listener given to {@link #onClose} hears it once.
 */
public final class OvsdbClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OvsdbClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The database an Open vSwitch switch keeps its configuration in. */
  public static final String OPEN_VSWITCH = "Open_vSwitch";

  private final SocketChannel channel;
  private final Object writeLock = new Object();
  private final Thread reader;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
  private final Map<String, Consumer<JsonNode>> monitors = new ConcurrentHashMap<>();
  private final Duration timeout;
  private volatile Consumer<Throwable> onClose = e -> {};
  private volatile boolean closed;

  private OvsdbClient(SocketChannel channel, Duration timeout) throws IOException {
    this.channel = channel;
    this.timeout = timeout;
    InputStream in = Channels.newInputStream(channel);
    this.reader = new Thread(() -> readLoop(in), "ovsdb-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Connects to the OVSDB server listening on {@code socket} (e.g. {@code
   * /var/run/openvswitch/db.sock}); every call then waits at most {@code timeout} for its answer.
   *
   * @throws IOException naming the socket if nothing listens there
   */
  public static OvsdbClient connect(Path socket, Duration timeout) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      ch.close();
      throw new IOException("OVSDB at " + socket + ": " + e.getMessage(), e);
    }
    return new OvsdbClient(ch, timeout);
  }

  /** Hears, once, why the connection ended (null when {@link #close} ended it). */
  public void onClose(Consumer<Throwable> listener) {
    this.onClose = listener;
  }

  /** The databases the server holds. */
  public List<String> listDbs() throws OvsdbException {
    JsonNode r = call("list_dbs", NODES.arrayNode());
    return JSON.convertValue(
        r, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  /**
   * Commits {@code operations} on {@code db} as one transaction: all of them, or none.
   *
   * @return one result per operation (e.g. {@code {"uuid": ["uuid", "..."]}} for an insert)
   * @throws OvsdbException if the server refused the transaction (an operation's error, or the
   *     commit's), with the server's error and details; nothing was changed then
   */
  public ArrayNode transact(String db, List<? extends JsonNode> operations) throws OvsdbException {
    ArrayNode params = NODES.arrayNode().add(db);
    operations.forEach(params::add);
    JsonNode r = call("transact", params);
    if (!r.isArray()) {
      throw new OvsdbException("transact: the server answered " + r + ", not a list of results");
    }
    for (int i = 0; i < r.size(); i++) {
      JsonNode one = r.get(i);
      if (one != null && one.hasNonNull("error")) {
        String what = i < operations.size() ? operations.get(i).path("op").asText() : "commit";
        throw new OvsdbException(
            "transaction refused at "
                + what
                + " (operation "
                + (i + 1)
                + " of "
                + operations.size()
                + "): "
                + one.path("error").asText()
                + (one.hasNonNull("details") ? ": " + one.path("details").asText() : ""));
      }
    }
    return (ArrayNode) r;
  }

  /**
   * Starts monitoring {@code db}: {@code requests} maps each table to what to monitor (e.g. {@code
   * {"Port": {"columns": ["name", "tag"]}}}). Returns the tables' contents now; afterwards {@code
   * updates} hears every committed change as a table-updates object, on the reader thread, in
   * order.
   */
  public JsonNode monitor(
      String db, String monitorId, ObjectNode requests, Consumer<JsonNode> updates)
      throws OvsdbException {
    monitors.put(monitorId, updates);
    try {
      return call("monitor", NODES.arrayNode().add(db).add(monitorId).add(requests));
    } catch (OvsdbException e) {
      monitors.remove(monitorId);
      throw e;
    }
  }

  /** Stops the monitor {@code monitorId}. */
  public void cancelMonitor(String monitorId) throws OvsdbException {
    monitors.remove(monitorId);
    call("monitor_cancel", NODES.arrayNode().add(monitorId));
  }

  private JsonNode call(String method, ArrayNode params) throws OvsdbException {
    if (closed) {
      throw new OvsdbException(method + ": the OVSDB connection is closed");
    }
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    ObjectNode request = NODES.objectNode().put("method", method).put("id", id);
    request.set("params", params);
    try {
      send(request);
      JsonNode response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (response.hasNonNull("error")) {
        throw new OvsdbException(method + ": " + response.get("error"));
      }
      return response.path("result");
    } catch (IOException e) {
      throw new OvsdbException(method + ": cannot send: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OvsdbException(method + ": interrupted", e);
    } catch (ExecutionException e) {
      throw new OvsdbException(method + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new OvsdbException(
          method + ": no answer from OVSDB within " + timeout.toMillis() + " ms", e);
    } finally {
      waiting.remove(id);
    }
  }

  private void send(JsonNode message) throws IOException {
    // Straight to the channel: a stream from Channels.newOutputStream would wait for the channel's
    // blocking lock, which the reader's stream holds while it waits for the server.
    ByteBuffer bytes = ByteBuffer.wrap(JSON.writeValueAsBytes(message));
    synchronized (writeLock) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    }
  }

  private void readLoop(InputStream in) {
    Throwable why = null;
    try (JsonParser parser = JSON.getFactory().createParser(in);
        MappingIterator<JsonNode> messages = JSON.readerFor(JsonNode.class).readValues(parser)) {
      while (messages.hasNextValue()) {
        dispatch(messages.nextValue());
      }
    } catch (IOException | RuntimeException e) {
      why = closed ? null : e;
    }
    end(why == null && !closed ? new IOException("the OVSDB server closed the connection") : why);
  }

  private void dispatch(JsonNode message) throws IOException {
    JsonNode method = message.get("method");
    if (method == null) {
      CompletableFuture<JsonNode> f = waiting.get(message.path("id").asLong(-1));
      if (f != null) {
        f.complete(message);
      }
      return;
    }
    switch (method.asText()) {
      case "echo" -> {
        ObjectNode reply = NODES.objectNode();
        reply.set("result", message.path("params"));
        reply.putNull("error");
        reply.set("id", message.get("id"));
        send(reply);
      }
      case "update" -> {
        JsonNode params = message.path("params");
        Consumer<JsonNode> listener = monitors.get(params.path(0).asText());
        if (listener != null) {
          try {
            listener.accept(params.path(1));
          } catch (RuntimeException e) {
            log.warn("OVSDB monitor listener failed", e);
          }
        }
      }
      default -> log.debug("OVSDB: ignoring {}", method.asText());
    }
  }

  private void end(Throwable why) {
    closed = true;
    OvsdbException failure =
        new OvsdbException(
            "the OVSDB connection ended" + (why == null ? "" : ": " + why.getMessage()), why);
    waiting.values().forEach(f -> f.completeExceptionally(failure));
    try {
      onClose.accept(why);
    } catch (RuntimeException e) {
      log.warn("OVSDB close listener failed", e);
    }
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing the OVSDB socket: {}", e.getMessage());
    }
    try {
      reader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
