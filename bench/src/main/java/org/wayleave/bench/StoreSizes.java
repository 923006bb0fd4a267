package org.wayleave.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.wayleave.controller.northbound.CircuitGrpcService;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How much the create and batch phases ({@link CreatePhase}, {@link ApplyPhase}) do: a picocli
 * mixin shared by the core benchmark's and the HA benchmark's flags, with their checks and their
 * lines in the JSON's {@code parameters}.
 */
final class StoreSizes {
  @Option(
      names = "--creates",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured sequential CreateCircuit calls (default: ${DEFAULT-VALUE}).")
  int creates;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "300",
      description = "Unmeasured CreateCircuit calls first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--batch",
      paramLabel = "N",
      defaultValue = "5000",
      description = "New circuits in each measured Apply (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--batch-warmup",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Unmeasured Apply calls before the measured ones, so the JIT has compiled the batch path"
              + " (default: ${DEFAULT-VALUE}).")
  int batchWarmup;

  // No defaultValue: the field's initial value, which each benchmark sets, is the default.
  @Option(
      names = "--batch-runs",
      paramLabel = "N",
      description = "Measured Apply calls, each on fresh ids (default: ${DEFAULT-VALUE}).")
  int batchRuns;

  /** Sizes whose {@code --batch-runs} defaults to {@code batchRuns}. */
  StoreSizes(int batchRuns) {
    this.batchRuns = batchRuns;
  }

  /** Circuits the creates and the applies (warm-up ones too) make. */
  long circuits() {
    return (long) warmup + creates + (long) batch * (batchRuns + batchWarmup);
  }

  /** Fails with a usage error for a size out of bounds. */
  void validate(CommandLine cl) {
    CoreOptions.requireAtLeast(cl, "--creates", creates, 1);
    CoreOptions.requireAtLeast(cl, "--warmup", warmup, 0);
    CoreOptions.requireAtLeast(cl, "--batch", batch, 1);
    CoreOptions.requireAtLeast(cl, "--batch-runs", batchRuns, 1);
    CoreOptions.requireAtLeast(cl, "--batch-warmup", batchWarmup, 0);
    CoreOptions.requireAtMost(
        cl, "--batch", batch, CircuitGrpcService.MAX_BATCH, "the server's Apply limit");
  }

  /** Puts the sizes into a JSON document's {@code parameters}. */
  void put(ObjectNode params) {
    params.put("warmup", warmup);
    params.put("creates", creates);
    params.put("batch", batch);
    params.put("batch_runs", batchRuns);
    params.put("batch_warmup", batchWarmup);
  }
}
