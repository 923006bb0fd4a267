package org.wayleave.controller.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An atomic write: if every compare holds, apply every put and delete at one new revision and
 * record the audit entry; otherwise change nothing. A key may appear at most once among puts and
 * deletes.
 */
public final class Txn {
  private final List<Compare> compares;
  private final Map<String, byte[]> puts;
  private final List<String> deletes;
  private final Audit audit;

  private Txn(Builder b) {
    this.compares = List.copyOf(b.compares);
    this.puts = Collections.unmodifiableMap(new LinkedHashMap<>(b.puts));
    this.deletes = List.copyOf(b.deletes);
    this.audit = Objects.requireNonNull(b.audit, "audit is required on every transaction");
  }

  public static Builder builder(Audit audit) {
    return new Builder().audit(audit);
  }

  public List<Compare> compares() {
    return compares;
  }

  /** Puts in insertion order. */
  public Map<String, byte[]> puts() {
    return puts;
  }

  public List<String> deletes() {
    return deletes;
  }

  public Audit audit() {
    return audit;
  }

  /** True when the transaction writes nothing (it then never moves the revision). */
  public boolean isEmpty() {
    return puts.isEmpty() && deletes.isEmpty();
  }

  /** Builds a {@link Txn}. */
  public static final class Builder {
    private final List<Compare> compares = new ArrayList<>();
    private final Map<String, byte[]> puts = new LinkedHashMap<>();
    private final List<String> deletes = new ArrayList<>();
    private Audit audit;

    public Builder audit(Audit audit) {
      this.audit = audit;
      return this;
    }

    public Builder compare(Compare c) {
      compares.add(Objects.requireNonNull(c));
      return this;
    }

    public Builder put(String key, byte[] value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (deletes.contains(key) || puts.put(key, value) != null) {
        throw new IllegalArgumentException("key appears twice in one transaction: " + key);
      }
      return this;
    }

    public Builder delete(String key) {
      Objects.requireNonNull(key, "key");
      if (puts.containsKey(key) || deletes.contains(key)) {
        throw new IllegalArgumentException("key appears twice in one transaction: " + key);
      }
      deletes.add(key);
      return this;
    }

    public Txn build() {
      return new Txn(this);
    }
  }
}
