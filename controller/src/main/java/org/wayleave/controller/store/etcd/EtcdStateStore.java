package org.wayleave.controller.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.CompactedException;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.LeaderElection;
import org.wayleave.controller.store.Range;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreException;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;
import org.wayleave.controller.store.Watch;
import org.wayleave.controller.store.WatchListener;

/**
 * The store on an etcd cluster, through jetcd. Everything it keeps lives under one key namespace
 * (see {@link EtcdKeys}), so one cluster can hold many stores beside other users' keys.
 *
 * <p><b>Revisions.</b> etcd's own revision is shared by every key in the cluster and starts at 1,
 * so it cannot be the store's revision. The store keeps its own: a counter key ({@code N rev}) that
 * every writing transaction moves by exactly one, in the same etcd transaction as the change. A
 * stored key's value is an envelope carrying its store create revision, mod revision and version
 * beside the value ({@link EtcdCodec}); {@code Compare}s are checked against those. A fresh
 * namespace has no counter: revision 0.
 *
 * <p><b>Transactions.</b> {@link EtcdTxnWriter} reads the counter and every key the transaction
 * names in one etcd snapshot, checks the compares and builds the changes (with their before-values)
 * locally, then commits the puts, deletes, the counter and the audit record in one etcd transaction
 * guarded by the etcd mod revisions of the counter and of every key it read. As every write moves
 * the counter, a guard that fails means another writer came first: it reads again and retries. A
 * transaction that writes nothing is never sent.
 *
 * <p><b>History.</b> The audit record of revision {@code r} ({@code N audit/<r>}) holds every
 * change with its value before and after; it is the store's change log. Watches read it for history
 * and watch its prefix for live changes ({@link EtcdWatch}); as the records are live keys, etcd
 * compaction never removes them, so a watch never loses history and, when its etcd stream ends or
 * is compacted away, resumes from the last revision it delivered. {@link #listAt} reads etcd at the
 * last etcd revision that still shows the store revision asked for (just before the next store
 * revision's commit) and fails with {@link CompactedException} once etcd has compacted it. The
 * leader compacts etcd's old history ({@link EtcdCompactor}, five minutes behind its head); the
 * audit records, being live keys, are never compacted away.
 *
 * <p><b>Limits.</b> etcd takes at most 128 operations per transaction by default ({@code
 * --max-txn-ops}): a transaction may change at most 126 keys (the counter and the audit record take
 * two), and is refused before anything is sent otherwise. An etcd request is at most 1.5 MiB by
 * default ({@code --max-request-bytes}), and the audit record repeats each changed value with the
 * one it replaced, so a transaction's values must stay well under half of that. The audit log grows
 * without bound, as the SQLite store's does. A write whose answer is lost (etcd unreachable after
 * sending) is reported as failed although it may have been committed; reading the keys again tells.
 */
public final class EtcdStateStore implements StateStore {
  private static final Logger log = LoggerFactory.getLogger(EtcdStateStore.class);

  /** The TTL of the lease a leader holds its election key on, in seconds. */
  public static final long LEASE_TTL_SECONDS = EtcdLeaderElection.TTL_SECONDS;

  private final Client client;
  private final boolean ownsClient;
  private final EtcdKeys keys;
  private final EtcdTxnWriter writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private final Set<EtcdLeaderElection> elections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private volatile LongConsumer commitObserver = nanos -> {};

  private EtcdStateStore(
      Client client, boolean ownsClient, String namespace, Clock clock, int maxTxnOps) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.keys = new EtcdKeys(namespace);
    this.writer = new EtcdTxnWriter(client.getKVClient(), keys, clock, maxTxnOps);
  }

  /**
   * Connects to the etcd cluster at {@code endpoints} (e.g. {@code http://127.0.0.1:2379}) and
   * opens the store kept under {@code namespace} (e.g. {@code /wayleave/}, ending in {@code /});
   * closing the store closes the connection.
   */
  public static EtcdStateStore open(List<String> endpoints, String namespace) {
    return open(
        new EtcdSettings(endpoints, namespace, null, null, null, EtcdTxnWriter.DEFAULT_MAX_TXN_OPS),
        Clock.systemUTC());
  }

  /**
   * Connects as {@code settings} say and opens the store; closing the store closes the connection.
   *
   * @throws StoreException naming etcd and the endpoints if no member answers
   */
  public static EtcdStateStore open(EtcdSettings settings, Clock clock) {
    Client client = EtcdClients.connect(settings);
    try {
      EtcdStateStore store =
          new EtcdStateStore(client, true, settings.namespace(), clock, settings.maxTxnOps());
      long rev;
      try {
        rev = store.revision();
      } catch (StoreException e) {
        throw new StoreException(
            "etcd at " + settings.endpoints() + " does not answer: " + e.getMessage(), e);
      }
      log.info(
          "etcd store open at {} under {}{}, revision {}",
          settings.endpoints(),
          settings.namespace(),
          settings.tls() ? " over TLS" : "",
          rev);
      return store;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Opens the store under {@code namespace} on a client the caller keeps and closes. */
  public static EtcdStateStore open(Client client, String namespace, Clock clock) {
    return new EtcdStateStore(client, false, namespace, clock, EtcdTxnWriter.DEFAULT_MAX_TXN_OPS);
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<KeyValue> get(String key) {
    ensureOpen();
    GetResponse r = Etcd.await(client.getKVClient().get(keys.kv(key)), "get " + key);
    return r.getKvs().isEmpty()
        ? Optional.empty()
        : Optional.of(EtcdCodec.fromEnvelope(key, r.getKvs().get(0).getValue().getBytes()));
  }

  @Override
  public Range list(String prefix) {
    ensureOpen();
    // One etcd transaction: the keys and the counter come from the same snapshot.
    TxnResponse r =
        Etcd.await(
            client
                .getKVClient()
                .txn()
                .Then(
                    Op.get(keys.revision(), GetOption.DEFAULT),
                    Op.get(keys.kv(prefix), GetOption.builder().isPrefix(true).build()))
                .commit(),
            "list " + prefix);
    long rev = revisionIn(r.getGetResponses().get(0));
    return new Range(decode(r.getGetResponses().get(1)), rev);
  }

  @Override
  public Range listAt(String prefix, long rev) {
    ensureOpen();
    long current = revision();
    if (rev < 0 || rev > current) {
      throw new IllegalArgumentException(
          "revision must be within 0-" + current + " (got " + rev + ")");
    }
    if (rev == 0) {
      return new Range(List.of(), 0);
    }
    try {
      return new Range(decode(rangeAt(prefix, rev)), rev);
    } catch (StoreException e) {
      if (Etcd.isCompacted(e)) {
        throw new CompactedException(rev, rev);
      }
      throw e;
    }
  }

  /**
   * The keys under {@code prefix} as they stood at store revision {@code rev}: read at the etcd
   * revision just before the next store revision's commit (the latest etcd revision that still
   * shows {@code rev}, so the most likely to survive compaction), or now if {@code rev} is the
   * latest.
   */
  private GetResponse rangeAt(String prefix, long rev) {
    ByteSequence next = keys.audit(rev + 1);
    ByteSequence from = keys.kv(prefix);
    String what = "listAt " + prefix + " @" + rev;
    while (true) {
      GetResponse later = Etcd.await(client.getKVClient().get(next), what);
      if (!later.getKvs().isEmpty()) {
        long etcdRev = later.getKvs().get(0).getModRevision() - 1;
        GetOption at = GetOption.builder().isPrefix(true).withRevision(etcdRev).build();
        return Etcd.await(client.getKVClient().get(from, at), what);
      }
      // rev is the latest: read now, with a check in the same snapshot that it still is.
      TxnResponse now =
          Etcd.await(
              client
                  .getKVClient()
                  .txn()
                  .Then(
                      Op.get(next, GetOption.DEFAULT),
                      Op.get(from, GetOption.builder().isPrefix(true).build()))
                  .commit(),
              what);
      if (now.getGetResponses().get(0).getKvs().isEmpty()) {
        return now.getGetResponses().get(1);
      }
    }
  }

  @Override
  public long revision() {
    ensureOpen();
    try {
      return revisionIn(Etcd.await(client.getKVClient().get(keys.revision()), "revision"));
    } catch (StoreException first) {
      // A read, so once more: a call on a member that has just gone away fails with its channel
      // closed (HaIT saw a create refused so, one member of three killed); the client picks a
      // member that answers for the next one.
      return revisionIn(Etcd.await(client.getKVClient().get(keys.revision()), "revision"));
    }
  }

  static long revisionIn(GetResponse counter) {
    return counter.getKvs().isEmpty()
        ? 0
        : Long.parseLong(counter.getKvs().get(0).getValue().toString(UTF_8));
  }

  private List<KeyValue> decode(GetResponse r) {
    List<KeyValue> kvs = new ArrayList<>(r.getKvs().size());
    for (var kv : r.getKvs()) {
      kvs.add(EtcdCodec.fromEnvelope(keys.storeKey(kv.getKey()), kv.getValue().getBytes()));
    }
    return kvs;
  }

  @Override
  public List<AuditRecord> audit(String prefix, long beforeRevision, int limit) {
    ensureOpen();
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    return new EtcdAuditReader(client.getKVClient(), keys).page(prefix, beforeRevision, limit);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void onCommit(LongConsumer nanos) {
    this.commitObserver = Objects.requireNonNull(nanos, "nanos");
  }

  @Override
  public TxnResult txn(Txn txn) {
    long start = System.nanoTime();
    // Writers in this process take turns; other processes are kept out by the etcd guards.
    writeLock.lock();
    try {
      ensureOpen();
      EtcdTxnWriter.Outcome outcome = writer.write(txn);
      if (outcome.wrote()) {
        try {
          commitObserver.accept(System.nanoTime() - start);
        } catch (RuntimeException e) {
          log.warn("commit observer failed", e);
        }
      }
      return outcome.result();
    } finally {
      writeLock.unlock();
    }
  }

  // ---------------------------------------------------------------- watch

  @Override
  public Watch watch(String prefix, long fromRevision, WatchListener listener) {
    if (fromRevision < 0) {
      throw new IllegalArgumentException("fromRevision cannot be negative: " + fromRevision);
    }
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    // "From now" is pinned here, before the call returns: every later commit is delivered.
    long from = fromRevision == 0 ? revision() : fromRevision;
    EtcdWatch w = new EtcdWatch(client, keys, prefix, listener, watches::remove);
    watches.add(w);
    if (closed) {
      watches.remove(w);
      throw new StoreException("store is closed");
    }
    w.start(from);
    return w;
  }

  // ---------------------------------------------------------------- leadership

  /**
   * Campaigns in etcd's election {@code N election/<name>} on a lease kept alive while the
   * candidate is in the election; leadership ends when the lease is lost.
   */
  @Override
  public LeaderElection leaderElection(String name, String candidateId) {
    ensureOpen();
    EtcdLeaderElection e =
        new EtcdLeaderElection(client, keys.election(name), candidateId, elections::remove);
    elections.add(e);
    return e;
  }

  /**
   * A compactor of this cluster's old history, one {@code interval} behind its head; the caller
   * starts it (on the leader only) and closes it.
   */
  public EtcdCompactor compactor(Duration interval) {
    return new EtcdCompactor(client.getKVClient(), interval);
  }

  // ---------------------------------------------------------------- lifecycle

  private void ensureOpen() {
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      writeLock.unlock();
    }
    StoreException closedError = new StoreException("store is closed");
    for (EtcdWatch w : List.copyOf(watches)) {
      w.fail(closedError);
    }
    for (EtcdLeaderElection e : List.copyOf(elections)) {
      e.close();
    }
    if (ownsClient) {
      client.close();
    }
    log.info("etcd store under {} closed", keys.namespace());
  }

  /** The namespace this store lives under. */
  public String namespace() {
    return keys.namespace();
  }
}
