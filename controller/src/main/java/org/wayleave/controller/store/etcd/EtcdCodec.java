package org.wayleave.controller.store.etcd;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wayleave.controller.store.AuditRecord;
import org.wayleave.controller.store.KeyValue;
import org.wayleave.controller.store.StoreEvent;
import org.wayleave.controller.store.StoreException;

/**
 * The bytes a store writes to etcd. A stored key's value is an envelope: its store create revision,
 * mod revision and version (three big-endian longs), then the value bytes. An audit record holds
 * the revision, time, principal, action and every change with its value before and after, so it is
 * also the store's change log (the watch history).
 */
final class EtcdCodec {
  private static final int ENVELOPE_HEADER = 3 * Long.BYTES;
  private static final int FORMAT = 1;

  private EtcdCodec() {}

  static byte[] envelope(KeyValue kv) {
    byte[] value = kv.value();
    return ByteBuffer.allocate(ENVELOPE_HEADER + value.length)
        .putLong(kv.createRevision())
        .putLong(kv.modRevision())
        .putLong(kv.version())
        .put(value)
        .array();
  }

  static KeyValue fromEnvelope(String key, byte[] raw) {
    if (raw.length < ENVELOPE_HEADER) {
      throw new StoreException("the value of " + key + " is not a store envelope");
    }
    ByteBuffer b = ByteBuffer.wrap(raw);
    long create = b.getLong();
    long mod = b.getLong();
    long version = b.getLong();
    return new KeyValue(
        key, Arrays.copyOfRange(raw, ENVELOPE_HEADER, raw.length), create, mod, version);
  }

  static byte[] encodeAudit(AuditRecord record) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(record.revision());
      out.writeLong(record.time().toEpochMilli());
      writeString(out, record.principal());
      writeString(out, record.action());
      out.writeInt(record.changes().size());
      for (StoreEvent e : record.changes()) {
        out.writeBoolean(e.type() == StoreEvent.Type.DELETE);
        writeKv(out, e.kv());
        out.writeBoolean(e.prevKv() != null);
        if (e.prevKv() != null) {
          writeKv(out, e.prevKv());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static AuditRecord decodeAudit(byte[] raw) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new StoreException("unknown audit record format " + format);
      }
      long rev = in.readLong();
      Instant time = Instant.ofEpochMilli(in.readLong());
      String principal = readString(in);
      String action = readString(in);
      int n = in.readInt();
      List<StoreEvent> changes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        boolean deleted = in.readBoolean();
        KeyValue kv = readKv(in);
        KeyValue prev = in.readBoolean() ? readKv(in) : null;
        changes.add(
            new StoreEvent(deleted ? StoreEvent.Type.DELETE : StoreEvent.Type.PUT, kv, prev));
      }
      return new AuditRecord(rev, time, principal, action, changes);
    } catch (IOException e) {
      throw new StoreException("unreadable audit record: " + e.getMessage(), e);
    }
  }

  private static void writeKv(DataOutputStream out, KeyValue kv) throws IOException {
    writeString(out, kv.key());
    writeBytes(out, kv.value());
    out.writeLong(kv.createRevision());
    out.writeLong(kv.modRevision());
    out.writeLong(kv.version());
  }

  private static KeyValue readKv(DataInputStream in) throws IOException {
    String key = readString(in);
    byte[] value = readBytes(in);
    return new KeyValue(key, value, in.readLong(), in.readLong(), in.readLong());
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative length " + n);
    }
    return in.readNBytes(n);
  }
}
