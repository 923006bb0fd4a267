package org.wayleave.cli;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.ResourceRef;
import org.wayleave.api.v1.Termination;
import org.wayleave.cli.manifest.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wayleave describe KIND ID}: one object in full, for a person. */
@Command(
    name = "describe",
    header = "Shows one object in full; a circuit with its status and history.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows one object in full. For a circuit: its spec, where it lands (device and",
      "sub-interface), its phase, its conditions with their transition times, and recent events."
    })
final class DescribeCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "councils, suppliers, sites, devices, vlanpools or circuits.")
  String kind;

  @Parameters(index = "1", paramLabel = "ID", description = "The object's id.")
  String id;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    return client.onKind(
        "describe",
        kind,
        (k, channel) -> {
          Resource r = k.get(channel, id);
          if (!r.hasCircuit() || client.output != ClientOptions.Output.table) {
            System.out.print(
                client.output == ClientOptions.Output.json
                    ? Manifests.toJson(r, true) + "\n"
                    : Manifests.toYaml(List.of(r), true));
            return 0;
          }
          System.out.print(circuit(r.getCircuit()));
          var history =
              CircuitServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .history(
                      HistoryRequest.newBuilder()
                          .setLimit(5)
                          .setRef(
                              ResourceRef.newBuilder()
                                  .setKind(ResourceKind.RESOURCE_KIND_CIRCUIT)
                                  .setId(id))
                          .build());
          System.out.println("Recent events:");
          for (var e : history.getEntriesList()) {
            System.out.printf(
                "  %-9d %-24s %-26s %s%n",
                e.getRevision(),
                Instant.ofEpochSecond(e.getTime().getSeconds()),
                e.getPrincipal(),
                e.getAction());
          }
          return 0;
        });
  }

  static String circuit(Circuit c) {
    StringBuilder b = new StringBuilder();
    var s = c.getSpec();
    line(b, "Circuit", c.getId());
    line(b, "Council", s.getCouncil());
    line(b, "Supplier", s.getSupplier());
    line(b, "Kind", KindClient.enumName(s.getKind().name(), "CIRCUIT_KIND_"));
    line(b, "Committed", s.getCommittedMbps() + " Mbit/s");
    line(b, "Admin state", KindClient.enumName(s.getAdminState().name(), "ADMIN_STATE_"));
    line(b, "A-end", end(s.getAEnd()));
    if (s.hasBEnd()) {
      line(b, "B-end", end(s.getBEnd()));
    }
    if (!s.getDescription().isEmpty()) {
      line(b, "Description", s.getDescription());
    }
    line(
        b,
        "Generation",
        s.getGeneration() + " (status observed " + c.getStatus().getObservedGeneration() + ")");
    line(b, "Revision", Long.toString(c.getMeta().getRevision()));
    line(b, "Updated", time(c.getMeta().getUpdateTime()) + " by " + c.getMeta().getUpdatedBy());
    line(
        b,
        "Phase",
        KindClient.enumName(c.getStatus().getPhase().name(), "CIRCUIT_PHASE_")
            + " since "
            + time(c.getStatus().getPhaseTransitionTime()));
    if (!c.getStatus().getLastError().isEmpty()) {
      line(b, "Last error", c.getStatus().getLastError());
    }
    b.append("Conditions:\n");
    b.append(
        String.format(
            "  %-16s %-8s %-20s %-26s %s%n", "TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"));
    for (Condition cond : c.getStatus().getConditionsList()) {
      b.append(
          String.format(
              "  %-16s %-8s %-20s %-26s %s%n",
              cond.getType(),
              KindClient.enumName(cond.getStatus().name(), "CONDITION_STATUS_"),
              cond.getReason(),
              time(cond.getLastTransitionTime()),
              cond.getMessage()));
    }
    return b.toString();
  }

  private static String end(Termination t) {
    String sub =
        t.hasCTag()
            ? t.getPort() + "." + (t.hasSTag() ? t.getSTag() + "." : "") + t.getCTag()
            : "(VLAN not allocated)";
    return t.getDevice()
        + " port "
        + t.getPort()
        + ", sub-interface "
        + sub
        + (t.hasCTag() ? ", VLAN " + t.getCTag() : "")
        + (t.hasSTag() ? ", s-tag " + t.getSTag() : "");
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format("%-13s %s%n", label + ":", value));
  }

  private static String time(Timestamp t) {
    return t.getSeconds() == 0
        ? "-"
        : Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
