package org.wayleave.controller.northbound;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.GetLinkStateRequest;
import org.wayleave.api.v1.GetLinkStateResponse;
import org.wayleave.api.v1.GetRateHistoryRequest;
import org.wayleave.api.v1.GetRateHistoryResponse;
import org.wayleave.api.v1.InterfaceHistory;
import org.wayleave.api.v1.InterfaceLink;
import org.wayleave.api.v1.LinkState;
import org.wayleave.api.v1.RatePoint;
import org.wayleave.api.v1.TelemetryScope;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.core.ApiException;
import org.wayleave.controller.core.CircuitEnds;
import org.wayleave.controller.core.ErrorCode;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.core.ResourceCache;
import org.wayleave.controller.telemetry.LinkJudge;
import org.wayleave.controller.telemetry.RateHistory;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * Link state and rate history by circuit, council or device: what {@code TelemetryService} and the
 * HTTP API answer. Refusals are {@link ApiException}s naming the scope field.
 */
public final class TelemetryQueries {
  private final ResourceCache cache;
  private final Telemetry telemetry;
  private final Clock clock;

  /**
   * @param telemetry null when the controller does not poll routers
   */
  public TelemetryQueries(ResourceCache cache, Telemetry telemetry, Clock clock) {
    this.cache = cache;
    this.telemetry = telemetry;
    this.clock = clock;
  }

  /** One interface a request is about. {@code name} null means every interface of the device. */
  private record Target(String device, String name, String circuit, long committedMbps) {}

  public GetLinkStateResponse linkState(GetLinkStateRequest req) {
    GetLinkStateResponse.Builder b = GetLinkStateResponse.newBuilder();
    for (Target t : targets(req.getScope())) {
      links(t, b);
    }
    List<InterfaceLink> sorted = new ArrayList<>(b.getLinksList());
    sorted.sort(
        Comparator.comparing(InterfaceLink::getDevice).thenComparing(InterfaceLink::getInterface));
    return GetLinkStateResponse.newBuilder().addAllLinks(sorted).build();
  }

  public GetRateHistoryResponse rateHistory(GetRateHistoryRequest req) {
    List<Target> targets = targets(req.getScope());
    long until = req.hasUntil() ? millis(req.getUntil()) : clock.millis();
    long since = req.hasSince() ? millis(req.getSince()) : until - 3_600_000L;
    if (since >= until) {
      throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "since", "must be before until");
    }
    GetRateHistoryResponse.Builder b =
        GetRateHistoryResponse.newBuilder()
            .setInterval(duration(telemetry.config().interval().toMillis()))
            .setRetention(duration(telemetry.config().history().toMillis()));
    for (Target t : targets) {
      for (Target one : expand(t)) {
        InterfaceHistory.Builder h =
            InterfaceHistory.newBuilder()
                .setDevice(one.device())
                .setInterface(one.name())
                .setCircuit(one.circuit())
                .setCommittedMbps(one.committedMbps());
        for (RateHistory.Point p : telemetry.history(one.device(), one.name(), since, until)) {
          RatePoint.Builder rp = RatePoint.newBuilder().setTime(ts(p.epochMillis()));
          if (!Double.isNaN(p.inBps())) {
            rp.setInBps(p.inBps());
          }
          if (!Double.isNaN(p.outBps())) {
            rp.setOutBps(p.outBps());
          }
          if (!Double.isNaN(p.problemsPerSecond())) {
            rp.setErrorsPerSecond(p.problemsPerSecond());
          }
          h.addPoints(rp);
        }
        b.addSeries(h);
      }
    }
    return b.build();
  }

  private List<Target> targets(TelemetryScope scope) {
    if (telemetry == null) {
      throw ApiException.of(
          ErrorCode.FAILED_PRECONDITION,
          "scope",
          "telemetry is off on this controller (started without SNMP polling)");
    }
    int set =
        (scope.getCircuit().isEmpty() ? 0 : 1)
            + (scope.getCouncil().isEmpty() ? 0 : 1)
            + (scope.getDevice().isEmpty() ? 0 : 1);
    if (set != 1) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "scope",
          "set exactly one of circuit, council or device (got " + set + ")");
    }
    List<Target> out = new ArrayList<>();
    if (!scope.getCircuit().isEmpty()) {
      Circuit c = cache.get(Kind.CIRCUIT, scope.getCircuit());
      // What the caller may not see answers as if it did not exist.
      if (!Scope.current().sees(c)) {
        throw ApiException.of(
            ErrorCode.NOT_FOUND, "scope.circuit", "no circuit '" + scope.getCircuit() + "'");
      }
      ends(c, out);
    } else if (!scope.getCouncil().isEmpty()) {
      if (!Scope.current().sees(cache.get(Kind.COUNCIL, scope.getCouncil()))) {
        throw ApiException.of(
            ErrorCode.NOT_FOUND, "scope.council", "no council '" + scope.getCouncil() + "'");
      }
      for (Circuit c : cache.list(Kind.CIRCUIT)) {
        if (c.getSpec().getCouncil().equals(scope.getCouncil()) && Scope.current().sees(c)) {
          ends(c, out);
        }
      }
    } else {
      if (!Scope.current().sees(cache.get(Kind.DEVICE, scope.getDevice()))) {
        throw ApiException.of(
            ErrorCode.NOT_FOUND, "scope.device", "no device '" + scope.getDevice() + "'");
      }
      out.add(new Target(scope.getDevice(), null, "", 0));
    }
    return out;
  }

  private static void ends(Circuit c, List<Target> out) {
    for (Termination t : CircuitEnds.of(c)) {
      if (t.hasCTag()) {
        out.add(
            new Target(
                t.getDevice(),
                SubInterfaces.of(c, t).getName(),
                c.getId(),
                c.getSpec().getCommittedMbps()));
      }
    }
  }

  /** A device-wide target becomes one per interface SNMP shows. */
  private List<Target> expand(Target t) {
    if (t.name() != null) {
      return List.of(t);
    }
    Telemetry.DeviceView d = telemetry.device(t.device());
    List<Target> out = new ArrayList<>();
    if (d != null) {
      Scope scope = Scope.current();
      for (Telemetry.InterfaceView i : d.interfaces()) {
        // A supplier sees the interfaces of its own circuits on a router it shares, nothing else.
        if (!scope.isAll() && !scope.sees(cache.get(Kind.CIRCUIT, circuitOf(i)))) {
          continue;
        }
        out.add(new Target(t.device(), i.name(), circuitOf(i), committed(circuitOf(i))));
      }
    }
    return out;
  }

  private String circuitOf(Telemetry.InterfaceView i) {
    return !i.alias().isEmpty() && cache.get(Kind.CIRCUIT, i.alias()) != null ? i.alias() : "";
  }

  private long committed(String circuit) {
    Circuit c = circuit.isEmpty() ? null : cache.get(Kind.CIRCUIT, circuit);
    return c == null ? 0 : c.getSpec().getCommittedMbps();
  }

  private void links(Target t, GetLinkStateResponse.Builder b) {
    Telemetry.DeviceView d = telemetry.device(t.device());
    for (Target one : expand(t)) {
      InterfaceLink.Builder l =
          InterfaceLink.newBuilder()
              .setDevice(one.device())
              .setInterface(one.name())
              .setCircuit(one.circuit())
              .setCommittedMbps(one.committedMbps())
              .setState(LinkState.LINK_STATE_UNKNOWN);
      Telemetry.InterfaceView i = d == null ? null : d.find(one.name(), one.circuit());
      if (d != null) {
        l.setReachable(d.reachable()).setUnreachableReason(d.reason());
      }
      if (i != null) {
        LinkJudge.Judgement j = LinkJudge.judge(i, one.committedMbps(), telemetry.config());
        l.setIfIndex(i.ifIndex())
            .setSpeedMbps(Math.round(i.speedBps() / 1e6))
            .setObservedAt(ts(i.observedMillis()))
            .setState(
                switch (j.state()) {
                  case UP -> LinkState.LINK_STATE_UP;
                  case OPER_DOWN -> LinkState.LINK_STATE_DOWN;
                  case ADMIN_DOWN -> LinkState.LINK_STATE_ADMIN_DOWN;
                });
        if (!Double.isNaN(i.rates().inBps())) {
          l.setInBps(i.rates().inBps());
        }
        if (!Double.isNaN(i.rates().outBps())) {
          l.setOutBps(i.rates().outBps());
        }
        if (!Double.isNaN(j.utilisation())) {
          l.setUtilisation(j.utilisation());
        }
        if (!Double.isNaN(j.problemsPerSecond())) {
          l.setErrorsPerSecond(j.problemsPerSecond());
        }
      }
      b.addLinks(l);
    }
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private static Timestamp ts(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }

  private static Duration duration(long millis) {
    return Duration.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }
}
