package org.wayleave.controller.northbound;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import org.wayleave.api.v1.AuditEntry;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.HistoryResponse;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.ResourceRef;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.StoreEvent;

/** The audit trail as the API shows it: desired-state changes, newest first. */
final class History {
  /** The fewest audit records read from the store at a time. */
  static final int READ = 256;

  private History() {}

  /** Every change. */
  static HistoryResponse of(StateStore store, HistoryRequest req) {
    return of(store, req, Scope.all());
  }

  /**
   * The changes {@code scope} may see: a change shows if the object before or after it is visible.
   */
  static HistoryResponse of(StateStore store, HistoryRequest req, Scope scope) {
    if (req.getLimit() < 0 || req.getBeforeRevision() < 0) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          req.getLimit() < 0 ? "limit" : "before_revision",
          "must not be negative");
    }
    int limit = req.getLimit() == 0 ? 50 : Math.min(req.getLimit(), 1000);
    String exact = null;
    if (req.hasRef()) {
      Kind<?> kind = Kind.of(req.getRef().getKind());
      if (kind == null || req.getRef().getId().isEmpty()) {
        throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "ref", "must name a kind and an id");
      }
      exact = kind.key(req.getRef().getId());
    }
    HistoryResponse.Builder out = HistoryResponse.newBuilder();
    long before = req.getBeforeRevision();
    // Status writes and other objects sharing the prefix are skipped, so read until the page fills,
    // in reads of at least READ records: after a failover the newest thousands of records can be
    // status writes, and reading them limit (often 1) at a time took a store round trip each.
    int read = Math.max(limit, READ);
    while (out.getEntriesCount() < limit) {
      var records = store.audit(exact != null ? exact : Kind.ROOT, before, read);
      if (records.isEmpty()) {
        break;
      }
      for (AuditRecord r : records) {
        AuditEntry e = entry(r, exact, scope);
        if (e.getChangesCount() > 0) {
          out.addEntries(e);
          if (out.getEntriesCount() == limit) {
            break;
          }
        }
        before = r.revision();
      }
      if (records.size() < read) {
        break;
      }
    }
    return out.build();
  }

  private static AuditEntry entry(AuditRecord r, String exact, Scope scope) {
    AuditEntry.Builder e =
        AuditEntry.newBuilder()
            .setRevision(r.revision())
            .setTime(
                Timestamp.newBuilder()
                    .setSeconds(r.time().getEpochSecond())
                    .setNanos(r.time().getNano()))
            .setPrincipal(r.principal())
            .setAction(r.action());
    for (StoreEvent ev : r.changes()) {
      String key = ev.kv().key();
      Kind<?> kind = Kind.ofKey(key);
      if (kind == null || (exact != null && !key.equals(exact))) {
        continue;
      }
      ResourceChange.Builder c =
          ResourceChange.newBuilder()
              .setRef(
                  ResourceRef.newBuilder()
                      .setKind(kind.apiKind())
                      .setId(key.substring(kind.prefix().length())));
      Message before = ev.prevKv() != null ? parse(kind, ev.prevKv()) : null;
      Message after = ev.type() == StoreEvent.Type.PUT ? parse(kind, ev.kv()) : null;
      if (!scope.sees(before) && !scope.sees(after)) {
        continue;
      }
      if (before != null) {
        c.setBefore(kind.wrapAny(before));
      }
      if (after != null) {
        c.setAfter(kind.wrapAny(after));
        c.setAction(
            ev.prevKv() == null
                ? ChangeAction.CHANGE_ACTION_CREATE
                : ChangeAction.CHANGE_ACTION_UPDATE);
      } else {
        c.setAction(ChangeAction.CHANGE_ACTION_DELETE);
      }
      e.addChanges(c);
    }
    return e.build();
  }

  private static Message parse(Kind<?> kind, KeyValue kv) {
    Message m = kind.parse(kv.key(), kv.value());
    return kind.withMetaAny(
        m,
        kind.metaOfAny(m).toBuilder()
            .setRevision(kv.modRevision())
            .setCreateRevision(kv.createRevision())
            .build());
  }
}
