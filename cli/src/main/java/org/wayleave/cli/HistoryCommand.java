package org.wayleave.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.AuditEntry;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.HistoryRequest;
import org.wayleave.api.v1.ResourceChange;
import org.wayleave.api.v1.ResourceKind;
import org.wayleave.api.v1.ResourceRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave history [--circuit ID]}: the audit trail. */
@Command(
    name = "history",
    header = "Shows the audit trail, newest first.",
    mixinStandardHelpOptions = true,
    description = {
      "The audit trail, newest first: revision, when, who, what they asked, and what changed.",
      "Pass a revision to 'wayleave rollback --to-revision N' to restore the desired state of then."
    })
final class HistoryCommand implements Callable<Integer> {
  @Option(names = "--circuit", paramLabel = "ID", description = "Only changes to this circuit.")
  String circuit;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "At most this many entries (default: ${DEFAULT-VALUE}).")
  int limit;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    return client.call(
        "history",
        null,
        channel -> {
          HistoryRequest.Builder req = HistoryRequest.newBuilder().setLimit(limit);
          if (circuit != null) {
            req.setRef(
                ResourceRef.newBuilder()
                    .setKind(ResourceKind.RESOURCE_KIND_CIRCUIT)
                    .setId(circuit));
          }
          var resp =
              CircuitServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(30, TimeUnit.SECONDS)
                  .history(req.build());
          System.out.printf("%-9s %-24s %-26s %s%n", "REVISION", "TIME", "WHO", "WHAT");
          for (AuditEntry e : resp.getEntriesList()) {
            System.out.printf(
                "%-9d %-24s %-26s %s%n",
                e.getRevision(),
                Instant.ofEpochSecond(e.getTime().getSeconds()).toString(),
                e.getPrincipal(),
                e.getAction());
            int shown = 0;
            for (ResourceChange c : e.getChangesList()) {
              if (shown++ == 5) {
                System.out.println("          ... and " + (e.getChangesCount() - 5) + " more");
                break;
              }
              System.out.println(
                  "          "
                      + PlanPrinter.symbol(c.getAction())
                      + " "
                      + KindClient.enumName(c.getRef().getKind().name(), "RESOURCE_KIND_")
                          .toLowerCase()
                      + " "
                      + c.getRef().getId());
            }
          }
          return 0;
        });
  }
}
