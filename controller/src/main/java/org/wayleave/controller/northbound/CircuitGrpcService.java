package org.wayleave.controller.northbound;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.DeleteRequest;
import org.wayleave.api.v1.DeleteResponse;
import org.wayleave.api.v1.GetRequest;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.HistoryResponse;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;
import org.wayleave.api.v1.PlanResponse;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.RollbackRequest;
import org.wayleave.api.v1.RollbackResponse;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.DesiredStateService;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.Op;
import org.wayleave.controller.core.Plan;
import org.wayleave.controller.store.StateStore;

/** {@code CircuitService}: circuit CRUD, batch plan and apply, and watch. */
public final class CircuitGrpcService extends CircuitServiceGrpc.CircuitServiceImplBase {
  /**
   * Most items one Apply may carry: 10,000 circuits answer in about 3 MB, under gRPC's default 4 MB
   * message limit on the client side.
   */
  public static final int MAX_BATCH = 10_000;

  private final DesiredStateService state;
  private final ResourceCalls calls;
  private final WatchStreams watches;
  private final StateStore store;

  public CircuitGrpcService(DesiredStateService state, StateStore store) {
    this.state = state;
    this.calls = new ResourceCalls(state);
    this.watches = new WatchStreams(store, state.cache());
    this.store = store;
  }

  @Override
  public void createCircuit(Circuit req, StreamObserver<Circuit> out) {
    calls.create(Kind.CIRCUIT, req, out);
  }

  @Override
  public void getCircuit(GetRequest req, StreamObserver<Circuit> out) {
    calls.get(Kind.CIRCUIT, req, out);
  }

  @Override
  public void updateCircuit(Circuit req, StreamObserver<Circuit> out) {
    calls.update(Kind.CIRCUIT, req, out);
  }

  @Override
  public void deleteCircuit(DeleteRequest req, StreamObserver<DeleteResponse> out) {
    calls.delete(Kind.CIRCUIT, req, out);
  }

  @Override
  public void listCircuits(ListCircuitsRequest req, StreamObserver<ListCircuitsResponse> out) {
    Calls.unary(
        out,
        () -> {
          var page =
              state.list(
                  Kind.CIRCUIT,
                  req.getPageSize(),
                  req.getPageToken(),
                  filter(req).and(Scope.current().filter()));
          return ListCircuitsResponse.newBuilder()
              .addAllCircuits(page.items())
              .setNextPageToken(page.nextPageToken())
              .setRevision(page.revision())
              .build();
        });
  }

  static Predicate<Circuit> filter(ListCircuitsRequest req) {
    if (req.getPhase() == CircuitPhase.UNRECOGNIZED) {
      throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "phase", "is not a known circuit phase");
    }
    return c ->
        (req.getCouncil().isEmpty() || c.getSpec().getCouncil().equals(req.getCouncil()))
            && (req.getSupplier().isEmpty() || c.getSpec().getSupplier().equals(req.getSupplier()))
            && (req.getPhase() == CircuitPhase.CIRCUIT_PHASE_UNSPECIFIED
                || c.getStatus().getPhase() == req.getPhase())
            && (req.getDevice().isEmpty() || onDevice(c, req.getDevice()));
  }

  private static boolean onDevice(Circuit c, String device) {
    for (Termination t : List.of(c.getSpec().getAEnd(), c.getSpec().getBEnd())) {
      if (t.getDevice().equals(device)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void plan(ApplyRequest req, StreamObserver<PlanResponse> out) {
    Calls.unary(
        out,
        () -> {
          List<Op> ops = ops(req);
          Scope scope = Scope.current();
          scope.checkWrites(ops);
          Plan plan = state.plan(ops, Principals.current(), scope);
          return PlanResponse.newBuilder()
              .setRevision(state.revision())
              .addAllChanges(plan.changes())
              .addAllDevices(plan.deviceDiffs())
              .addAllAllocations(plan.allocations())
              .build();
        });
  }

  @Override
  public void apply(ApplyRequest req, StreamObserver<ApplyResponse> out) {
    Calls.unary(
        out,
        () -> {
          List<Op> ops = ops(req);
          Scope scope = Scope.current();
          scope.checkWrites(ops);
          var applied =
              state.apply(
                  ops,
                  Principals.current(),
                  "apply "
                      + req.getResourcesCount()
                      + " object(s), delete "
                      + req.getDeletesCount(),
                  scope);
          return ApplyResponse.newBuilder()
              .setRevision(applied.revision())
              .addAllChanges(applied.changes())
              .addAllAllocations(applied.plan().allocations())
              .build();
        });
  }

  static List<Op> ops(ApplyRequest req) {
    int n = req.getResourcesCount() + req.getDeletesCount();
    if (n == 0) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "resources",
          "must hold at least one object (or deletes at least one reference)");
    }
    if (n > MAX_BATCH) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "resources",
          "a batch may hold at most " + MAX_BATCH + " items (got " + n + ")");
    }
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < req.getResourcesCount(); i++) {
      ops.add(Op.write(Op.Mode.UPSERT, req.getResources(i), "resources[" + i + "]"));
    }
    for (int i = 0; i < req.getDeletesCount(); i++) {
      if (Kind.of(req.getDeletes(i).getKind()) == null) {
        throw ApiException.of(
            ErrorCode.INVALID_ARGUMENT, "deletes[" + i + "].kind", "must name a resource kind");
      }
      ops.add(Op.delete(req.getDeletes(i), "deletes[" + i + "]"));
    }
    return ops;
  }

  @Override
  public void history(HistoryRequest req, StreamObserver<HistoryResponse> out) {
    Calls.unary(out, () -> History.of(store, req, Scope.current()));
  }

  @Override
  public void rollback(RollbackRequest req, StreamObserver<RollbackResponse> out) {
    Calls.unary(
        out,
        () -> {
          List<Op> ops = state.rollbackOps(req.getToRevision());
          RollbackResponse.Builder resp = RollbackResponse.newBuilder();
          if (req.getDryRun()) {
            resp.setPlan(planResponse(state.plan(ops, Principals.current()), state.revision()));
          } else {
            // Apply plans the batch itself; a no-op writes nothing and reports revision 0.
            var applied =
                state.apply(
                    ops, Principals.current(), "rollback to revision " + req.getToRevision());
            resp.setPlan(planResponse(applied.plan(), applied.revision()));
            if (!applied.plan().isNoop()) {
              resp.setRevision(applied.revision());
            }
          }
          return resp.build();
        });
  }

  private static PlanResponse planResponse(Plan plan, long revision) {
    List<ResourceChange> changed =
        plan.changes().stream()
            .filter(c -> c.getAction() != ChangeAction.CHANGE_ACTION_UNCHANGED)
            .toList();
    return PlanResponse.newBuilder()
        .setRevision(revision)
        .addAllChanges(changed)
        .addAllDevices(plan.deviceDiffs())
        .addAllAllocations(plan.allocations())
        .build();
  }

  @Override
  public void watch(WatchRequest req, StreamObserver<WatchEvent> out) {
    watches.start(req, out);
  }
}
