package org.wayleave.cli;

import java.io.PrintStream;
import java.util.List;
import org.wayleave.api.v1.ChangeAction;
import org.wayleave.api.v1.DeviceDiff;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.SubInterface;
import org.wayleave.api.v1.SubInterfaceChange;
import org.wayleave.api.v1.VlanAllocation;

/** Renders what a batch does: objects, per-device sub-interfaces, allocated VLANs, a summary. */
final class PlanPrinter {
  private PlanPrinter() {}

  /** Counts of a plan's object changes. */
  record Summary(int create, int update, int delete, int unchanged, int devices) {
    boolean changes() {
      return create + update + delete > 0;
    }

    String line(String verb) {
      return String.format(
          "%s: %d to create, %d to change, %d to delete, %d unchanged; %d device(s) affected.",
          verb, create, update, delete, unchanged, devices);
    }
  }

  static Summary print(
      List<ResourceChange> changes,
      List<DeviceDiff> devices,
      List<VlanAllocation> allocations,
      PrintStream out) {
    int create = 0;
    int update = 0;
    int delete = 0;
    int unchanged = 0;
    for (ResourceChange c : changes) {
      String kind =
          c.getRef().getKind().name().replace("RESOURCE_KIND_", "").toLowerCase().replace('_', ' ');
      switch (c.getAction()) {
        case CHANGE_ACTION_CREATE -> {
          create++;
          out.println("  + " + kind + " " + c.getRef().getId());
        }
        case CHANGE_ACTION_UPDATE -> {
          update++;
          out.println("  ~ " + kind + " " + c.getRef().getId());
        }
        case CHANGE_ACTION_DELETE -> {
          delete++;
          out.println("  - " + kind + " " + c.getRef().getId());
        }
        default -> unchanged++;
      }
    }
    if (!devices.isEmpty()) {
      out.println();
      out.println("Device configuration:");
      for (DeviceDiff d : devices) {
        out.println("  " + d.getDevice());
        for (SubInterfaceChange ch : d.getChangesList()) {
          out.println("    " + line(ch));
        }
      }
    }
    if (!allocations.isEmpty()) {
      out.println();
      out.println("VLANs allocated:");
      for (VlanAllocation a : allocations) {
        out.printf(
            "  %-16s %s %s %s -> VLAN %d%s%n",
            a.getCircuit(),
            a.getEnd(),
            a.getDevice(),
            a.getPort(),
            a.getCTag(),
            a.getSTag() > 0 ? " (s-tag " + a.getSTag() + ")" : "");
      }
    }
    out.println();
    return new Summary(create, update, delete, unchanged, devices.size());
  }

  /** +, ~ or - for an object change. */
  static String symbol(ChangeAction a) {
    return switch (a) {
      case CHANGE_ACTION_CREATE -> "+";
      case CHANGE_ACTION_UPDATE -> "~";
      case CHANGE_ACTION_DELETE -> "-";
      default -> "=";
    };
  }

  static String line(SubInterfaceChange ch) {
    if (ch.getAction() == ChangeAction.CHANGE_ACTION_CREATE) {
      return "+ " + describe(ch.getAfter());
    }
    if (ch.getAction() == ChangeAction.CHANGE_ACTION_DELETE) {
      return "- " + describe(ch.getBefore());
    }
    SubInterface b = ch.getBefore();
    SubInterface a = ch.getAfter();
    StringBuilder what = new StringBuilder("~ " + a.getName() + "  " + a.getAlias());
    if (b.getBandwidthMbps() != a.getBandwidthMbps()) {
      what.append("  ")
          .append(b.getBandwidthMbps())
          .append(" -> ")
          .append(a.getBandwidthMbps())
          .append(" Mbit/s");
    }
    if (b.getAdminUp() != a.getAdminUp()) {
      what.append(a.getAdminUp() ? "  admin up" : "  admin down");
    }
    if (!b.getAlias().equals(a.getAlias())) {
      what.append("  (was ").append(b.getAlias()).append(")");
    }
    return what.toString();
  }

  private static String describe(SubInterface s) {
    return s.getName()
        + "  "
        + s.getAlias()
        + "  "
        + s.getBandwidthMbps()
        + " Mbit/s"
        + (s.getAdminUp() ? "" : "  admin down");
  }
}
