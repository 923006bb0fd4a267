package org.wayleave.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.wayleave.api.v1.Resource;
import org.wayleave.cli.manifest.Manifests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code wayleave get KIND [ID]}: lists objects, or shows one. */
@Command(
    name = "get",
    header = "Lists the objects of a kind, or shows one.",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the objects of a kind (councils, suppliers, sites, devices, vlanpools, circuits),",
      "or shows one by id, as a table or as json/yaml manifests (-o)."
    })
final class GetCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "KIND",
      description = "councils, suppliers, sites, devices, vlanpools or circuits.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "One object's id.")
  String id;

  @Mixin ClientOptions client;

  @Override
  public Integer call() throws Exception {
    return client.onKind(
        "get",
        kind,
        (k, channel) -> {
          List<Resource> objs = id == null ? k.list(channel) : List.of(k.get(channel, id));
          switch (client.output) {
            case yaml -> System.out.print(Manifests.toYaml(objs, true));
            case json -> objs.forEach(o -> System.out.println(Manifests.toJson(o, true)));
            case table ->
                System.out.print(
                    KindClient.table(k.columns, objs.stream().map(k::row).toList(), c -> c));
          }
          return 0;
        });
  }
}
