package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Resource;
import org.wayleave.controller.Controller;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;

/**
 * The core benchmark's diagnostics: where a create and a batch apply spend their time. Each figure
 * isolates one part of the path (gRPC round trip, planning, the in-process apply, the device's
 * sync, the store transaction and its hand-off to a watcher); all run after the measured phases, on
 * the same controller and filesystem.
 */
final class CoreDiagnostics {
  private final DesiredStateService state;
  private final CoreClient client;
  private final Workload workload;
  private final int diag;
  private final int batch;

  private CoreDiagnostics(
      Controller controller, CoreClient client, Workload workload, int diag, int batch) {
    this.state = controller.state();
    this.client = client;
    this.workload = workload;
    this.diag = diag;
    this.batch = batch;
  }

  /**
   * Every diagnostic, {@code --diag} iterations of each single-item one and {@code runs} of each
   * batch one, as the JSON {@code diagnostics} section.
   *
   * @param createdIds circuits the measured creates made, for the reads
   * @param dataDir where the probes of their own keep their files
   */
  static ObjectNode run(
      Controller controller,
      CoreClient client,
      Workload workload,
      List<String> createdIds,
      Path dataDir,
      int runs,
      CoreOptions o,
      Progress progress)
      throws Exception {
    ObjectNode d = BenchJson.object();
    d.put(
        "about",
        "Each figure isolates one part of the create/apply path; all run after the measured phases,"
            + " on the same controller and filesystem.");
    progress.say("diagnostics: %d of each single-item probe", o.diag);
    CoreDiagnostics diagnostics =
        new CoreDiagnostics(controller, client, workload, o.diag, o.sizes.batch);
    diagnostics.grpc(d, createdIds);
    diagnostics.inProcess(d);
    diagnostics.fileSync(d, dataDir);
    diagnostics.store(d, dataDir, createdIds, runs);
    return d;
  }

  /** A read's gRPC round trip on the full store. */
  private void grpc(ObjectNode d, List<String> createdIds) {
    // What the transport and the server plumbing cost without a write.
    Latency get = FloorPhase.gets(client, createdIds, 0, diag);
    put(
        d,
        "grpc_get_circuit_ms",
        get.brief(),
        "GetCircuit over the same channel: gRPC round trip plus a cache read, no write");
  }

  /** Planning alone, and the create path without gRPC. */
  private void inProcess(ObjectNode d) {
    // Validation, VLAN allocation, port checks, device diff; no store write.
    Latency plan = new Latency();
    for (int i = 1; i <= diag; i++) {
      Circuit c = workload.next("BENCH-P", i);
      long t0 = System.nanoTime();
      state.plan(List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, c, "")), "bench:diag");
      plan.recordSince(t0);
    }
    put(
        d,
        "inprocess_plan_single_ms",
        plan.brief(),
        "DesiredStateService.plan of one new circuit, in process: planning only, no write");

    // Plan + store txn + wait for the cache + read back.
    Latency inproc = new Latency();
    for (int i = 1; i <= diag; i++) {
      Circuit c = workload.next("BENCH-D", i);
      long t0 = System.nanoTime();
      state.apply(
          List.of(Op.write(Op.Mode.CREATE, Kind.CIRCUIT, c, "")),
          "bench:diag",
          "create circuit " + c.getId());
      state.get(Kind.CIRCUIT, c.getId());
      inproc.recordSince(t0);
    }
    put(
        d,
        "inprocess_create_ms",
        inproc.brief(),
        "DesiredStateService.apply of one new circuit plus the read-back CreateCircuit does, in"
            + " process: the create path minus gRPC");
  }

  /** The device underneath SQLite: append 200 bytes to a file and fdatasync it. */
  private void fileSync(ObjectNode d, Path dataDir) throws IOException {
    Latency fsync = new Latency();
    Path f = dataDir.resolve("raw").resolve("fsync-probe.bin");
    Files.createDirectories(f.getParent());
    try (FileChannel ch =
        FileChannel.open(
            f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.allocate(RawSqliteCommit.BLOB_BYTES);
      for (int i = 0; i < CoreBenchmark.RAW_WARMUP + diag; i++) {
        buf.clear();
        long t0 = System.nanoTime();
        ch.write(buf);
        ch.force(false);
        if (i >= CoreBenchmark.RAW_WARMUP) {
          fsync.recordSince(t0);
        }
      }
    }
    put(
        d,
        "file_append_fdatasync_ms",
        fsync.brief(),
        "append 200 bytes to a plain file and force(false) (fdatasync): the device's sync cost"
            + " under SQLite");
  }

  /**
   * The store transaction on a separate store (single and batch), and planning one batch, at the
   * size of a stored circuit and of the measured batch.
   */
  private void store(ObjectNode d, Path dataDir, List<String> createdIds, int runs)
      throws Exception {
    byte[] value =
        state.cache().get(Kind.CIRCUIT, createdIds.get(createdIds.size() - 1)).toByteArray();
    StoreTxnProbe.Result txn =
        StoreTxnProbe.run(
            dataDir.resolve("diag-store"), value, CoreBenchmark.RAW_WARMUP, diag, runs, batch);
    ObjectNode st = txn.txn().brief();
    st.put("value_bytes", value.length);
    put(
        d,
        "store_txn_single_ms",
        st,
        "SqliteStateStore.txn with one compare and one put of a stored circuit's size, on a"
            + " separate fresh store: the durable write");
    put(
        d,
        "store_txn_single_to_watch_ms",
        txn.toWatch().brief(),
        "the same, until a watcher (as the controller's cache) has received the event");
    put(
        d,
        "inprocess_plan_batch_ms",
        Latency.runs(planBatches(runs)),
        "DesiredStateService.plan of one batch of --batch new circuits, in process: planning only,"
            + " no write");
    put(
        d,
        "store_txn_batch_ms",
        Latency.runs(txn.batchTxn()),
        "SqliteStateStore.txn of --batch compares and puts, until a watcher has the event, on the"
            + " separate store: the durable write of one batch");
  }

  /** Wall time of planning each of {@code runs} batches of new circuits, without a write. */
  private List<Long> planBatches(int runs) {
    List<Long> planBatch = new ArrayList<>();
    for (int r = 1; r <= runs; r++) {
      List<Op> ops = new ArrayList<>(batch);
      for (int i = 1; i <= batch; i++) {
        ops.add(
            Op.write(
                Op.Mode.UPSERT,
                Resource.newBuilder().setCircuit(workload.next("BENCH-PB" + r, i)).build(),
                "resources[" + (i - 1) + "]"));
      }
      long t0 = System.nanoTime();
      state.plan(ops, "bench:diag");
      planBatch.add(System.nanoTime() - t0);
    }
    return planBatch;
  }

  private static void put(ObjectNode d, String name, ObjectNode figures, String what) {
    figures.put("what", what);
    d.set(name, figures);
  }
}
