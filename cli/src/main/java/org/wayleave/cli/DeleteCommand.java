package org.wayleave.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wayleave delete KIND ID}. */
@Command(
    name = "delete",
    header = "Deletes one object.",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes one object. Refused, changing nothing, while others still refer to it."
    })
final class DeleteCommand implements Callable<Integer> {
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
        "delete",
        kind,
        (k, channel) -> {
          long rev = k.delete(channel, id);
          System.out.println(
              "deleted "
                  + k.plural.substring(0, k.plural.length() - 1)
                  + " "
                  + id
                  + " at revision "
                  + rev);
          return 0;
        });
  }
}
