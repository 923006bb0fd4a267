package org.wayleave.bench;

import java.util.ArrayList;
import java.util.List;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.CircuitServiceGrpc;

/**
 * The core benchmark's batch phase: Apply calls each carrying {@code --batch} new circuits,
 * unmeasured warm-up ones first so the JIT has compiled the batch path, then the measured ones,
 * each on fresh ids.
 */
final class ApplyPhase {
  private ApplyPhase() {}

  /** Wall time of each measured Apply, and the size of the last request and response. */
  record Result(List<Long> nanos, long requestBytes, long responseBytes) {}

  static Result run(CoreClient client, Workload workload, StoreSizes o, Progress progress) {
    for (int w = 1; w <= o.batchWarmup; w++) {
      ApplyRequest req = CoreClient.batch(workload, "BENCH-AW" + w, 1, o.batch);
      progress.say("apply warm-up %d/%d: %d circuits", w, o.batchWarmup, o.batch);
      client.applyAllNew(req, o.batch);
    }
    List<Long> applyNanos = new ArrayList<>();
    long requestBytes = 0;
    long responseBytes = 0;
    for (int r = 1; r <= o.batchRuns; r++) {
      ApplyRequest request = CoreClient.batch(workload, "BENCH-A" + r, 1, o.batch);
      requestBytes = request.getSerializedSize();
      progress.say(
          "apply run %d/%d: %d circuits (%d bytes)", r, o.batchRuns, o.batch, requestBytes);
      CircuitServiceGrpc.CircuitServiceBlockingStub stub = client.circuits();
      long t0 = System.nanoTime();
      ApplyResponse resp = stub.apply(request);
      long nanos = System.nanoTime() - t0;
      CoreClient.checkAllCreated(resp, o.batch);
      responseBytes = resp.getSerializedSize();
      applyNanos.add(nanos);
      progress.say("apply run %d: %.1f ms", r, nanos / 1e6);
    }
    return new Result(applyNanos, requestBytes, responseBytes);
  }
}
