package org.wayleave.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.PlanResponse;
import org.wayleave.cli.manifest.ManifestException;
import org.wayleave.cli.manifest.ManifestItem;
import org.wayleave.cli.manifest.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wayleave plan -f PATH}: the server-side dry run of an apply, as a readable diff. */
@Command(
    name = "plan",
    header = "Shows what 'apply -f' would change; changes nothing.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what 'apply -f' would change: objects, each device's sub-interfaces, and the VLANs it",
      "would allocate. Writes nothing.",
      "Exit status (as terraform plan -detailed-exitcode): 0 no changes, 2 changes, 1 error."
    })
final class PlanCommand implements Callable<Integer> {
  static final int CHANGES = 2;

  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "Manifest file or directory (repeatable).")
  List<Path> paths;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    List<ManifestItem> items;
    try {
      items = Manifests.read(paths);
    } catch (ManifestException e) {
      System.err.println("wayleave plan: " + e.getMessage());
      return 1;
    }
    ApplyCommand.noteIgnored("plan", items, System.err);
    ApplyRequest req = ApplyCommand.request(items);
    return client.call(
        "plan",
        i -> items.get(i).where(),
        channel -> {
          PlanResponse plan =
              CircuitServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(60, TimeUnit.SECONDS)
                  .plan(req);
          System.out.println(
              "Plan for "
                  + items.size()
                  + " object(s) against revision "
                  + plan.getRevision()
                  + ":");
          var summary =
              PlanPrinter.print(
                  plan.getChangesList(),
                  plan.getDevicesList(),
                  plan.getAllocationsList(),
                  System.out);
          System.out.println(
              summary.changes()
                  ? summary.line("Plan")
                  : "No changes: the controller already holds this.");
          return summary.changes() ? CHANGES : 0;
        });
  }
}
