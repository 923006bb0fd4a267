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
  private final Since since;
  private final Fence fence;

  /**
   * A guard on whole prefixes: no key under any of {@code prefixes} changed after store revision
   * {@code revision}. It holds a plan made from a snapshot to that snapshot as a whole, so that two
   * writers planning against the same revision cannot both commit when either changes what the
   * other read.
   */
  public record Since(long revision, List<String> prefixes) {
    public Since {
      if (revision < 0) {
        throw new IllegalArgumentException("revision cannot be negative: " + revision);
      }
      prefixes = List.copyOf(prefixes);
    }

    /** Whether {@code key} lies under one of the guarded prefixes. */
    public boolean covers(String key) {
      for (String p : prefixes) {
        if (key.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  private Txn(Builder b) {
    this.compares = List.copyOf(b.compares);
    this.puts = Collections.unmodifiableMap(new LinkedHashMap<>(b.puts));
    this.deletes = List.copyOf(b.deletes);
    this.audit = Objects.requireNonNull(b.audit, "audit is required on every transaction");
    this.since = b.since;
    this.fence = b.fence;
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

  /** The prefix guard, or null for none. */
  public Since since() {
    return since;
  }

  /** The leader's claim the write is made under, or null for a write anyone may make. */
  public Fence fence() {
    return fence;
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
    private Since since;
    private Fence fence;

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

    /**
     * Fails the transaction (as a failed compare does) if any key under {@code prefixes} changed
     * after store revision {@code revision}.
     */
    public Builder unchangedSince(long revision, List<String> prefixes) {
      this.since = new Since(revision, prefixes);
      return this;
    }

    /**
     * Commits only while {@code fence} holds; a lost claim refuses the write with {@link
     * NotLeaderException}.
     */
    public Builder fence(Fence fence) {
      this.fence = Objects.requireNonNull(fence, "fence");
      return this;
    }

    public Txn build() {
      return new Txn(this);
    }
  }
}
