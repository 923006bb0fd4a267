package org.wayleave.controller.core;

import com.google.protobuf.Message;
import java.util.List;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.VlanAllocation;

/**
 * What a batch does: its changes per object, the VLANs it allocates, the configuration each touched
 * device would receive, and the store writes that carry it out.
 */
public record Plan(
    List<ResourceChange> changes,
    List<VlanAllocation> allocations,
    List<DeviceDiff> deviceDiffs,
    List<Write> writes) {

  /**
   * One key to put (value non-null) or delete (value null), guarded by the modification revision
   * the planner read ({@code -1}: unguarded).
   */
  public record Write(
      String key, byte[] value, long expectedModRevision, Kind<?> kind, Message obj) {}

  public Plan {
    changes = List.copyOf(changes);
    allocations = List.copyOf(allocations);
    deviceDiffs = List.copyOf(deviceDiffs);
    writes = List.copyOf(writes);
  }

  /** True when applying the plan would change nothing. */
  public boolean isNoop() {
    return changes.stream().allMatch(c -> c.getAction() == ChangeAction.CHANGE_ACTION_UNCHANGED);
  }
}
