package org.wayleave.bench;

import java.nio.file.Path;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.Controller;
import org.wayleave.controller.ControllerConfig;
import org.wayleave.controller.store.etcd.EtcdSettings;

/**
 * The HA benchmark's first part: the same measurements of the core benchmark ({@link CreatePhase}'s
 * sequential creates after warm-up, {@link ApplyPhase}'s batch Apply) against an in-process
 * controller on the embedded SQLite store, then against one on a 3-member etcd cluster started for
 * it, each over gRPC on loopback and each on a fresh, seeded store.
 */
final class StoreComparison {
  private StoreComparison() {}

  /** One store's figures. */
  record StoreFigures(CreatePhase.Result create, ApplyPhase.Result apply) {}

  /** Both stores' figures, and the etcd cluster the etcd side ran on. */
  record Result(StoreFigures sqlite, StoreFigures etcd, int etcdMembers) {}

  static Result run(HaOptions o, Path etcd, Path dataDir, Progress progress) throws Exception {
    progress.say("stores: SQLite in %s", dataDir.resolve("sqlite"));
    StoreFigures sqlite = measure(CoreSession.config(dataDir.resolve("sqlite")), o.sizes, progress);
    progress.say("stores: starting a %d-member etcd cluster on loopback", HaOptions.ETCD_MEMBERS);
    try (EtcdCluster cluster =
        EtcdCluster.start(
            etcd, dataDir.resolve("etcd-stores"), HaOptions.ETCD_MEMBERS, o.keepData)) {
      progress.say("stores: etcd at %s", cluster.storeUrl());
      ControllerConfig config =
          CoreSession.config(dataDir.resolve("controller-on-etcd"))
              .withStore(
                  EtcdSettings.parse(cluster.storeUrl()).withMaxTxnOps(EtcdCluster.MAX_TXN_OPS),
                  "bench-store");
      return new Result(sqlite, measure(config, o.sizes, progress), cluster.members());
    }
  }

  /** Starts a controller on {@code config}, then runs the creates and the applies against it. */
  private static StoreFigures measure(ControllerConfig config, StoreSizes o, Progress progress)
      throws Exception {
    Workload workload = Workload.of(Seeds.byName(CoreBenchmark.SEED));
    try (Controller controller = Controller.start(config);
        CoreClient client =
            CoreClient.connect(controller.grpcPort(), workload.targets().get(0).council())) {
      CreatePhase.Result create = CreatePhase.run(client, workload, o, progress);
      progress.say("create p50 %.2f ms", create.latency().percentileMs(50));
      ApplyPhase.Result apply = ApplyPhase.run(client, workload, o, progress);
      return new StoreFigures(create, apply);
    }
  }
}
