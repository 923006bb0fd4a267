package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.Fence;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.NotLeaderException;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;

/**
 * Writes one {@link Txn}: reads the store revision and every key the transaction names in one etcd
 * snapshot, checks the compares, builds the changes with their before-values, and commits them with
 * the new revision and the audit record in one etcd transaction guarded by the mod revisions it
 * read. When a guard fails another writer came first, and it starts again from a new read.
 */
final class EtcdTxnWriter {
  /** How many times a transaction is read and tried again when other writers keep coming first. */
  private static final int MAX_ATTEMPTS = 1000;

  /** etcd's default limit on the operations (and on the compares) of one transaction. */
  static final int DEFAULT_MAX_TXN_OPS = 128;

  private final KV kv;
  private final EtcdKeys keys;
  private final Clock clock;
  private final int maxTxnOps;

  /**
   * How a transaction ended.
   *
   * @param wrote whether it committed a new revision
   */
  record Outcome(TxnResult result, boolean wrote) {}

  /** One key as read: its store view (null if absent) and its etcd mod revision (0 if absent). */
  private record Read(KeyValue kv, long etcdModRevision) {}

  /** The store revision and the keys read in one snapshot. */
  private record Snapshot(
      long revision, long counterModRevision, long etcdRevision, Map<String, Read> keys) {
    KeyValue current(String key) {
      return keys.get(key).kv();
    }
  }

  EtcdTxnWriter(KV kv, EtcdKeys keys, Clock clock, int maxTxnOps) {
    if (maxTxnOps < 8) {
      throw new IllegalArgumentException("maxTxnOps must be at least 8 (got " + maxTxnOps + ")");
    }
    this.kv = kv;
    this.keys = keys;
    this.clock = clock;
    this.maxTxnOps = maxTxnOps;
  }

  Outcome write(Txn txn) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      checkFenceHere(txn.fence());
      Snapshot s = read(txn);
      if (!comparesHold(txn, s)) {
        return new Outcome(new TxnResult(false, s.revision()), false);
      }
      long rev = s.revision() + 1;
      List<StoreEvent> events = changes(txn, s, rev);
      if (events.isEmpty()) {
        // Nothing to write (no puts, only deletes of absent keys): never sent, revision unmoved.
        return new Outcome(new TxnResult(true, s.revision()), false);
      }
      if (events.size() + 2 > maxTxnOps) {
        throw new StoreException(
            "transaction changes "
                + events.size()
                + " keys; this store takes at most "
                + (maxTxnOps - 2)
                + " per transaction (etcd's --max-txn-ops, "
                + maxTxnOps
                + " here, less two); nothing written");
      }
      AuditRecord record =
          new AuditRecord(
              rev, clock.instant(), txn.audit().principal(), txn.audit().action(), events);
      if (commit(s, rev, events, record, txn.fence())) {
        return new Outcome(new TxnResult(true, rev), true);
      }
      checkFenceInEtcd(txn.fence());
    }
    throw new StoreException(
        "transaction gave up after " + MAX_ATTEMPTS + " attempts: other writers kept coming first");
  }

  /** Whether the compares and the prefix guard hold on {@code s}. */
  private boolean comparesHold(Txn txn, Snapshot s) {
    for (Compare c : txn.compares()) {
      KeyValue cur = s.current(c.key());
      long modRev = cur == null ? 0 : cur.modRevision();
      if (modRev != c.expectedModRevision()) {
        return false;
      }
    }
    Txn.Since since = txn.since();
    if (since == null || since.revision() >= s.revision()) {
      return true;
    }
    boolean[] changed = {false};
    new EtcdAuditReader(kv, keys)
        .history(
            since.revision(),
            s.etcdRevision(),
            r -> r.changes().forEach(e -> changed[0] |= since.covers(e.kv().key())));
    return !changed[0];
  }

  /** Refuses at once a write under a claim this process already knows to be lost. */
  private static void checkFenceHere(Fence fence) {
    if (fence != null && !fence.holds()) {
      throw notLeader(fence, "this controller's lease on it is lost");
    }
  }

  /** After a failed commit: refuses the write if etcd no longer holds the claim's leader key. */
  private void checkFenceInEtcd(Fence fence) {
    if (fence instanceof EtcdLeaderElection.Claim claim) {
      GetResponse r = Etcd.await(kv.get(claim.leaderKey()), "leader key");
      if (r.getKvs().isEmpty() || r.getKvs().get(0).getCreateRevision() != claim.term()) {
        claim.election().lose("its leader key is gone from etcd");
        throw notLeader(fence, "its leader key is gone from etcd");
      }
    }
  }

  private static NotLeaderException notLeader(Fence fence, String why) {
    return new NotLeaderException(
        "refused: written under leadership in term "
            + fence.term()
            + ", which is over ("
            + why
            + "); nothing written");
  }

  /**
   * The counter and every key named by {@code txn}, in one etcd snapshot: the first etcd
   * transaction reads the counter and the first keys, later ones (when there are more keys than
   * etcd takes in one transaction) read at the first one's revision.
   */
  private Snapshot read(Txn txn) {
    Set<String> names = new LinkedHashSet<>();
    txn.compares().forEach(c -> names.add(c.key()));
    names.addAll(txn.puts().keySet());
    names.addAll(txn.deletes());
    List<String> ordered = new ArrayList<>(names);
    Map<String, Read> read = new HashMap<>();
    int firstChunk = Math.min(ordered.size(), maxTxnOps - 1);
    List<Op> gets = new ArrayList<>();
    gets.add(Op.get(keys.revision(), GetOption.DEFAULT));
    ordered.subList(0, firstChunk).forEach(k -> gets.add(Op.get(keys.kv(k), GetOption.DEFAULT)));
    TxnResponse first = Etcd.await(kv.txn().Then(gets.toArray(Op[]::new)).commit(), "txn read");
    GetResponse counter = first.getGetResponses().get(0);
    collect(
        ordered.subList(0, firstChunk), first.getGetResponses().subList(1, firstChunk + 1), read);
    GetOption atFirst = GetOption.builder().withRevision(first.getHeader().getRevision()).build();
    for (int from = firstChunk; from < ordered.size(); from += maxTxnOps) {
      List<String> chunk = ordered.subList(from, Math.min(ordered.size(), from + maxTxnOps));
      Op[] more = chunk.stream().map(k -> Op.get(keys.kv(k), atFirst)).toArray(Op[]::new);
      TxnResponse r = Etcd.await(kv.txn().Then(more).commit(), "txn read");
      collect(chunk, r.getGetResponses(), read);
    }
    long counterMod = counter.getKvs().isEmpty() ? 0 : counter.getKvs().get(0).getModRevision();
    return new Snapshot(
        EtcdStateStore.revisionIn(counter), counterMod, first.getHeader().getRevision(), read);
  }

  private static void collect(List<String> names, List<GetResponse> got, Map<String, Read> read) {
    for (int i = 0; i < names.size(); i++) {
      String key = names.get(i);
      GetResponse g = got.get(i);
      if (g.getKvs().isEmpty()) {
        read.put(key, new Read(null, 0));
      } else {
        var found = g.getKvs().get(0);
        read.put(
            key,
            new Read(
                EtcdCodec.fromEnvelope(key, found.getValue().getBytes()), found.getModRevision()));
      }
    }
  }

  /**
   * The changes {@code txn} makes on top of {@code s}, at {@code rev}; deletes of absent keys none.
   */
  private static List<StoreEvent> changes(Txn txn, Snapshot s, long rev) {
    List<StoreEvent> events = new ArrayList<>(txn.puts().size() + txn.deletes().size());
    for (var e : txn.puts().entrySet()) {
      KeyValue prev = s.current(e.getKey());
      KeyValue next =
          new KeyValue(
              e.getKey(),
              e.getValue(),
              prev == null ? rev : prev.createRevision(),
              rev,
              prev == null ? 1 : prev.version() + 1);
      events.add(new StoreEvent(StoreEvent.Type.PUT, next, prev));
    }
    for (String key : txn.deletes()) {
      KeyValue prev = s.current(key);
      if (prev != null) {
        events.add(
            new StoreEvent(
                StoreEvent.Type.DELETE,
                new KeyValue(key, null, prev.createRevision(), rev, 0),
                prev));
      }
    }
    return events;
  }

  /** Commits the changes if nothing changed since {@code s}; false if something did. */
  private boolean commit(
      Snapshot s, long rev, List<StoreEvent> events, AuditRecord record, Fence fence) {
    List<Cmp> guards = new ArrayList<>();
    guards.add(
        new Cmp(keys.revision(), Cmp.Op.EQUAL, CmpTarget.modRevision(s.counterModRevision())));
    // Every store write moves the counter, so its guard alone keeps the snapshot; the guards on
    // the keys read also keep out writers that bypass the store, when etcd takes that many.
    if (fence instanceof EtcdLeaderElection.Claim claim) {
      guards.add(new Cmp(claim.leaderKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(claim.term())));
    }
    if (s.keys().size() + guards.size() <= maxTxnOps) {
      for (var e : s.keys().entrySet()) {
        guards.add(
            new Cmp(
                keys.kv(e.getKey()),
                Cmp.Op.EQUAL,
                CmpTarget.modRevision(e.getValue().etcdModRevision())));
      }
    }
    List<Op> ops = new ArrayList<>();
    ops.add(Op.put(keys.revision(), bytes(Long.toString(rev)), PutOption.DEFAULT));
    for (StoreEvent e : events) {
      ByteSequence key = keys.kv(e.kv().key());
      ops.add(
          e.type() == StoreEvent.Type.PUT
              ? Op.put(key, ByteSequence.from(EtcdCodec.envelope(e.kv())), PutOption.DEFAULT)
              : Op.delete(key, DeleteOption.DEFAULT));
    }
    ops.add(
        Op.put(
            keys.audit(rev), ByteSequence.from(EtcdCodec.encodeAudit(record)), PutOption.DEFAULT));
    TxnResponse r =
        Etcd.await(
            kv.txn().If(guards.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new)).commit(),
            "transaction at revision " + rev);
    return r.isSucceeded();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
