package org.wayleave.controller.northbound;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
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
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.LinkJudge;
import org.wayleave.controller.telemetry.OsNames;
import org.wayleave.controller.telemetry.RateHistory;
import org.wayleave.controller.telemetry.Telemetry;

/**
 * Link state and rate history by circuit, council or device: what {@code TelemetryService} and the
 * HTTP API answer. Refusals are {@link ApiException}s naming the scope field. A circuit's
 * sub-interface is found in SNMP by the name the router's OS gives it ({@link OsNames}), else by
 * its alias; by circuit or council it is answered under Wayleave's name, by device under SNMP's.
 */
public final class TelemetryQueries {
  private final ResourceCache cache;
  private final Telemetry telemetry;
  private final OsNames osNames;
  private final Clock clock;

  /**
   * @param telemetry null when the controller does not poll routers
   * @param osNames the names routers' OSes give sub-interfaces, as their agents report
   */
  public TelemetryQueries(ResourceCache cache, Telemetry telemetry, OsNames osNames, Clock clock) {
    this.cache = cache;
    this.telemetry = telemetry;
    this.osNames = osNames;
    this.clock = clock;
  }

  /**
   * One interface a request is about: {@code name} as answered, {@code ifName} as SNMP shows it.
   * {@code name} null means every interface of the device.
   */
  private record Target(
      String device, String name, String ifName, String circuit, long committedMbps) {}

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

  /** Points a series has at most when a request asks for neither step nor max_points. */
  public static final int DEFAULT_MAX_POINTS = 500;

  /** The most points a request may ask for per series. */
  public static final int MAX_POINTS = 10_000;

  public GetRateHistoryResponse rateHistory(GetRateHistoryRequest req) {
    long until = req.hasUntil() ? millis(req.getUntil()) : clock.millis();
    long since = req.hasSince() ? millis(req.getSince()) : until - 3_600_000L;
    long step = step(req);
    int maxPoints = req.hasMaxPoints() ? req.getMaxPoints() : DEFAULT_MAX_POINTS;
    if (since >= until) {
      throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "since", "must be before until");
    }
    List<Target> targets = targets(req.getScope());
    HistoryLayout.Resolution res = telemetry.resolution(since, until, step, maxPoints);
    GetRateHistoryResponse.Builder b =
        GetRateHistoryResponse.newBuilder()
            .setInterval(duration(res.spacingMillis()))
            .setRetention(duration(telemetry.historyRetentionMillis()));
    for (Target t : targets) {
      for (Target one : expand(t)) {
        InterfaceHistory.Builder h =
            InterfaceHistory.newBuilder()
                .setDevice(one.device())
                .setInterface(one.name())
                .setCircuit(one.circuit())
                .setCommittedMbps(one.committedMbps());
        for (RateHistory.Point p :
            telemetry.history(one.device(), historyName(one), since, until, res)) {
          h.addPoints(point(p));
        }
        b.addSeries(h);
      }
    }
    return b.build();
  }

  /**
   * The request's step in milliseconds, 0 when it asks by max_points (or by neither); refuses a
   * step that is not positive, max_points out of range, and both.
   */
  private static long step(GetRateHistoryRequest req) {
    if (req.hasStep() && req.hasMaxPoints()) {
      throw ApiException.of(ErrorCode.INVALID_ARGUMENT, "step", "set step or max_points, not both");
    }
    if (req.hasMaxPoints() && (req.getMaxPoints() < 1 || req.getMaxPoints() > MAX_POINTS)) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "max_points",
          "must be within 1-" + MAX_POINTS + " (got " + req.getMaxPoints() + ")");
    }
    if (!req.hasStep()) {
      return 0;
    }
    com.google.protobuf.Duration d = req.getStep();
    long ms;
    try {
      ms = java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()).toMillis();
    } catch (ArithmeticException e) {
      ms = d.getSeconds() < 0 ? -1 : Long.MAX_VALUE;
    }
    if (ms <= 0) {
      throw ApiException.of(
          ErrorCode.INVALID_ARGUMENT,
          "step",
          "must be a positive duration, 1ms or more (got "
              + (Durations.isValid(d)
                  ? Durations.toString(d)
                  : d.getSeconds() + "s and " + d.getNanos() + "ns")
              + ")");
    }
    return ms;
  }

  private static RatePoint point(RateHistory.Point p) {
    RatePoint.Builder rp = RatePoint.newBuilder().setTime(ts(p.epochMillis()));
    ifMeasured(p.inBps(), rp::setInBps);
    ifMeasured(p.outBps(), rp::setOutBps);
    ifMeasured(p.problemsPerSecond(), rp::setErrorsPerSecond);
    ifMeasured(p.inBpsMax(), rp::setInBpsMax);
    ifMeasured(p.outBpsMax(), rp::setOutBpsMax);
    ifMeasured(p.problemsPerSecondMax(), rp::setErrorsPerSecondMax);
    return rp.build();
  }

  /** Sets a value that was measured; one that was not stays unset (NaN is no rate). */
  private static void ifMeasured(double v, DoubleConsumer set) {
    if (!Double.isNaN(v)) {
      set.accept(v);
    }
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
      out.add(new Target(scope.getDevice(), null, null, "", 0));
    }
    return out;
  }

  private void ends(Circuit c, List<Target> out) {
    for (Termination t : CircuitEnds.of(c)) {
      if (t.hasCTag()) {
        String name = SubInterfaces.of(c, t).getName();
        out.add(
            new Target(
                t.getDevice(),
                name,
                osNames.osName(t.getDevice(), name),
                c.getId(),
                c.getSpec().getCommittedMbps()));
      }
    }
  }

  /** The name SNMP shows for the target's interface, by which its history is kept. */
  private String historyName(Target t) {
    Telemetry.DeviceView d = telemetry.device(t.device());
    Telemetry.InterfaceView i = d == null ? null : d.find(t.ifName(), t.circuit());
    return i == null ? t.ifName() : i.name();
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
      Map<String, String> byIfName = circuitsByIfName(t.device());
      for (Telemetry.InterfaceView i : d.interfaces()) {
        String circuit = circuitOf(i, byIfName);
        // A supplier sees the interfaces of its own circuits on a router it shares, nothing else.
        if (!scope.isAll() && !scope.sees(cache.get(Kind.CIRCUIT, circuit))) {
          continue;
        }
        out.add(new Target(t.device(), i.name(), i.name(), circuit, committed(circuit)));
      }
    }
    return out;
  }

  /** The circuits ending on {@code device}, by the name its OS gives their sub-interfaces. */
  private Map<String, String> circuitsByIfName(String device) {
    Map<String, String> byIfName = new HashMap<>();
    for (String id : cache.circuitsOnDevice(device)) {
      Circuit c = cache.get(Kind.CIRCUIT, id);
      if (c == null) {
        continue;
      }
      for (Termination t : CircuitEnds.of(c)) {
        if (t.hasCTag() && t.getDevice().equals(device)) {
          byIfName.put(osNames.osName(device, SubInterfaces.of(c, t).getName()), id);
        }
      }
    }
    return byIfName;
  }

  /** The circuit of an interface: by its name, else by its alias; "" when none. */
  private String circuitOf(Telemetry.InterfaceView i, Map<String, String> byIfName) {
    String byName = byIfName.get(i.name());
    if (byName != null) {
      return byName;
    }
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
      Telemetry.InterfaceView i = d == null ? null : d.find(one.ifName(), one.circuit());
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
        ifMeasured(i.rates().inBps(), l::setInBps);
        ifMeasured(i.rates().outBps(), l::setOutBps);
        ifMeasured(j.utilisation(), l::setUtilisation);
        ifMeasured(j.problemsPerSecond(), l::setErrorsPerSecond);
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
