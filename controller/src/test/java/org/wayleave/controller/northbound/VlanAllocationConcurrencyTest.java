package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wayleave.controller.northbound.InProcessController.camden;

import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.ListCircuitsRequest;

/** Many concurrent creates without a VLAN on one pool never receive the same VLAN. */
class VlanAllocationConcurrencyTest {
  static final int THREADS = 8;
  static final int PER_THREAD = 40;

  @TempDir Path dir;

  @Test
  void concurrentCreatesOnOnePoolGetDistinctVlans() throws Exception {
    try (InProcessController c = new InProcessController(dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<Circuit>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  List<Circuit> mine = new ArrayList<>();
                  for (int i = 0; i < PER_THREAD; i++) {
                    Circuit.Builder b = camden(String.format("LPSN-CAM-T%d-%03d", thread, i));
                    // Alternate ports: the pool covers both, so ids are unique pool-wide.
                    b.getSpecBuilder()
                        .getAEndBuilder()
                        .setPort(i % 2 == 0 ? "ge-0/0/1" : "ge-0/0/2");
                    b.getSpecBuilder().setCommittedMbps(1);
                    mine.add(c.circuits.createCircuit(b.build()));
                  }
                  return mine;
                }));
      }
      go.countDown();
      List<Integer> tags = new ArrayList<>();
      for (Future<List<Circuit>> f : futures) {
        for (Circuit created : f.get(120, TimeUnit.SECONDS)) {
          assertThat(created.getSpec().getAEnd().hasCTag()).isTrue();
          tags.add(created.getSpec().getAEnd().getCTag());
        }
      }
      pool.shutdown();
      int n = THREADS * PER_THREAD;
      assertThat(tags).hasSize(n).doesNotHaveDuplicates();
      // Lowest free first: the pool's ranges start at 100, so n creates take exactly 100..100+n-1.
      Collections.sort(tags);
      assertThat(tags.get(0)).isEqualTo(100);
      assertThat(tags.get(n - 1)).isEqualTo(100 + n - 1);
      // What the store holds agrees with what the callers were told.
      List<Integer> stored = new ArrayList<>();
      c.circuits
          .listCircuits(
              ListCircuitsRequest.newBuilder().setCouncil("camden").setPageSize(1000).build())
          .getCircuitsList()
          .forEach(x -> stored.add(x.getSpec().getAEnd().getCTag()));
      Collections.sort(stored);
      assertThat(stored).isEqualTo(tags);
    } catch (StatusRuntimeException e) {
      throw new AssertionError("a create failed: " + e.getStatus(), e);
    }
  }
}
