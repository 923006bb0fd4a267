package org.wayleave.controller.northbound;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.InventoryServiceGrpc;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.store.sqlite.SqliteStateStore;

/**
 * The northbound services on a real SQLite store, served in-process, with the London seed loaded.
 */
final class InProcessController implements AutoCloseable {
  final SqliteStateStore store;
  final ResourceCache cache;
  final DesiredStateService state;
  final NorthboundServer server;
  final ManagedChannel channel;
  final CircuitServiceGrpc.CircuitServiceBlockingStub circuits;
  final InventoryServiceGrpc.InventoryServiceBlockingStub inventory;

  InProcessController(Path dir) throws IOException {
    store = SqliteStateStore.open(dir);
    cache = ResourceCache.load(store);
    state = new DesiredStateService(store, cache, Clock.systemUTC());
    state.apply(Op.upserts(Seeds.london(), "seed"), "system:test", "seed");
    String name = InProcessServerBuilder.generateName();
    server = new NorthboundServer(InProcessServerBuilder.forName(name), state, store).start();
    channel = InProcessChannelBuilder.forName(name).build();
    circuits = CircuitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    inventory =
        InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  /** A valid PSN access circuit on Camden's router, port ge-0/0/1, VLAN to be allocated. */
  static Circuit.Builder camden(String id) {
    return Circuit.newBuilder()
        .setId(id)
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil("camden")
                .setSupplier("quillon-carrier")
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(Termination.newBuilder().setDevice("rtr-camden-01").setPort("ge-0/0/1"))
                .setCommittedMbps(10)
                .setAdminState(AdminState.ADMIN_STATE_ENABLED));
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.stop(5);
    cache.close();
    store.close();
  }
}
