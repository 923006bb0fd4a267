package org.wayleave.bench;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitPhase;
import org.wayleave.api.v1.CircuitStatus;
import org.wayleave.api.v1.Condition;
import org.wayleave.api.v1.ConditionStatus;
import org.wayleave.api.v1.Termination;
import org.wayleave.base.config.SubInterfaces;
import org.wayleave.controller.core.CircuitStatuses;
import org.wayleave.controller.core.Kind;
import org.wayleave.controller.store.Audit;
import org.wayleave.controller.store.StateStore;
import org.wayleave.controller.store.Txn;
import org.wayleave.controller.telemetry.HistoryFile;
import org.wayleave.controller.telemetry.HistoryLayout;
import org.wayleave.controller.telemetry.Rates;

/**
 * What the NOC benchmark puts in place of a day of operation it does not run: the circuits'
 * statuses, written into the store as the status writer writes them (a mix of ACTIVE, DEGRADED and
 * DOWN, chosen by circuit number), and a day of rate history for every circuit's sub-interface,
 * written into the controller's history file before the controller opens it, through the same
 * {@link HistoryFile} the poller feeds.
 */
final class NocState {
  /** Circuits DOWN, per thousand. */
  static final int DOWN_PER_MILLE = 10;

  /** Circuits DEGRADED (over their committed bandwidth), per thousand. */
  static final int DEGRADED_PER_MILLE = 20;

  /** Store writes per transaction when writing statuses. */
  private static final int TXN_SIZE = 5_000;

  private static final long DAY_MS = 86_400_000L;
  private static final long HOUR_MS = 3_600_000L;
  private static final long FIVE_MINUTES_MS = 300_000L;

  private NocState() {}

  /** The phase circuit number {@code i} is given. */
  static CircuitPhase phaseOf(int i) {
    int k = Math.floorMod(mix(i), 1000);
    return k < DOWN_PER_MILLE
        ? CircuitPhase.CIRCUIT_PHASE_DOWN
        : k < DOWN_PER_MILLE + DEGRADED_PER_MILLE
            ? CircuitPhase.CIRCUIT_PHASE_DEGRADED
            : CircuitPhase.CIRCUIT_PHASE_ACTIVE;
  }

  /** When circuit {@code i} entered its phase: within the last day, or days ago when ACTIVE. */
  static long sinceMillis(int i, long nowMillis) {
    long back = Math.floorMod(mix(i + 7_919), DAY_MS);
    return phaseOf(i) == CircuitPhase.CIRCUIT_PHASE_ACTIVE
        ? nowMillis - 3 * DAY_MS - back
        : nowMillis - back;
  }

  /**
   * Writes every circuit's status (as {@link #phaseOf}); returns the count of each phase. {@code
   * circuits} are as stored, with their c-tags; the number is parsed from the id.
   */
  static Map<CircuitPhase, Integer> writeStatuses(
      StateStore store, List<Circuit> circuits, long nowMillis) {
    Map<CircuitPhase, Integer> counts = new EnumMap<>(CircuitPhase.class);
    List<Circuit> chunk = new ArrayList<>(TXN_SIZE);
    for (Circuit c : circuits) {
      chunk.add(c);
      if (chunk.size() == TXN_SIZE) {
        write(store, chunk, nowMillis, counts);
        chunk.clear();
      }
    }
    write(store, chunk, nowMillis, counts);
    return counts;
  }

  private static void write(
      StateStore store, List<Circuit> chunk, long nowMillis, Map<CircuitPhase, Integer> counts) {
    if (chunk.isEmpty()) {
      return;
    }
    Txn.Builder txn =
        Txn.builder(new Audit("system:reconciler", "bench noc: statuses of " + chunk.size()));
    for (Circuit c : chunk) {
      CircuitStatus s = status(c, number(c), nowMillis);
      counts.merge(s.getPhase(), 1, Integer::sum);
      txn.put(Kind.CIRCUIT_STATUS_PREFIX + c.getId(), s.toByteArray());
    }
    if (!store.txn(txn.build()).succeeded()) {
      throw new IllegalStateException("the store refused the statuses");
    }
  }

  /** The status a circuit applied by its agent and judged by SNMP would carry in its phase. */
  static CircuitStatus status(Circuit c, int i, long nowMillis) {
    CircuitPhase phase = phaseOf(i);
    Termination a = c.getSpec().getAEnd();
    String where = SubInterfaces.of(c, a).getName() + " on " + a.getDevice();
    long gen = c.getSpec().getGeneration();
    Timestamp since = ts(sinceMillis(i, nowMillis));
    boolean down = phase == CircuitPhase.CIRCUIT_PHASE_DOWN;
    boolean over = phase == CircuitPhase.CIRCUIT_PHASE_DEGRADED;
    String committed = "the committed " + c.getSpec().getCommittedMbps() + " Mbit/s";
    String error =
        down
            ? where + " is down (ifOperStatus)"
            : over ? where + " runs above 90% of " + committed : "";
    return CircuitStatuses.initial(c).toBuilder()
        .setPhase(phase)
        .setLastError(error)
        .setPhaseTransitionTime(since)
        .addConditions(
            condition(
                "Applied",
                true,
                "AgentConfirmed",
                "the agent applied the circuit's configuration",
                gen,
                since))
        .addConditions(
            condition(
                "InSync", true, "Matches", "the router carries the circuit as planned", gen, since))
        .addConditions(
            condition("LinkUp", !down, down ? "OperDown" : "OperUp", down ? error : "", gen, since))
        .addConditions(condition("Reachable", true, "Answering", "", gen, since))
        .addConditions(
            condition(
                "WithinCapacity",
                !over,
                over ? "OverThreshold" : "UnderThreshold",
                over ? error : "utilisation under 90% of " + committed,
                gen,
                since))
        .build();
  }

  private static Condition condition(
      String type, boolean ok, String reason, String message, long gen, Timestamp since) {
    return Condition.newBuilder()
        .setType(type)
        .setStatus(
            ok ? ConditionStatus.CONDITION_STATUS_TRUE : ConditionStatus.CONDITION_STATUS_FALSE)
        .setReason(reason)
        .setMessage(message)
        .setObservedGeneration(gen)
        .setLastTransitionTime(since)
        .build();
  }

  /** What {@link #prefillHistory} wrote. */
  record History(int interfaces, long points, double seconds, long fileBytes) {}

  /**
   * A day of polls for every circuit's sub-interface, ending at {@code nowMillis}, into the history
   * file at {@code file}: one every five minutes (the day tier's step) until the last hour, then
   * one every {@code layout}'s interval (the hour tier holds every poll). Each poll carries what
   * its circuit ran at: a day's curve under its committed bandwidth, above 90 % of it since a
   * DEGRADED circuit's transition, nothing since a DOWN one's.
   */
  static History prefillHistory(
      Path file, HistoryLayout layout, List<Circuit> circuits, long nowMillis) throws IOException {
    long t0 = System.nanoTime();
    long points = 0;
    List<Circuit> byDevice = new ArrayList<>(circuits);
    byDevice.sort(Comparator.comparing((Circuit c) -> c.getSpec().getAEnd().getDevice()));
    long interval = layout.intervalMillis();
    long hourStart = nowMillis - HOUR_MS;
    long dayStart = nowMillis - DAY_MS;
    try (HistoryFile h = HistoryFile.open(file, layout, Clock.systemUTC())) {
      for (Circuit c : byDevice) {
        int i = number(c);
        Termination a = c.getSpec().getAEnd();
        String name = SubInterfaces.of(c, a).getName();
        double committed = c.getSpec().getCommittedMbps() * 1e6;
        for (long t = dayStart; t < nowMillis; ) {
          long step = t < hourStart ? FIVE_MINUTES_MS : interval;
          h.add(a.getDevice(), name, t, rates(i, t, committed, nowMillis), step / 1000.0);
          points++;
          t += step;
        }
      }
      return new History(byDevice.size(), points, (System.nanoTime() - t0) / 1e9, h.diskBytes());
    }
  }

  /** What circuit {@code i} carried at {@code t}. */
  static Rates rates(int i, long t, double committedBps, long nowMillis) {
    CircuitPhase phase = phaseOf(i);
    boolean after = t >= sinceMillis(i, nowMillis);
    if (phase == CircuitPhase.CIRCUIT_PHASE_DOWN && after) {
      return new Rates(0, 0, 0, 0, 0);
    }
    double hour = Math.floorMod(t, DAY_MS) / (double) HOUR_MS;
    // Busiest mid-afternoon, quietest before dawn; each circuit its own level and a little noise.
    double day = (1 - Math.cos(2 * Math.PI * (hour - 3) / 24)) / 2;
    double level = 0.15 + 0.5 * day * (0.6 + 0.4 * unit(i));
    double noise = 0.05 * (unit(i * 31 + (int) (t / 60_000)) - 0.5);
    double u = phase == CircuitPhase.CIRCUIT_PHASE_DEGRADED && after ? 0.93 + noise : level + noise;
    double in = Math.max(0, u) * committedBps;
    return new Rates(in, in * 0.4, 0, 0, 0);
  }

  /** The circuit number in an id made by {@link ScaleCircuits#id}. */
  static int number(Circuit c) {
    return Integer.parseInt(c.getId().substring(c.getId().lastIndexOf('-') + 1));
  }

  /** A fixed scramble of {@code i}, so phases fall evenly over routers and councils. */
  private static int mix(int i) {
    int x = i * 0x9E3779B1;
    x ^= x >>> 16;
    x *= 0x85EBCA6B;
    return x ^ (x >>> 13);
  }

  /** A fixed number in [0, 1) from {@code i}. */
  private static double unit(int i) {
    return (mix(i) >>> 8) / (double) (1 << 24);
  }

  private static Timestamp ts(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }
}
