package org.wayleave.controller.core;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.Txn;

/**
 * The store's writes that are not desired state, each guarded and audited: circuits' observed
 * status (written by the leader's status writer) and the NOC's alarm acknowledgements. With {@link
 * DesiredStateService} it is the only way anything in the controller writes the store.
 */
public final class ObservedStateService {
  /** Who status writes are audited as. */
  public static final String RECONCILER = "system:reconciler";

  /** Where acknowledgements live: outside {@code /wayleave/v1/}, which is desired state. */
  public static final String ALARM_ACK_PREFIX = "/wayleave/noc/alarm-acks/";

  private final StateStore store;
  private final Supplier<Fence> fence;

  /** Status writes go unfenced: for a store only this process writes. */
  public ObservedStateService(StateStore store) {
    this(store, () -> null);
  }

  /**
   * Status writes carry the claim {@code fence} gives (the leader's, null for none), so a deposed
   * leader's are refused by the store.
   */
  public ObservedStateService(StateStore store, Supplier<Fence> fence) {
    this.store = store;
    this.fence = fence;
  }

  /** A circuit's new status, computed from {@code circuit} as it stood (its spec revision). */
  public record StatusWrite(Circuit circuit, CircuitStatus status) {}

  /**
   * Writes the statuses of circuits on {@code device} in one transaction, each only if its circuit
   * is still at the revision the status was computed from (a circuit changed or deleted since is
   * woken again by its own change).
   *
   * @return false if a circuit changed meanwhile and nothing was written
   * @throws NotLeaderException if this controller no longer leads; nothing was written
   */
  public boolean writeStatuses(String device, List<StatusWrite> writes) {
    if (writes.isEmpty()) {
      return true;
    }
    Fence claim = fence.get();
    String action = "status of circuits on " + device;
    Txn.Builder txn =
        Txn.builder(
            new Audit(RECONCILER, claim == null ? action : action + " in term " + claim.term()));
    for (StatusWrite w : writes) {
      Circuit c = w.circuit();
      txn.compare(Compare.modRevision(Kind.CIRCUIT.key(c.getId()), c.getMeta().getRevision()));
      txn.put(Kind.CIRCUIT_STATUS_PREFIX + c.getId(), w.status().toByteArray());
    }
    if (claim != null) {
      txn.fence(claim);
    }
    return store.txn(txn.build()).succeeded();
  }

  /** Records that {@code who} acknowledged alarm {@code id}; {@code record} is what to keep. */
  public void acknowledgeAlarm(String id, byte[] record, String who) {
    store.txn(
        Txn.builder(new Audit(who, "acknowledge alarm " + id))
            .put(ALARM_ACK_PREFIX + id, record)
            .build());
  }

  /** Every stored acknowledgement, by alarm id. */
  public Map<String, byte[]> alarmAcknowledgements() {
    Map<String, byte[]> out = new TreeMap<>();
    for (KeyValue kv : store.list(ALARM_ACK_PREFIX).kvs()) {
      out.put(kv.key().substring(ALARM_ACK_PREFIX.length()), kv.value());
    }
    return out;
  }
}
