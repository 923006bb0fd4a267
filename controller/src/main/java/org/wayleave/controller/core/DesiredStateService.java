package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.Compare;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.store.TxnResult;

/**
 * The desired state as the northbound APIs see it: reads from the cache, writes as validated
 * batches through the store. Writes are serialised (one planner at a time, as SQLite and the etcd
 * leader serialise them anyway), so two concurrent requests never see the same free VLAN; every
 * write is also guarded in the store by the revisions the planner read.
 */
public final class DesiredStateService {
  /** Default and maximum page sizes for list calls. */
  public static final int DEFAULT_PAGE_SIZE = 100;

  public static final int MAX_PAGE_SIZE = 1000;

  private final StateStore store;
  private final ResourceCache cache;
  private final Clock clock;
  private final ReentrantLock writeMutex = new ReentrantLock(true);

  /** How many times a write is planned again when other controllers keep changing the state. */
  static final int MAX_PLAN_ATTEMPTS = 20;

  public DesiredStateService(StateStore store, ResourceCache cache, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.clock = clock;
  }

  /** The outcome of an applied batch: its revision, its plan, and the objects as stored. */
  public record Applied(long revision, Plan plan, List<ResourceChange> changes) {}

  public ResourceCache cache() {
    return cache;
  }

  public long revision() {
    return store.revision();
  }

  /**
   * Computes what {@code ops} would do, writing nothing.
   *
   * @throws ApiException if any operation breaks a rule
   */
  public Plan plan(List<Op> ops, String principal) {
    return plan(ops, principal, Visibility.ALL);
  }

  /**
   * Computes what {@code ops} would do for a caller who may name only what {@code seen} shows,
   * writing nothing.
   *
   * @throws ApiException if any operation breaks a rule, or names what the caller may not see
   */
  public Plan plan(List<Op> ops, String principal, Visibility seen) {
    writeMutex.lock();
    try {
      return planLocked(ops, principal, seen).plan();
    } finally {
      writeMutex.unlock();
    }
  }

  /** A plan and the revision of the state it was made from. */
  private record Planned(Plan plan, long revision) {}

  private Planned planLocked(List<Op> ops, String principal, Visibility seen) {
    cache.awaitRevisionOrThrow(store.revision());
    cache.readLock().lock();
    try {
      Plan plan = new BatchPlanner(cache.unlocked(), clock.instant(), principal, seen).plan(ops);
      return new Planned(plan, cache.revision());
    } finally {
      cache.readLock().unlock();
    }
  }

  /**
   * Validates and applies {@code ops} atomically, returning once the change is durable and visible
   * to reads.
   *
   * @param principal who asks, recorded in the audit trail
   * @param action what they asked for, recorded in the audit trail
   * @throws ApiException if any operation breaks a rule; nothing is written then
   */
  public Applied apply(List<Op> ops, String principal, String action) {
    return apply(ops, principal, action, Visibility.ALL);
  }

  /**
   * As {@link #apply(List, String, String)}, for a caller who may name only what {@code seen}
   * shows: a reference to anything else is refused as a reference to a missing object.
   */
  public Applied apply(List<Op> ops, String principal, String action, Visibility seen) {
    writeMutex.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        Applied applied = tryApply(ops, principal, action, seen);
        if (applied != null) {
          return applied;
        }
        if (attempt == MAX_PLAN_ATTEMPTS) {
          throw ApiException.of(
              ErrorCode.FAILED_PRECONDITION,
              "",
              "the desired state kept changing while the request was planned (other controllers"
                  + " wrote it "
                  + MAX_PLAN_ATTEMPTS
                  + " times); retry");
        }
      }
    } finally {
      writeMutex.unlock();
    }
  }

  /**
   * Plans {@code ops} against the cache at its revision R and commits the writes only if no
   * desired-state key changed after R: the whole plan, every rule it checked included, holds at
   * commit as it did when planned, whichever controller wrote in between.
   *
   * @return the outcome, or null if the desired state changed after R (plan again)
   */
  private Applied tryApply(List<Op> ops, String principal, String action, Visibility seen) {
    Planned planned = planLocked(ops, principal, seen);
    Plan plan = planned.plan();
    if (plan.writes().isEmpty()) {
      return new Applied(planned.revision(), plan, plan.changes());
    }
    Txn.Builder txn =
        Txn.builder(new Audit(principal, action))
            .unchangedSince(planned.revision(), Kind.DESIRED_PREFIXES);
    for (Plan.Write w : plan.writes()) {
      if (w.expectedModRevision() >= 0) {
        txn.compare(Compare.modRevision(w.key(), w.expectedModRevision()));
      }
      if (w.value() == null) {
        txn.delete(w.key());
      } else {
        txn.put(w.key(), w.value());
      }
    }
    for (Plan.Write w : plan.writes()) {
      if (w.value() != null && w.obj() != null) {
        cache.expect(w.key(), w.value(), w.obj());
      }
    }
    TxnResult r;
    try {
      r = store.txn(txn.build());
    } finally {
      // Unused hints (a failed or refused write) must not outlive this write.
      cache.awaitRevisionQuietly(store.revision());
      cache.forgetHints();
    }
    if (!r.succeeded()) {
      return null;
    }
    cache.awaitRevisionOrThrow(r.revision());
    return new Applied(r.revision(), plan, stamp(plan.changes(), r.revision()));
  }

  /** The changes with the store revisions of the write filled into each object's meta. */
  private static List<ResourceChange> stamp(List<ResourceChange> changes, long rev) {
    List<ResourceChange> out = new ArrayList<>(changes.size());
    for (ResourceChange c : changes) {
      if (c.getAction() != ChangeAction.CHANGE_ACTION_CREATE
          && c.getAction() != ChangeAction.CHANGE_ACTION_UPDATE) {
        out.add(c);
        continue;
      }
      Kind<?> kind = Kind.of(c.getAfter());
      Message after = kind.unwrap(c.getAfter());
      long created =
          c.hasBefore() ? kind.metaOfAny(kind.unwrap(c.getBefore())).getCreateRevision() : rev;
      ObjectMeta meta =
          kind.metaOfAny(after).toBuilder().setRevision(rev).setCreateRevision(created).build();
      out.add(c.toBuilder().setAfter(kind.wrapAny(kind.withMetaAny(after, meta))).build());
    }
    return out;
  }

  /**
   * The operations that put every desired-state object back as it stood at {@code revision}:
   * upserts of the objects then (unchanged ones plan as UNCHANGED), deletes of those created since.
   * Observed circuit status is not desired state and is left alone.
   *
   * @throws ApiException OUT_OF_RANGE for a revision the store does not hold
   */
  public List<Op> rollbackOps(long revision) {
    if (revision < 1 || revision > store.revision()) {
      throw ApiException.of(
          ErrorCode.OUT_OF_RANGE,
          "to_revision",
          "must be within 1-" + store.revision() + " (got " + revision + ")");
    }
    List<Op> ops = new ArrayList<>();
    for (Kind<?> kind : Kind.ALL) {
      Set<String> then = new HashSet<>();
      for (var kv : store.listAt(kind.prefix(), revision).kvs()) {
        Message obj =
            kind.withMetaAny(kind.parse(kv.key(), kv.value()), ObjectMeta.getDefaultInstance());
        String id = kind.idOfAny(obj);
        then.add(id);
        ops.add(
            new Op(
                Op.Mode.UPSERT,
                kind,
                id,
                obj,
                0,
                "revision " + revision + " " + kind.name() + " " + id));
      }
      for (Message now : cache.list(kind)) {
        String id = kind.idOfAny(now);
        if (!then.contains(id)) {
          ops.add(Op.delete(kind, id, 0, "revision " + revision + " " + kind.name() + " " + id));
        }
      }
    }
    return ops;
  }

  /**
   * The object with id {@code id}.
   *
   * @throws ApiException NOT_FOUND if absent
   */
  public <T extends Message> T get(Kind<T> kind, String id) {
    if (id.isEmpty()) {
      throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "id", "is required");
    }
    T obj = kind == Kind.CIRCUIT ? kind.cast(cache.circuitWithStatus(id)) : cache.get(kind, id);
    if (obj == null) {
      throw notFound(kind, id);
    }
    return obj;
  }

  /** The refusal for an object that does not exist (or that the caller may not see). */
  public static ApiException notFound(Kind<?> kind, String id) {
    return ApiException.of(ErrorCode.NOT_FOUND, "id", kind.name() + " '" + id + "' does not exist");
  }

  /** One page of a listing. */
  public record Page<T>(List<T> items, String nextPageToken, long revision) {}

  /**
   * A page of objects of {@code kind} matching {@code filter}, sorted by id.
   *
   * @param pageSize 0 for the default; at most {@link #MAX_PAGE_SIZE}
   * @param pageToken empty for the first page, else a previous page's token
   * @throws ApiException INVALID_ARGUMENT for a bad page size or token
   */
  public <T extends Message> Page<T> list(
      Kind<T> kind, int pageSize, String pageToken, Predicate<T> filter) {
    int size = pageSize(pageSize);
    String after = decodeToken(pageToken);
    List<T> items = new ArrayList<>(Math.min(size, 1024));
    String next = "";
    cache.readLock().lock();
    try {
      long rev = cache.revision();
      for (Message m : cache.tail(kind, after)) {
        T obj = kind.cast(m);
        if (kind == Kind.CIRCUIT) {
          obj = kind.cast(cache.withStatus((Circuit) obj));
        }
        if (!filter.test(obj)) {
          continue;
        }
        if (items.size() == size) {
          next = encodeToken(kind.idOf(items.get(items.size() - 1)));
          break;
        }
        items.add(obj);
      }
      return new Page<>(items, next, rev);
    } finally {
      cache.readLock().unlock();
    }
  }

  static int pageSize(int requested) {
    if (requested < 0) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT, "page_size", "must not be negative (got " + requested + ")");
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  }

  static String encodeToken(String lastId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("v1:" + lastId).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeToken(String token) {
    if (token.isEmpty()) {
      return "";
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (s.startsWith("v1:")) {
        return s.substring(3);
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw ApiException.of(
        ErrorCode.INVALID_ARGUMENT,
        "page_token",
        "is not a token this server issued; pass next_page_token from the previous response");
  }
}
