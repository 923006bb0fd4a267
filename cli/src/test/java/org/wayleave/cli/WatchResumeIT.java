package org.wayleave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wayleave.api.v1.AdminState;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitKind;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.CircuitServiceGrpc.CircuitServiceBlockingStub;
import org.wayleave.api.v1.CircuitSpec;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.DeleteResponse;
import org.wayleave.api.v1.EventType;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;

/**
 * A Watch resumed from a revision after a controller restart delivers exactly the changes after
 * that revision — in revision order, none before it, none missing — and then follows live changes
 * on the same stream. The controller runs as a child JVM and is stopped with SIGTERM (clean
 * shutdown) in one test and SIGKILL (crash) in the other.
 */
class WatchResumeIT {
  /** A london-seed council, a supplier contracted to serve it, and an access port of its router. */
  private static final String COUNCIL = "camden";

  private static final String SUPPLIER = "wayfarer-networks";
  private static final String DEVICE = "rtr-camden-01";
  private static final String PORT = "ge-0/0/3";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  /** What a watch event says, in a form that compares and prints well. */
  private record Change(long revision, EventType type, String id) {
    static Change of(WatchEvent e) {
      return new Change(
          e.getRevision(),
          e.getType(),
          e.getResource().hasCircuit()
              ? e.getResource().getCircuit().getId()
              : e.getResource().toString());
    }
  }

  @Test
  void watchFromRevisionAfterSigtermRestartDeliversExactlyTheLaterChanges() {
    resumeAfterRestart(false);
  }

  @Test
  void watchFromRevisionAfterSigkillRestartDeliversExactlyTheLaterChanges() {
    resumeAfterRestart(true);
  }

  private void resumeAfterRestart(boolean sigkill) {
    String how = sigkill ? "SIGKILL" : "SIGTERM";
    Path data = tmp.resolve("data");
    long r;
    List<Change> expected = new ArrayList<>();
    String b1Description = "B1, re-described after R";
    Circuit a1Created;

    try (ChildController child = ChildController.start(data)) {
      Supplier<CircuitServiceBlockingStub> stub = () -> blocking(child);
      List<Circuit> as = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        as.add(stub.get().createCircuit(circuit("WATCH-A" + i, "A" + i)));
      }
      a1Created = as.get(0);
      r = as.get(4).getMeta().getRevision();
      assertThat(r).as("revision of the last create before R").isPositive();
      assertThat(stub.get().listCircuits(ListCircuitsRequest.getDefaultInstance()).getRevision())
          .as("ListCircuitsResponse.revision right after the last create (R)")
          .isEqualTo(r);

      // The changes after R.
      List<Circuit> bs = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        Circuit b = stub.get().createCircuit(circuit("WATCH-B" + i, "B" + i));
        bs.add(b);
        expected.add(new Change(b.getMeta().getRevision(), EventType.EVENT_TYPE_PUT, b.getId()));
      }
      Circuit b1 = bs.get(0);
      Circuit b1Updated =
          stub.get()
              .updateCircuit(
                  Circuit.newBuilder()
                      .setId(b1.getId())
                      .setMeta(b1.getMeta()) // meta.revision: refuse the update if B1 changed since
                      .setSpec(b1.getSpec().toBuilder().setDescription(b1Description))
                      .build());
      assertThat(b1Updated.getSpec().getDescription()).isEqualTo(b1Description);
      assertThat(b1Updated.getMeta().getRevision())
          .as("B1's revision after its update")
          .isGreaterThan(b1.getMeta().getRevision());
      expected.add(
          new Change(b1Updated.getMeta().getRevision(), EventType.EVENT_TYPE_PUT, b1.getId()));
      DeleteResponse deleted =
          stub.get()
              .deleteCircuit(
                  DeleteRequest.newBuilder()
                      .setId(a1Created.getId())
                      .setExpectedRevision(a1Created.getMeta().getRevision())
                      .build());
      expected.add(
          new Change(deleted.getRevision(), EventType.EVENT_TYPE_DELETE, a1Created.getId()));

      long last = expected.get(expected.size() - 1).revision();
      assertThat(expected.stream().map(Change::revision).toList())
          .as(
              "the acknowledged revisions of the changes after R="
                  + r
                  + ", in the order they were made")
          .isEqualTo(LongStream.rangeClosed(r + 1, last).boxed().toList());

      int exit = sigkill ? child.kill() : child.stop();
      if (sigkill) {
        assertThat(exit).as("exit code after SIGKILL").isEqualTo(128 + 9);
      } else {
        assertThat(exit).as("exit code after SIGTERM").isEqualTo(128 + 15);
        assertThat(child.stderr())
            .as("the controller's log after SIGTERM")
            .contains("controller stopped");
      }
    }

    try (ChildController child = ChildController.start(data)) {
      Supplier<CircuitServiceBlockingStub> stub = () -> blocking(child);
      // The restarted controller holds the state the stream will be compared against.
      assertThat(
              stub.get()
                  .getCircuit(GetRequest.newBuilder().setId("WATCH-B1").build())
                  .getSpec()
                  .getDescription())
          .as("B1 after the " + how + " restart")
          .isEqualTo(b1Description);
      assertThatThrownBy(
              () -> stub.get().getCircuit(GetRequest.newBuilder().setId(a1Created.getId()).build()))
          .as("A1 after the " + how + " restart")
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

      List<WatchEvent> events = new CopyOnWriteArrayList<>();
      AtomicReference<Throwable> streamError = new AtomicReference<>();
      AtomicBoolean completed = new AtomicBoolean();
      AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
      CircuitServiceGrpc.newStub(child.channel())
          .watch(
              WatchRequest.newBuilder().setFromRevision(r).build(),
              new ClientResponseObserver<WatchRequest, WatchEvent>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                  call.set(requestStream);
                }

                @Override
                public void onNext(WatchEvent value) {
                  events.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  streamError.set(t);
                }

                @Override
                public void onCompleted() {
                  completed.set(true);
                }
              });
      try {
        String context = how + " restart, watch from R=" + r;
        await(context + ": the " + expected.size() + " changes after R")
            .atMost(WAIT)
            .until(
                () ->
                    events.size() >= expected.size()
                        || streamError.get() != null
                        || completed.get());
        assertThat(streamError.get()).as(context + ": stream error").isNull();
        assertThat(completed.get()).as(context + ": stream completed early").isFalse();
        assertThat(changes(events))
            .as(context + ": events replayed (exactly the changes after R, in order)")
            .containsExactlyElementsOf(expected);
        assertThat(events).isSortedAccordingTo(Comparator.comparingLong(WatchEvent::getRevision));
        WatchEvent b1Event = events.get(5);
        assertThat(b1Event.getResource().getCircuit().getSpec().getDescription())
            .as(context + ": the replayed update of B1 carries B1 as updated")
            .isEqualTo(b1Description);
        WatchEvent a1Event = events.get(6);
        assertThat(a1Event.getResource().getCircuit().getSpec().getAEnd().getDevice())
            .as(context + ": the replayed delete of A1 carries A1 as it was last")
            .isEqualTo(DEVICE);
        assertThat(a1Event.getResource().getCircuit().getSpec().getDescription()).isEqualTo("A1");

        // One more change, after the restart: it arrives live on the same stream.
        Circuit c1 = stub.get().createCircuit(circuit("WATCH-C1", "C1"));
        Change live = new Change(c1.getMeta().getRevision(), EventType.EVENT_TYPE_PUT, c1.getId());
        List<Change> all = new ArrayList<>(expected);
        all.add(live);
        await(context + ": the live change " + live)
            .atMost(WAIT)
            .until(
                () -> events.size() >= all.size() || streamError.get() != null || completed.get());
        assertThat(streamError.get()).as(context + ": stream error").isNull();
        assertThat(changes(events))
            .as(context + ": events after the live change (the restart itself wrote nothing)")
            .containsExactlyElementsOf(all);
        assertThat(live.revision())
            .as("revision of the first change after the restart")
            .isEqualTo(expected.get(expected.size() - 1).revision() + 1);
      } finally {
        ClientCallStreamObserver<WatchRequest> c = call.get();
        if (c != null) {
          c.cancel("test done", null);
        }
      }
    }
  }

  private static List<Change> changes(List<WatchEvent> events) {
    return events.stream().map(Change::of).toList();
  }

  /** A blocking stub whose calls must finish within 30 s from now (deadlines are absolute). */
  private static CircuitServiceBlockingStub blocking(ChildController child) {
    return CircuitServiceGrpc.newBlockingStub(child.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static Circuit circuit(String id, String description) {
    return Circuit.newBuilder()
        .setId(id)
        .setSpec(
            CircuitSpec.newBuilder()
                .setCouncil(COUNCIL)
                .setSupplier(SUPPLIER)
                .setKind(CircuitKind.CIRCUIT_KIND_PSN_ACCESS)
                .setAEnd(Termination.newBuilder().setDevice(DEVICE).setPort(PORT))
                .setCommittedMbps(1)
                .setAdminState(AdminState.ADMIN_STATE_ENABLED)
                .setDescription(description))
        .build();
  }
}
