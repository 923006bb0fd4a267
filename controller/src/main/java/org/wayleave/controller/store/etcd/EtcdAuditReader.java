package org.wayleave.controller.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.StoreEvent;

/**
 * Reads audit records: newest first for {@code audit}, oldest first for a watch's history. Pages of
 * one query are read at one etcd revision, so they are one snapshot.
 */
final class EtcdAuditReader {
  private static final int PAGE = 128;

  private final KV kv;
  private final EtcdKeys keys;

  EtcdAuditReader(KV kv, EtcdKeys keys) {
    this.kv = kv;
    this.keys = keys;
  }

  /** Up to {@code limit} records touching {@code prefix} older than {@code beforeRevision}. */
  List<AuditRecord> page(String prefix, long beforeRevision, int limit) {
    List<AuditRecord> out = new ArrayList<>();
    ByteSequence end = beforeRevision > 0 ? keys.audit(beforeRevision) : keys.auditEnd();
    long at = 0;
    while (out.size() < limit) {
      GetOption.Builder opt =
          GetOption.builder()
              .withRange(end)
              .withSortField(GetOption.SortTarget.KEY)
              .withSortOrder(GetOption.SortOrder.DESCEND)
              .withLimit(PAGE);
      if (at > 0) {
        opt.withRevision(at);
      }
      GetResponse r = Etcd.await(kv.get(keys.auditPrefix(), opt.build()), "audit query");
      if (at == 0) {
        at = r.getHeader().getRevision();
      }
      for (var found : r.getKvs()) {
        AuditRecord record = EtcdCodec.decodeAudit(found.getValue().getBytes());
        if (touches(record, prefix)) {
          out.add(record);
          if (out.size() == limit) {
            break;
          }
        }
        end = found.getKey();
      }
      if (!r.isMore() || r.getKvs().isEmpty()) {
        break;
      }
    }
    return out;
  }

  /**
   * The records after {@code afterRevision}, oldest first, read at etcd revision {@code at} (0:
   * now); hands each to {@code sink} and returns the etcd revision they were read at.
   */
  long history(long afterRevision, long at, Consumer<AuditRecord> sink) {
    ByteSequence start = keys.audit(afterRevision + 1);
    long readAt = at;
    while (true) {
      GetOption.Builder opt = GetOption.builder().withRange(keys.auditEnd()).withLimit(PAGE);
      if (readAt > 0) {
        opt.withRevision(readAt);
      }
      GetResponse r = Etcd.await(kv.get(start, opt.build()), "watch history");
      if (readAt == 0) {
        readAt = r.getHeader().getRevision();
      }
      for (var found : r.getKvs()) {
        sink.accept(EtcdCodec.decodeAudit(found.getValue().getBytes()));
      }
      if (!r.isMore() || r.getKvs().isEmpty()) {
        return readAt;
      }
      ByteSequence last = r.getKvs().get(r.getKvs().size() - 1).getKey();
      start = last.concat(ByteSequence.from(new byte[] {0}));
    }
  }

  static boolean touches(AuditRecord record, String prefix) {
    for (StoreEvent e : record.changes()) {
      if (e.kv().key().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
