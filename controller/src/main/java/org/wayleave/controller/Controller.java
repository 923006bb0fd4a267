package org.wayleave.controller;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.api.v1.Resource;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.http.HttpServer;
import org.wayleave.controller.northbound.NorthboundServer;
import org.wayleave.controller.seed.Seeds;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/** One controller process: store, desired-state cache and service, northbound gRPC, HTTP. */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final StateStore store;
  private final ResourceCache cache;
  private final DesiredStateService state;
  private final NorthboundServer northbound;
  private final HttpServer http;
  private final ControllerConfig config;

  private Controller(
      ControllerConfig config,
      StateStore store,
      ResourceCache cache,
      DesiredStateService state,
      NorthboundServer northbound,
      HttpServer http) {
    this.config = config;
    this.store = store;
    this.cache = cache;
    this.state = state;
    this.northbound = northbound;
    this.http = http;
  }

  /**
   * Opens the store, loads seeds, and starts serving.
   *
   * @throws IOException if a port cannot be bound
   */
  public static Controller start(ControllerConfig config) throws IOException {
    log.info("starting controller: data={} bind={} grpc={} http={} seeds={}",
        config.dataDir().toAbsolutePath(), config.bindAddress(), config.grpcPort(), config.httpPort(), config.seeds());
    StateStore store = SqliteStateStore.open(config.dataDir(), config.clock());
    List<AutoCloseable> started = new ArrayList<>();
    started.add(store);
    try {
      ResourceCache cache = ResourceCache.load(store);
      started.add(cache);
      DesiredStateService state = new DesiredStateService(store, cache, config.clock());
      for (String seed : config.seeds()) {
        loadSeed(state, seed);
      }
      NorthboundServer northbound =
          new NorthboundServer(
                  NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress(), config.grpcPort())), state, store)
              .start();
      started.add(() -> northbound.stop(5));
      Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
      checks.put("store", () -> answers(store));
      checks.put("cache", () -> cache.revision() >= store.revision());
      checks.put("northbound", northbound::isServing);
      HttpServer http = HttpServer.start(config.bindAddress(), config.httpPort(), checks);
      Controller c = new Controller(config, store, cache, state, northbound, http);
      log.info("controller ready: northbound gRPC on {}:{}, HTTP on {}:{}, store revision {}",
          config.bindAddress(), northbound.port(), config.bindAddress(), http.port(), store.revision());
      return c;
    } catch (IOException | RuntimeException e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /** True if the store serves a read (a closed or broken store throws). */
  private static boolean answers(StateStore store) {
    store.get(org.wayleave.controller.core.Kind.ROOT);
    return true;
  }

  private static void loadSeed(DesiredStateService state, String name) {
    List<Resource> resources = Seeds.byName(name);
    List<Op> ops = new ArrayList<>(resources.size());
    for (int i = 0; i < resources.size(); i++) {
      ops.add(Op.write(Op.Mode.UPSERT, resources.get(i), "seed." + name + "[" + i + "]"));
    }
    var applied = state.apply(ops, "system:seed", "load seed " + name);
    long changed = applied.changes().stream().filter(c -> c.getAction() != org.wayleave.api.v1.ChangeAction.CHANGE_ACTION_UNCHANGED).count();
    log.info("seed {}: {} objects, {} changed, revision {}", name, resources.size(), changed, applied.revision());
  }

  public DesiredStateService state() {
    return state;
  }

  public StateStore store() {
    return store;
  }

  public int grpcPort() {
    return northbound.port();
  }

  public int httpPort() {
    return http.port();
  }

  public ControllerConfig config() {
    return config;
  }

  /** Stops serving (in-flight calls get a bounded grace period), then closes the store. */
  @Override
  public void close() {
    log.info("stopping controller");
    northbound.stop(5);
    http.close();
    cache.close();
    store.close();
    log.info("controller stopped");
  }
}
