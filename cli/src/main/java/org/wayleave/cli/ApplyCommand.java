package org.wayleave.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.wayleave.api.v1.ApplyRequest;
import org.wayleave.api.v1.ApplyResponse;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitServiceGrpc;
import org.wayleave.api.v1.ListCircuitsRequest;
import org.wayleave.api.v1.ListCircuitsResponse;
import org.wayleave.base.time.DurationText;
import org.wayleave.cli.manifest.ManifestException;
import org.wayleave.cli.manifest.ManifestItem;
import org.wayleave.cli.manifest.Manifests;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wayleave apply -f PATH [--wait]}: applies manifests atomically, optionally until ACTIVE.
 */
@Command(
    name = "apply",
    header = "Applies manifests as one atomic batch (--wait: until ACTIVE).",
    mixinStandardHelpOptions = true,
    description = {
      "Applies manifests as one atomic batch: every object is validated first, and one bad object",
      "applies nothing. With --wait, shows progress until every circuit in the manifests is"
          + " ACTIVE;",
      "on timeout or failure it lists the circuits that did not converge, and exits 1."
    })
final class ApplyCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      paramLabel = "PATH",
      description = "Manifest file or directory (repeatable).")
  List<Path> paths;

  @Option(names = "--wait", description = "Wait until every circuit in the manifests is ACTIVE.")
  boolean waitActive;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "D",
      description = "How long --wait waits, e.g. 90s, 5m, 1h (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin ClientOptions client;

  static ApplyRequest request(List<ManifestItem> items) {
    ApplyRequest.Builder req = ApplyRequest.newBuilder();
    items.forEach(i -> req.addResources(i.resource()));
    return req.build();
  }

  /** Says which server-owned fields (from a {@code get -o yaml}) each item's document left out. */
  static void noteIgnored(String verb, List<ManifestItem> items, PrintStream err) {
    for (ManifestItem i : items) {
      String note = i.ignoredNote();
      if (note != null) {
        err.println("wayleave " + verb + ": note: " + note);
      }
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    List<ManifestItem> items;
    try {
      items = Manifests.read(paths);
    } catch (ManifestException e) {
      System.err.println("wayleave apply: " + e.getMessage());
      return 1;
    }
    noteIgnored("apply", items, System.err);
    ManagedChannel channel;
    try {
      channel = client.channel();
    } catch (IllegalArgumentException e) {
      System.err.println("wayleave apply: " + e.getMessage());
      return 2;
    }
    try {
      var stub = CircuitServiceGrpc.newBlockingStub(channel);
      // A circuit that failed before this apply may well succeed on the controller's next try.
      Instant started = Instant.now();
      ApplyResponse resp;
      try {
        resp = stub.withDeadlineAfter(120, TimeUnit.SECONDS).apply(request(items));
      } catch (StatusRuntimeException e) {
        return ClientOptions.isTransport(e)
            ? ClientOptions.unreachable("apply", client.server, e, System.err)
            : ClientOptions.refused("apply", e, i -> items.get(i).where(), System.err);
      }
      System.out.println(
          "Applied " + items.size() + " object(s) at revision " + resp.getRevision() + ":");
      var summary =
          PlanPrinter.print(
              resp.getChangesList(), List.of(), resp.getAllocationsList(), System.out);
      System.out.println(
          summary
              .line("Applied")
              .replace("to create", "created")
              .replace("to change", "changed")
              .replace("to delete", "deleted")
              .replaceFirst("; \\d+ device\\(s\\) affected", ""));
      List<String> circuits =
          items.stream()
              .filter(i -> i.resource().hasCircuit())
              .map(i -> i.resource().getCircuit().getId())
              .toList();
      if (!waitActive || circuits.isEmpty()) {
        return 0;
      }
      return await(stub, circuits, started, System.err) ? 0 : 1;
    } finally {
      ClientOptions.close(channel);
    }
  }

  /**
   * Polls until every circuit is ACTIVE; false (after listing the laggards) on timeout or failure.
   */
  private boolean await(
      CircuitServiceGrpc.CircuitServiceBlockingStub stub,
      List<String> ids,
      Instant started,
      PrintStream err)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Circuit> latest = new LinkedHashMap<>();
    // The bar redraws itself with carriage returns only where someone watches it.
    boolean terminal = System.console() != null;
    String lastCount = "";
    while (true) {
      try {
        latest = fetch(stub, ids);
      } catch (StatusRuntimeException e) {
        if (terminal) {
          err.println();
        }
        ClientOptions.unreachable("apply --wait", client.server, e, err);
        return false;
      }
      long active =
          latest.values().stream()
              .filter(c -> c.getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_ACTIVE)
              .count();
      long failed =
          latest.values().stream()
              .filter(c -> c.getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_FAILED)
              .count();
      String count =
          active + "/" + ids.size() + " ACTIVE" + (failed > 0 ? ", " + failed + " FAILED" : "");
      if (terminal) {
        err.print("\r" + bar(active, ids.size()) + " " + count + "   ");
      } else if (!count.equals(lastCount)) {
        // Not a terminal (a log, a pipe): a plain line each time the count moves.
        err.println(count);
      }
      lastCount = count;
      if (active == ids.size()) {
        if (terminal) {
          err.println();
        }
        System.out.println("All " + ids.size() + " circuit(s) are ACTIVE.");
        return true;
      }
      long failedSinceStart =
          latest.values().stream()
              .filter(
                  c ->
                      c.getStatus().getPhase() == CircuitPhase.CIRCUIT_PHASE_FAILED
                          && !Instant.ofEpochSecond(
                                  c.getStatus().getPhaseTransitionTime().getSeconds(),
                                  c.getStatus().getPhaseTransitionTime().getNanos())
                              .isBefore(started))
              .count();
      boolean onlyFailedLeft = failedSinceStart > 0 && active + failedSinceStart == ids.size();
      if (onlyFailedLeft || System.nanoTime() > deadline) {
        if (terminal) {
          err.println();
        }
        err.println(
            onlyFailedLeft
                ? "wayleave apply: the agent refused some circuits:"
                : "wayleave apply: timed out after " + timeout + "; not yet ACTIVE:");
        for (String id : ids) {
          Circuit c = latest.get(id);
          if (c == null) {
            err.println("  " + id + "  (not found: deleted meanwhile?)");
          } else if (c.getStatus().getPhase() != CircuitPhase.CIRCUIT_PHASE_ACTIVE) {
            err.printf(
                "  %-16s %-14s %s%n",
                id,
                c.getStatus().getPhase().name().replace("CIRCUIT_PHASE_", ""),
                c.getStatus().getLastError());
          }
        }
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
  }

  private static Map<String, Circuit> fetch(
      CircuitServiceGrpc.CircuitServiceBlockingStub stub, List<String> ids) {
    Set<String> wanted = new HashSet<>(ids);
    Map<String, Circuit> out = new LinkedHashMap<>();
    String token = "";
    do {
      ListCircuitsResponse page =
          stub.withDeadlineAfter(30, TimeUnit.SECONDS)
              .listCircuits(
                  ListCircuitsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
      for (Circuit c : page.getCircuitsList()) {
        if (wanted.contains(c.getId())) {
          out.put(c.getId(), c);
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  private static String bar(long done, int total) {
    int width = 30;
    int filled = total == 0 ? width : (int) (done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  /** Durations as people write them: 90s, 5m, 1h30m, 500ms ({@link DurationText}), not zero. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = DurationText.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
      if (d.isZero()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration like 90s, 5m or 1h30m");
      }
      return d;
    }
  }
}
