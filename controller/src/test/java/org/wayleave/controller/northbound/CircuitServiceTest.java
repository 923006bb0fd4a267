package org.wayleave.controller.northbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wayleave.controller.northbound.InProcessController.camden;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.EventType;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;
import org.wayleave.api.v1.ListRequest;
import org.wayleave.api.v1.PlanResponse;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.controller.store.AuditRecord;

/** Circuit service behaviour on the happy paths: allocation, plan, apply, list, watch, audit. */
class CircuitServiceTest extends NorthboundTestSupport {
  @Test
  void allocatesLowestFreeVlanAndKeepsItAcrossUpdates() {
    Circuit a = c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    assertThat(a.getSpec().getAEnd().getCTag()).isEqualTo(100);
    assertThat(a.getSpec().getGeneration()).isEqualTo(1);
    assertThat(a.getStatus().getPhase()).isEqualTo(CircuitPhase.CIRCUIT_PHASE_PENDING);
    assertThat(a.getStatus().getConditions(0).getType()).isEqualTo("Accepted");
    assertThat(a.getMeta().getUpdatedBy()).startsWith("insecure@");
    c.circuits.createCircuit(ValidationTest.withTag(camden("LPSN-CAM-0002"), 101));
    Circuit b = c.circuits.createCircuit(camden("LPSN-CAM-0003").build());
    assertThat(b.getSpec().getAEnd().getCTag()).isEqualTo(102);

    // An update that names no c-tag keeps the allocated one; the generation moves.
    Circuit.Builder edit = camden("LPSN-CAM-0001");
    edit.getSpecBuilder().setCommittedMbps(20);
    Circuit edited = c.circuits.updateCircuit(edit.build());
    assertThat(edited.getSpec().getAEnd().getCTag()).isEqualTo(100);
    assertThat(edited.getSpec().getGeneration()).isEqualTo(2);

    // Freed VLANs are reused, lowest first.
    c.circuits.deleteCircuit(DeleteRequest.newBuilder().setId("LPSN-CAM-0001").build());
    assertThat(
            c.circuits.createCircuit(camden("LPSN-CAM-0004").build()).getSpec().getAEnd().getCTag())
        .isEqualTo(100);
  }

  @Test
  void planShowsTheDiffAndAllocationsAndWritesNothing() {
    c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    long before = c.store.revision();
    Circuit.Builder changed = camden("LPSN-CAM-0001");
    changed.getSpecBuilder().setCommittedMbps(50);
    PlanResponse plan =
        c.circuits.plan(
            ApplyRequest.newBuilder()
                .addResources(Resource.newBuilder().setCircuit(changed))
                .addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0002")))
                .build());
    assertThat(c.store.revision()).isEqualTo(before);
    assertThat(plan.getChangesList())
        .extracting(ch -> ch.getAction())
        .containsExactly(ChangeAction.CHANGE_ACTION_UPDATE, ChangeAction.CHANGE_ACTION_CREATE);
    assertThat(plan.getAllocationsList())
        .singleElement()
        .satisfies(
            al -> {
              assertThat(al.getCircuit()).isEqualTo("LPSN-CAM-0002");
              assertThat(al.getCTag()).isEqualTo(101);
            });
    assertThat(plan.getDevicesList())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getDevice()).isEqualTo("rtr-camden-01");
              assertThat(d.getChangesList())
                  .extracting(
                      x -> x.getAction() + " " + (x.hasAfter() ? x.getAfter().getName() : ""))
                  .containsExactly(
                      "CHANGE_ACTION_UPDATE ge-0/0/1.100", "CHANGE_ACTION_CREATE ge-0/0/1.101");
              assertThat(d.getChanges(1).getAfter().getAlias()).isEqualTo("LPSN-CAM-0002");
            });
    assertThat(c.circuits.listCircuits(ListCircuitsRequest.getDefaultInstance()).getCircuitsCount())
        .isEqualTo(1);
  }

  @Test
  void applyIsIdempotentAndAtomic() {
    ApplyRequest req =
        ApplyRequest.newBuilder()
            .addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0001")))
            .addResources(Resource.newBuilder().setCircuit(camden("LPSN-CAM-0002")))
            .build();
    ApplyResponse first = c.circuits.apply(req);
    assertThat(first.getChangesList())
        .allMatch(ch -> ch.getAction() == ChangeAction.CHANGE_ACTION_CREATE);
    assertThat(first.getChanges(0).getAfter().getCircuit().getMeta().getRevision())
        .isEqualTo(first.getRevision());
    // The same manifest again (VLANs still unset) changes nothing and does not move the revision.
    ApplyResponse again = c.circuits.apply(req);
    assertThat(again.getRevision()).isEqualTo(first.getRevision());
    assertThat(again.getChangesList())
        .allMatch(ch -> ch.getAction() == ChangeAction.CHANGE_ACTION_UNCHANGED);
    List<AuditRecord> audit = c.store.audit("/wayleave/v1/circuits/", 0, 10);
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).revision()).isEqualTo(first.getRevision());
    assertThat(audit.get(0).principal()).startsWith("insecure@");
    assertThat(audit.get(0).changes())
        .hasSize(2)
        .allMatch(ch -> ch.prevKv() == null && ch.kv().value().length > 0);
  }

  @Test
  void listPagesAndFilters() {
    ApplyRequest.Builder batch = ApplyRequest.newBuilder();
    for (int i = 1; i <= 25; i++) {
      batch.addResources(
          Resource.newBuilder().setCircuit(camden(String.format("LPSN-CAM-%04d", i))));
    }
    Circuit.Builder isl = camden("LPSN-ISL-0001");
    isl.getSpecBuilder().setCouncil("islington").getAEndBuilder().setDevice("rtr-islington-01");
    batch.addResources(Resource.newBuilder().setCircuit(isl));
    c.circuits.apply(batch.build());

    Set<String> seen = new HashSet<>();
    List<String> order = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListCircuitsResponse page =
          c.circuits.listCircuits(
              ListCircuitsRequest.newBuilder()
                  .setCouncil("camden")
                  .setPageSize(10)
                  .setPageToken(token)
                  .build());
      page.getCircuitsList()
          .forEach(
              x -> {
                seen.add(x.getId());
                order.add(x.getId());
              });
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).allMatch(id -> id.startsWith("LPSN-CAM-"));
    assertThat(order).isSorted();
    assertThat(
            c.circuits
                .listCircuits(
                    ListCircuitsRequest.newBuilder().setDevice("rtr-islington-01").build())
                .getCircuitsList())
        .extracting(Circuit::getId)
        .containsExactly("LPSN-ISL-0001");
    assertThat(
            c.circuits
                .listCircuits(
                    ListCircuitsRequest.newBuilder()
                        .setPhase(CircuitPhase.CIRCUIT_PHASE_ACTIVE)
                        .build())
                .getCircuitsCount())
        .isZero();
    assertThat(
            c.inventory
                .listCouncils(ListRequest.newBuilder().setPageSize(1000).build())
                .getCouncilsCount())
        .isEqualTo(33);
  }

  @Test
  void watchFromARevisionDeliversExactlyTheLaterChanges() {
    Circuit a = c.circuits.createCircuit(camden("LPSN-CAM-0001").build());
    long from = a.getMeta().getRevision();
    Circuit b = c.circuits.createCircuit(camden("LPSN-CAM-0002").build());
    long deleted =
        c.circuits
            .deleteCircuit(DeleteRequest.newBuilder().setId("LPSN-CAM-0001").build())
            .getRevision();

    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    CircuitServiceGrpc.newStub(c.channel)
        .watch(WatchRequest.newBuilder().setFromRevision(from).build(), collect(events));
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 2);
    Circuit live = c.circuits.createCircuit(camden("LPSN-CAM-0003").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
    assertThat(events)
        .extracting(
            e -> e.getRevision() + " " + e.getType() + " " + e.getResource().getCircuit().getId())
        .containsExactly(
            b.getMeta().getRevision() + " " + EventType.EVENT_TYPE_PUT + " LPSN-CAM-0002",
            deleted + " " + EventType.EVENT_TYPE_DELETE + " LPSN-CAM-0001",
            live.getMeta().getRevision() + " " + EventType.EVENT_TYPE_PUT + " LPSN-CAM-0003");
    assertThat(
            c.circuits
                .getCircuit(GetRequest.newBuilder().setId("LPSN-CAM-0003").build())
                .getSpec()
                .getAEnd()
                .getCTag())
        .isEqualTo(100);
  }

  static <T> StreamObserver<T> collect(List<T> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
