package org.wayleave.bench;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.wayleave.base.seed.Seeds;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The core benchmark's command-line flags (a picocli mixin of {@link CoreBenchmark}), and the
 * checks on them: each size within its bounds, and all of them together within what the seed's
 * routers can hold.
 */
final class CoreOptions {
  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "JSON output (default: bench/results/core-<yyyy-MM-dd>.json under the working"
              + " directory).")
  Path out;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Data directory, empty or absent (default: a fresh directory under"
              + " bench/target/bench-data). Keep it on the real disk, not tmpfs.")
  Path dir;

  @Option(
      names = "--transports",
      paramLabel = "T[,T]",
      defaultValue = "mtls,plaintext",
      split = ",",
      description =
          "Runs, in order, each with a controller of its own: mtls (as deployed: mutual TLS on both"
              + " gRPC ports and HTTPS, the client an engineer with its own certificate),"
              + " plaintext, or both (default: ${DEFAULT-VALUE}).")
  List<String> transports;

  @Option(
      names = "--jit-warmup",
      paramLabel = "N",
      defaultValue = "5000",
      description =
          "Unmeasured CreateCircuit and GetCircuit calls on a throwaway controller of the same"
              + " transport first, so the JIT has compiled the path before the store's own"
              + " --warmup and nothing measured on the seeded store runs colder than on the full"
              + " one (default: ${DEFAULT-VALUE}).")
  int jitWarmup;

  @Mixin StoreSizes sizes = new StoreSizes(3);

  @Option(
      names = "--store-circuits",
      paramLabel = "N",
      defaultValue = "100000",
      description =
          "Circuits in the store for the second round of creates: the store is filled up to this"
              + " by in-process Applies of circuits on --store-devices routers of the scale seed"
              + " (default: ${DEFAULT-VALUE}).")
  int storeCircuits;

  @Option(
      names = "--store-seed-circuits",
      paramLabel = "N",
      defaultValue = "20000",
      description =
          "Of --store-circuits, those the fill puts on the seed's own routers, spread as the"
              + " measured creates are, so each router they create on already carries its share"
              + " (about 600 each; the rest go on --store-devices more routers) (default:"
              + " ${DEFAULT-VALUE}).")
  int storeSeedCircuits;

  @Option(
      names = "--store-devices",
      paramLabel = "N",
      defaultValue = "10000",
      description =
          "Routers (scale seed) the fill spreads its circuits over (default: ${DEFAULT-VALUE}).")
  int storeDevices;

  @Option(
      names = "--list",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "ListCircuits page_size, at most "
              + CoreBenchmark.MAX_PAGE_SIZE
              + " (default: ${DEFAULT-VALUE}).")
  int list;

  @Option(
      names = "--list-repeats",
      paramLabel = "N",
      defaultValue = "50",
      description = "Measured ListCircuits calls (default: ${DEFAULT-VALUE}).")
  int listRepeats;

  @Option(
      names = "--raw-commits",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Measured raw SQLite commits (default: ${DEFAULT-VALUE}).")
  int rawCommits;

  @Option(
      names = "--diag",
      paramLabel = "N",
      defaultValue = "300",
      description =
          "Iterations of each single-item diagnostic (0: skip diagnostics) (default:"
              + " ${DEFAULT-VALUE}).")
  int diag;

  @Option(
      names = "--jfr",
      paramLabel = "FILE",
      description =
          "Also record JFR profiles of the measured creates (both stores and the floor) and of the"
              + " batch phases (apply, list), each transport's into FILE-<transport>-creates.jfr"
              + " and FILE-<transport>-batch.jfr: settings 'profile', Java stacks sampled every 1"
              + " ms.")
  Path jfr;

  @Option(
      names = "--keep-data",
      description = "Keep the default data directory after the run (a --dir is always kept).")
  boolean keepData;

  @Mixin RunNotes said = new RunNotes();

  /** Unmeasured ListCircuits calls before the measured ones. */
  int listWarmup() {
    return Math.min(CoreBenchmark.LIST_WARMUP, listRepeats);
  }

  /** Circuits the creates and the applies (warm-up ones too) make, before any list fill. */
  long createdBeforeList() {
    return sizes.circuits();
  }

  /** Most circuits the fill puts on one scale router: well within its VLAN pool and ports. */
  static final int MAX_STORE_CIRCUITS_PER_DEVICE = 1000;

  /** Fails with a usage error for a size out of bounds. */
  void validate(CommandLine cl) {
    sizes.validate(cl);
    requireAtLeast(cl, "--list", list, 1);
    requireAtLeast(cl, "--list-repeats", listRepeats, 1);
    requireAtLeast(cl, "--raw-commits", rawCommits, 1);
    requireAtLeast(cl, "--diag", diag, 0);
    requireAtLeast(cl, "--jit-warmup", jitWarmup, 0);
    requireAtLeast(cl, "--store-circuits", storeCircuits, 0);
    requireAtLeast(cl, "--store-devices", storeDevices, 1);
    requireAtLeast(cl, "--store-seed-circuits", storeSeedCircuits, 0);
    requireAtMost(
        cl, "--store-devices", storeDevices, Seeds.MAX_SCALE_DEVICES, "the scale seed's size");
    if ((long) storeDevices * MAX_STORE_CIRCUITS_PER_DEVICE < storeCircuits - storeSeedCircuits) {
      throw new CommandLine.ParameterException(
          cl,
          "--store-circuits less --store-seed-circuits must be at most "
              + MAX_STORE_CIRCUITS_PER_DEVICE
              + " x --store-devices (a scale router's ports and VLAN pool); got "
              + (storeCircuits - storeSeedCircuits));
    }
    if (transports.isEmpty()
        || !List.of(CoreSession.MTLS, CoreSession.PLAINTEXT).containsAll(transports)
        || new HashSet<>(transports).size() != transports.size()) {
      throw new CommandLine.ParameterException(
          cl, "--transports: must be mtls, plaintext or both, each once (got " + transports + ")");
    }
    requireAtMost(
        cl, "--list", list, CoreBenchmark.MAX_PAGE_SIZE, "the server caps page_size there");
  }

  /** Fails with a usage error if the run would create more circuits than {@code workload} fits. */
  void checkCapacity(CommandLine cl, Workload workload) {
    if (jitWarmup > workload.capacity()) {
      throw new CommandLine.ParameterException(
          cl, "--jit-warmup must be at most " + workload.capacity() + " (the seed's capacity)");
    }
    long onFullSeed = Math.min(storeSeedCircuits, storeCircuits) + sizes.warmup + sizes.creates;
    if (onFullSeed > workload.capacity()) {
      throw new CommandLine.ParameterException(
          cl,
          "--store-seed-circuits with the creates put "
              + onFullSeed
              + " circuits on the seed's routers, which fit about "
              + workload.capacity());
    }
    // The creates again on the full store, and the diagnostics' creates.
    long planned = createdBeforeList() + sizes.warmup + sizes.creates + 2L * Math.max(0, diag);
    long fill = Math.max(0, list - createdBeforeList());
    if (planned + fill > workload.capacity()) {
      throw new CommandLine.ParameterException(
          cl,
          "these sizes create "
              + (planned + fill)
              + " circuits, but the "
              + CoreBenchmark.SEED
              + " seed fits about "
              + workload.capacity()
              + " at 1 Mbit/s each spread over "
              + workload.councils()
              + " routers before a VLAN pool or port runs out; use smaller sizes");
    }
  }

  /** Fails with a usage error unless {@code value <= max}, saying {@code why}. */
  static void requireAtMost(CommandLine cl, String name, int value, int max, String why) {
    if (value > max) {
      throw new CommandLine.ParameterException(
          cl, name + " must be at most " + max + " (" + why + "); got " + value);
    }
  }

  static void requireAtLeast(CommandLine cl, String name, int value, int min) {
    if (value < min) {
      throw new CommandLine.ParameterException(
          cl, name + " must be at least " + min + "; got " + value);
    }
  }
}
