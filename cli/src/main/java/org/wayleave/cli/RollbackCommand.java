package org.wayleave.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.PlanResponse;
import org.wayleave.api.v1.RollbackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wayleave rollback --to-revision N}: restores an earlier desired state, after showing its
 * plan.
 */
@Command(
    name = "rollback",
    header = "Restores the desired state as it stood at a revision.",
    mixinStandardHelpOptions = true,
    description = {
      "Restores every desired-state object as it stood at revision N (see 'wayleave history') as",
      "one new, audited change: shows the plan, then applies it. --dry-run only shows the plan."
    })
final class RollbackCommand implements Callable<Integer> {
  @Option(
      names = "--to-revision",
      required = true,
      paramLabel = "N",
      description = "The revision to restore.")
  long revision;

  @Option(names = "--dry-run", description = "Show the plan only.")
  boolean dryRun;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    return client.call(
        "rollback",
        null,
        channel -> {
          var stub =
              CircuitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
          PlanResponse plan =
              stub.rollback(
                      RollbackRequest.newBuilder().setToRevision(revision).setDryRun(true).build())
                  .getPlan();
          System.out.println("Rollback to revision " + revision + ":");
          var summary =
              PlanPrinter.print(
                  plan.getChangesList(),
                  plan.getDevicesList(),
                  plan.getAllocationsList(),
                  System.out);
          if (!summary.changes()) {
            System.out.println(
                "No changes: the desired state already equals revision " + revision + ".");
            return 0;
          }
          System.out.println(summary.line("Plan"));
          if (dryRun) {
            return PlanCommand.CHANGES;
          }
          var done = stub.rollback(RollbackRequest.newBuilder().setToRevision(revision).build());
          System.out.println(
              "Rolled back to revision " + revision + " as revision " + done.getRevision() + ".");
          return 0;
        });
  }
}
