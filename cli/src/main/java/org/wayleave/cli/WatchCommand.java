package org.wayleave.cli;

import com.google.protobuf.util.JsonFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.Resource;
import org.wayleave.api.v1.WatchEvent;
import org.wayleave.api.v1.WatchRequest;
import org.wayleave.cli.manifest.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave watch}: follows changes as they happen, resumable from a revision. */
@Command(
    name = "watch",
    header = "Prints every change as it happens.",
    mixinStandardHelpOptions = true,
    description = {
      "Prints every change as it happens: revision, PUT or DELETE, kind, id, and a circuit's"
          + " phase.",
      "--from-revision N first replays everything after revision N (e.g. after a reconnect)."
    })
final class WatchCommand implements Callable<Integer> {
  @Option(
      names = "--from-revision",
      defaultValue = "0",
      description = "Replay changes after this revision first (default: from now).")
  long fromRevision;

  @Option(names = "--council", defaultValue = "", description = "Only circuits of this council.")
  String council;

  @Option(
      names = "--count",
      defaultValue = "0",
      description = "Stop after this many events (default: run until stopped).")
  int count;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    return client.call(
        "watch",
        null,
        channel -> {
          Iterator<WatchEvent> events =
              CircuitServiceGrpc.newBlockingStub(channel)
                  .watch(
                      WatchRequest.newBuilder()
                          .setFromRevision(fromRevision)
                          .setCouncil(council)
                          .build());
          int seen = 0;
          if (client.output == ClientOptions.Output.table) {
            System.out.printf(
                "%-9s %-7s %-10s %-28s %s%n", "REVISION", "TYPE", "KIND", "ID", "PHASE");
          }
          while (events.hasNext()) {
            WatchEvent e = events.next();
            if (client.output == ClientOptions.Output.json) {
              System.out.println(JsonFormat.printer().omittingInsignificantWhitespace().print(e));
            } else if (client.output == ClientOptions.Output.yaml) {
              System.out.print(
                  "# revision "
                      + e.getRevision()
                      + " "
                      + KindClient.enumName(e.getType().name(), "EVENT_TYPE_")
                      + "\n"
                      + Manifests.toYaml(List.of(e.getResource()), true));
            } else {
              System.out.printf(
                  "%-9d %-7s %-10s %-28s %s%n",
                  e.getRevision(),
                  KindClient.enumName(e.getType().name(), "EVENT_TYPE_"),
                  e.getResource().getKindCase().name().toLowerCase(),
                  id(e.getResource()),
                  e.getResource().hasCircuit()
                      ? KindClient.enumName(
                          e.getResource().getCircuit().getStatus().getPhase().name(),
                          "CIRCUIT_PHASE_")
                      : "");
            }
            System.out.flush();
            if (count > 0 && ++seen >= count) {
              return 0;
            }
          }
          return 0;
        });
  }

  private static String id(Resource r) {
    return switch (r.getKindCase()) {
      case COUNCIL -> r.getCouncil().getId();
      case SUPPLIER -> r.getSupplier().getId();
      case SITE -> r.getSite().getId();
      case DEVICE -> r.getDevice().getId();
      case VLAN_POOL -> r.getVlanPool().getId();
      case CIRCUIT -> r.getCircuit().getId();
      case KIND_NOT_SET -> "";
    };
  }
}
