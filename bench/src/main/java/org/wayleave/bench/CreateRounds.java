package org.wayleave.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.wayleave.base.seed.Seeds;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;

/**
 * The core benchmark's creates on the two stores and the floor, interleaved: a block of creates on
 * the seeded store, a block of the same creates on the full one, a block of the floor's reads and
 * transactions, and round again, the two stores' order swapped every round. Measured one after the
 * other, the second round ran faster on the very same store (14 % on a quiet run: the machine, the
 * disk, the connection all settle), which flattered whichever store came second; in blocks, the
 * stores and the floor see the same machine through the run.
 */
final class CreateRounds {
  /** Creates (and reads and transactions) in a block. */
  static final int BLOCK = 100;

  /** What the rounds measured: the creates on each store, and the floor. */
  record Result(CreatePhase.Result empty, CreatePhase.Result full, FloorPhase.Result floor) {}

  private final CreatePhase onEmpty;
  private final CreatePhase onFull;
  private final List<CreatePhase> both;
  private final CoreClient empty;
  private final ResourceCache emptyCache;
  private final Path floorDir;
  private FloorPhase floor;

  private CreateRounds(CoreClient empty, ResourceCache emptyCache, CoreClient full, Path floorDir) {
    this.onEmpty = new CreatePhase(empty, Workload.of(Seeds.byName(CoreBenchmark.SEED)), "BENCH");
    this.onFull = new CreatePhase(full, Workload.of(Seeds.byName(CoreBenchmark.SEED)), "BENCH");
    this.both = new ArrayList<>(List.of(onEmpty, onFull));
    this.empty = empty;
    this.emptyCache = emptyCache;
    this.floorDir = floorDir;
  }

  /**
   * {@code --warmup} unmeasured creates on each store and as many floor reads and transactions,
   * then {@code --creates} measured ones of each, in blocks. The two stores get the same circuits
   * (same ids, routers, ports, suppliers); the floor reads circuits created on the seeded store
   * ({@code empty}, whose cache is {@code emptyCache}), on its channel, and writes the size of one
   * into a store of its own under {@code floorDir}.
   */
  static Result run(
      CoreClient empty, ResourceCache emptyCache, CoreClient full, Path floorDir, CoreOptions o)
      throws InterruptedException {
    CreateRounds rounds = new CreateRounds(empty, emptyCache, full, floorDir);
    try {
      rounds.blocks(o.sizes.warmup, false);
      rounds.blocks(o.sizes.creates, true);
      return new Result(rounds.onEmpty.result(), rounds.onFull.result(), rounds.floor.result());
    } finally {
      if (rounds.floor != null) {
        rounds.floor.close();
      }
    }
  }

  private void blocks(int count, boolean measured) throws InterruptedException {
    for (int done = 0; done < count; done += BLOCK) {
      int n = Math.min(BLOCK, count - done);
      for (CreatePhase c : both) {
        if (measured) {
          c.measure(n);
        } else {
          c.warmup(n);
        }
      }
      FloorPhase f = floor();
      if (measured) {
        f.measure(n);
      } else {
        f.warmup(n);
      }
      Collections.reverse(both);
    }
  }

  /** The floor, opened once a circuit has been created to give it a stored circuit's size. */
  private FloorPhase floor() {
    if (floor == null) {
      byte[] stored = emptyCache.get(Kind.CIRCUIT, onEmpty.lastId()).toByteArray();
      Supplier<List<String>> ids =
          () ->
              onEmpty.result().createdIds().isEmpty()
                  ? List.of(onEmpty.lastId())
                  : onEmpty.result().createdIds();
      floor = FloorPhase.open(empty, ids, floorDir, stored);
    }
    return floor;
  }
}
