package org.wayleave.controller.core;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.Device;
import org.wayleave.api.v1.DeviceConfig;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.ObjectMeta;
import org.wayleave.api.v1.Port;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.ResourceRef;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.Termination;
import org.wayleave.api.v1.VlanAllocation;
import org.wayleave.api.v1.VlanPool;
import org.wayleave.base.config.SubInterfaces;

/**
 * Turns a batch of operations into a {@link Plan}: validates every item (field rules, then
 * references and shared resources against the state as it would be after the whole batch),
 * allocates VLANs, computes each touched device's configuration diff and the store writes. Pure: it
 * reads a {@link StateView} and writes nothing. A single broken rule refuses the whole batch.
 */
final class BatchPlanner {
  private final StateView base;
  private final Overlay overlay;
  private final Instant now;
  private final String principal;
  private final Visibility seen;
  private final Violations violations = new Violations();

  /**
   * "kind/id" to the field path of the op that carries it, for blaming shared-resource conflicts.
   */
  private final Map<String, String> fieldOf = new HashMap<>();

  private final Map<String, Staged> staged = new LinkedHashMap<>();
  private final List<VlanAllocation> allocations = new ArrayList<>();

  /** One staged change. */
  private record Staged(
      Op op, Kind<?> kind, String id, ChangeAction action, Message before, Message after) {}

  /**
   * @param seen what the caller may name; references to anything else answer as for missing objects
   */
  BatchPlanner(StateView base, Instant now, String principal, Visibility seen) {
    this.base = base;
    this.seen = seen;
    this.overlay = new Overlay(base);
    this.now = now;
    this.principal = principal;
  }

  Plan plan(List<Op> ops) {
    checkFields(ops);
    violations.throwIfAny();
    for (Op op : ops) {
      stage(op);
    }
    violations.throwIfAny();
    for (Staged s : staged.values()) {
      if (s.after != null) {
        References.check(s.kind, s.after, overlay, seen, violations.at(s.op.field()));
      } else if (s.action == ChangeAction.CHANGE_ACTION_DELETE) {
        References.checkDelete(s.kind, s.id, overlay, violations.at(s.op.field()));
      }
    }
    violations.throwIfAny();
    allocateVlans();
    violations.throwIfAny();
    checkPorts();
    violations.throwIfAny();
    return build();
  }

  // ------------------------------------------------------------------ stage 1: field rules

  private void checkFields(List<Op> ops) {
    Set<String> seen = new HashSet<>();
    for (Op op : ops) {
      if (op.kind() == null) {
        violations.invalid(
            op.field(),
            "must set exactly one of council, supplier, site, device, vlan_pool, circuit");
        continue;
      }
      if (op.obj() != null) {
        Validation.check(op.kind(), op.obj(), violations.at(op.field()));
      } else if (op.id().isEmpty()) {
        violations.invalid(op.field().isEmpty() ? "id" : op.field() + ".id", "is required");
      }
      if (!op.id().isEmpty() && !seen.add(op.kind().name() + "/" + op.id())) {
        violations.invalid(
            op.field(),
            op.kind().name() + " '" + op.id() + "' appears more than once in the batch");
      }
    }
  }

  // ------------------------------------------------------------------ stage 2: existence,
  // revisions

  private void stage(Op op) {
    Kind<?> kind = op.kind();
    Message existing = base.get(kind, op.id());
    String idField = op.field().isEmpty() ? "id" : op.field() + ".id";
    String what = kind.name() + " '" + op.id() + "'";
    switch (op.mode()) {
      case CREATE -> {
        if (existing != null) {
          violations.add(ErrorCode.ALREADY_EXISTS, idField, what + " already exists");
          return;
        }
      }
      case UPDATE, DELETE -> {
        if (existing == null) {
          violations.add(ErrorCode.NOT_FOUND, idField, what + " does not exist");
          return;
        }
      }
      case UPSERT -> {}
    }
    if (op.expectedRevision() != 0) {
      long actual = existing == null ? 0 : kind.metaOfAny(existing).getRevision();
      if (actual != op.expectedRevision()) {
        String revField =
            op.mode() == Op.Mode.DELETE
                ? "expected_revision"
                : (op.field().isEmpty() ? "" : op.field() + ".") + "meta.revision";
        violations.add(
            ErrorCode.FAILED_PRECONDITION,
            revField,
            existing == null
                ? what + " does not exist, but revision " + op.expectedRevision() + " was expected"
                : what
                    + " is at revision "
                    + actual
                    + ", not "
                    + op.expectedRevision()
                    + " (stale: re-read it and retry)");
        return;
      }
    }
    fieldOf.put(kind.name() + "/" + op.id(), op.field());
    if (op.mode() == Op.Mode.DELETE) {
      overlay.delete(kind, op.id());
      staged.put(
          kind.name() + "/" + op.id(),
          new Staged(op, kind, op.id(), ChangeAction.CHANGE_ACTION_DELETE, existing, null));
      return;
    }
    Message next = Normalizer.normalize(kind, op.obj(), existing, violations.at(op.field()));
    if (existing != null && next.equals(Normalizer.strip(kind, existing))) {
      staged.put(
          kind.name() + "/" + op.id(),
          new Staged(op, kind, op.id(), ChangeAction.CHANGE_ACTION_UNCHANGED, existing, null));
      return;
    }
    putOverlay(kind, next);
    staged.put(
        kind.name() + "/" + op.id(),
        new Staged(
            op,
            kind,
            op.id(),
            existing == null
                ? ChangeAction.CHANGE_ACTION_CREATE
                : ChangeAction.CHANGE_ACTION_UPDATE,
            existing,
            next));
  }

  private void putOverlay(Kind<?> kind, Message m) {
    overlay.putAny(kind, m);
  }

  // ------------------------------------------------------------------ stage 4: VLAN allocation

  private void allocateVlans() {
    Map<String, BitSet> used = new HashMap<>();
    Map<String, BitSet> allocatable = new HashMap<>();
    for (Staged s : List.copyOf(staged.values())) {
      if (s.kind != Kind.CIRCUIT || s.after == null) {
        continue;
      }
      Circuit c = (Circuit) s.after;
      Circuit.Builder b = c.toBuilder();
      boolean changed = false;
      for (CircuitEnds.End end : CircuitEnds.named(c)) {
        Termination t = end.termination();
        if (t.hasCTag()) {
          continue;
        }
        String field =
            s.op.field().isEmpty()
                ? "spec." + end.field() + ".c_tag"
                : s.op.field() + ".spec." + end.field() + ".c_tag";
        VlanPool pool = overlay.poolFor(t.getDevice(), t.getPort());
        if (pool == null) {
          violations.add(
              ErrorCode.FAILED_PRECONDITION,
              field,
              "is not set and no VLAN pool covers port "
                  + t.getPort()
                  + " of device "
                  + t.getDevice()
                  + "; set c_tag or add a pool");
          continue;
        }
        int sTag = t.hasSTag() ? t.getSTag() : 0;
        BitSet inUse = used.computeIfAbsent(pool.getId() + "|" + sTag, k -> usedTags(pool, sTag));
        BitSet free = allocatable.computeIfAbsent(pool.getId(), k -> VlanRules.allocatable(pool));
        int id = lowestFree(free, inUse);
        if (id < 0) {
          violations.add(
              ErrorCode.FAILED_PRECONDITION,
              field,
              "is not set and VLAN pool "
                  + pool.getId()
                  + " has no free id left"
                  + (sTag > 0 ? " under s-tag " + sTag : ""));
          continue;
        }
        inUse.set(id);
        Termination withTag = t.toBuilder().setCTag(id).build();
        if (end.field().equals("a_end")) {
          b.getSpecBuilder().setAEnd(withTag);
        } else {
          b.getSpecBuilder().setBEnd(withTag);
        }
        allocations.add(
            VlanAllocation.newBuilder()
                .setCircuit(c.getId())
                .setEnd(end.field())
                .setDevice(t.getDevice())
                .setPort(t.getPort())
                .setCTag(id)
                .setSTag(sTag)
                .build());
        changed = true;
      }
      if (changed) {
        Circuit allocated = b.build();
        overlay.put(Kind.CIRCUIT, allocated);
        staged.put(
            Kind.CIRCUIT.name() + "/" + c.getId(),
            new Staged(s.op, s.kind, s.id, s.action, s.before, allocated));
      }
    }
  }

  /**
   * The lowest id set in {@code free} and clear in {@code inUse}, or -1: word by word, not id by id
   * (a pool's low ids are taken first, so a walk over ids costs as much as the circuits already on
   * the pool's ports).
   */
  static int lowestFree(BitSet free, BitSet inUse) {
    BitSet candidates = (BitSet) free.clone();
    candidates.andNot(inUse);
    return candidates.nextSetBit(0);
  }

  /** C-tags in use under {@code sTag} on any port {@code pool} covers. */
  private BitSet usedTags(VlanPool pool, int sTag) {
    BitSet used = new BitSet(VlanRules.MAX + 1);
    List<String> ports = pool.getPortsList();
    if (ports.isEmpty()) {
      Device d = overlay.get(Kind.DEVICE, pool.getDevice());
      ports = d == null ? List.of() : d.getPortsList().stream().map(Port::getName).toList();
    }
    for (String port : ports) {
      used.or(overlay.usedCTags(pool.getDevice(), port, sTag));
    }
    return used;
  }

  // ------------------------------------------------------------------ stage 5: shared ports

  /** One circuit end of the batch, to blame for a conflict on its port. */
  private record EndUse(Staged staged, CircuitEnds.End end) {
    String field(String suffix) {
      String f = "spec." + end.field() + suffix;
      return staged.op.field().isEmpty() ? f : staged.op.field() + "." + f;
    }
  }

  /**
   * Terminations and bandwidth, looking only at the batch's circuit ends (the indexes give the
   * rest), plus a full look at every port of a device the batch changes.
   */
  private void checkPorts() {
    Map<String, String> claimed = new HashMap<>();
    Map<String, EndUse> firstOnPort = new LinkedHashMap<>();
    for (Staged s : staged.values()) {
      if (s.kind != Kind.CIRCUIT || s.after == null) {
        continue;
      }
      Circuit c = (Circuit) s.after;
      for (CircuitEnds.End end : CircuitEnds.named(c)) {
        Termination t = end.termination();
        firstOnPort.putIfAbsent(
            CircuitIndex.portKey(t.getDevice(), t.getPort()), new EndUse(s, end));
        if (!t.hasCTag()) {
          continue;
        }
        int sTag = t.hasSTag() ? t.getSTag() : 0;
        String other = claimed.putIfAbsent(CircuitIndex.termKey(t), c.getId());
        if (other == null) {
          other = overlay.ownerOutsideBatch(t.getDevice(), t.getPort(), sTag, t.getCTag());
        }
        if (other != null) {
          violations.add(
              ErrorCode.FAILED_PRECONDITION,
              new EndUse(s, end).field(".c_tag"),
              "VLAN "
                  + t.getCTag()
                  + (sTag > 0 ? " (s-tag " + sTag + ")" : "")
                  + " on port "
                  + t.getPort()
                  + " of device '"
                  + t.getDevice()
                  + "' is already used by circuit "
                  + other
                  + " (one c-tag per device, port and s-tag)");
        }
      }
    }
    for (EndUse use : firstOnPort.values()) {
      Termination t = use.end().termination();
      Device d = overlay.get(Kind.DEVICE, t.getDevice());
      Port port = d == null ? null : References.port(d, t.getPort());
      if (port == null) {
        continue; // reported as a bad reference already
      }
      long committed = overlay.committedMbps(t.getDevice(), t.getPort());
      if (committed > port.getSpeedMbps()) {
        violations.add(
            ErrorCode.FAILED_PRECONDITION,
            use.staged().op.field().isEmpty()
                ? "spec.committed_mbps"
                : use.staged().op.field() + ".spec.committed_mbps",
            "port "
                + t.getPort()
                + " of device '"
                + t.getDevice()
                + "' would carry "
                + committed
                + " Mbit/s of committed bandwidth, over its speed of "
                + port.getSpeedMbps()
                + " Mbit/s (oversubscribed)");
      }
    }
    for (Staged s : staged.values()) {
      if (s.kind == Kind.DEVICE && s.after != null) {
        Set<String> ports = new TreeSet<>();
        for (String id : overlay.circuitsOnDevice(s.id)) {
          for (Termination t : CircuitEnds.of(overlay.get(Kind.CIRCUIT, id))) {
            if (t.getDevice().equals(s.id)) {
              ports.add(t.getPort());
            }
          }
        }
        ports.forEach(port -> PortCheck.check(overlay, s.id, port, fieldOf, violations));
      }
    }
  }

  // ------------------------------------------------------------------ stage 6-7: diffs and writes

  /**
   * What each device gains, loses or changes: only the sub-interfaces of the batch's circuits can
   * differ (conflicts with others were refused above), so only those are compared.
   */
  private List<DeviceDiff> deviceDiffs() {
    Map<String, Map<String, SubInterface>> before = new TreeMap<>();
    Map<String, Map<String, SubInterface>> after = new TreeMap<>();
    for (Staged s : staged.values()) {
      if (s.kind != Kind.CIRCUIT || s.action == ChangeAction.CHANGE_ACTION_UNCHANGED) {
        continue;
      }
      collect((Circuit) s.before, before, after);
      collect((Circuit) s.after, after, before);
    }
    List<DeviceDiff> diffs = new ArrayList<>();
    for (String d : before.keySet()) {
      DeviceDiff diff = DeviceConfigs.diff(config(d, before.get(d)), config(d, after.get(d)));
      if (diff.getChangesCount() > 0) {
        diffs.add(diff);
      }
    }
    return diffs;
  }

  /**
   * Adds {@code c}'s sub-interfaces to {@code into}, making sure {@code other} has the device too.
   */
  private static void collect(
      Circuit c,
      Map<String, Map<String, SubInterface>> into,
      Map<String, Map<String, SubInterface>> other) {
    if (c == null) {
      return;
    }
    for (Termination t : CircuitEnds.of(c)) {
      if (t.hasCTag()) {
        SubInterface sub = SubInterfaces.of(c, t);
        into.computeIfAbsent(t.getDevice(), k -> new TreeMap<>()).put(sub.getName(), sub);
        other.computeIfAbsent(t.getDevice(), k -> new TreeMap<>());
      }
    }
  }

  private static DeviceConfig config(String device, Map<String, SubInterface> subs) {
    return DeviceConfig.newBuilder().setDeviceId(device).addAllSubInterfaces(subs.values()).build();
  }

  private Plan build() {
    List<DeviceDiff> diffs = deviceDiffs();
    List<Plan.Write> writes = new ArrayList<>();
    List<ResourceChange> changes = new ArrayList<>();
    Timestamp ts =
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    for (Staged s : staged.values()) {
      ResourceChange.Builder rc =
          ResourceChange.newBuilder()
              .setRef(ResourceRef.newBuilder().setKind(s.kind.apiKind()).setId(s.id))
              .setAction(s.action);
      if (s.before != null) {
        rc.setBefore(s.kind.wrapAny(s.before));
      }
      if (s.action == ChangeAction.CHANGE_ACTION_UNCHANGED) {
        rc.setAfter(s.kind.wrapAny(s.before));
      }
      long expected = s.before == null ? 0 : s.kind.metaOfAny(s.before).getRevision();
      if (s.after != null) {
        ObjectMeta.Builder meta = ObjectMeta.newBuilder().setUpdateTime(ts).setUpdatedBy(principal);
        meta.setCreateTime(s.before == null ? ts : s.kind.metaOfAny(s.before).getCreateTime());
        Message stored = s.kind.withMetaAny(s.after, meta.build());
        rc.setAfter(s.kind.wrapAny(stored));
        writes.add(
            new Plan.Write(s.kind.key(s.id), stored.toByteArray(), expected, s.kind, stored));
      } else if (s.action == ChangeAction.CHANGE_ACTION_DELETE) {
        writes.add(new Plan.Write(s.kind.key(s.id), null, expected, s.kind, null));
        if (s.kind == Kind.CIRCUIT) {
          writes.add(new Plan.Write(Kind.CIRCUIT_STATUS_PREFIX + s.id, null, -1, null, null));
        }
      }
      changes.add(rc.build());
    }
    return new Plan(changes, allocations, diffs, writes);
  }
}
