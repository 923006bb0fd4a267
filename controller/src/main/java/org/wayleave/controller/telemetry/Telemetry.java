package org.wayleave.controller.telemetry;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * What the poller saw, kept for the rest of the controller: per device whether it answers, its
 * interfaces with their current state and rates, and each interface's rate history.
 *
 * <p>Rates come from consecutive samples of the same interface (same ifIndex and name). A sample
 * after an agent restart ({@code sysUpTime} went back) gives no rates at all, and a counter that
 * fell without a plausible wrap gives none for that counter: the sample is dropped, never reported
 * as a spike. When what matters for a device's circuits changes (reachability, an interface's
 * up/down, crossing the capacity or error threshold) the change listener hears the device id.
 *
 * <p>Every interface's rates go to its {@link HistoryFile}, weighted by the seconds they measured.
 */
public final class Telemetry implements PollListener {

  /** One interface as last polled. */
  public record InterfaceView(
      int ifIndex,
      String name,
      String alias,
      int adminStatus,
      int operStatus,
      double speedBps,
      Rates rates,
      long observedMillis) {}

  /**
   * A device as last polled.
   *
   * @param reachable whether the last poll got an answer
   * @param reason why the last poll failed, empty when it did not
   * @param lastPollMillis when the last poll ended (either way)
   * @param lastAnswerMillis when the device last answered, 0 if never
   * @param interfaces as of the last answer (kept while unreachable: the last evidence)
   */
  public record DeviceView(
      String deviceId,
      boolean reachable,
      String reason,
      long lastPollMillis,
      long lastAnswerMillis,
      long sysUpTime,
      List<InterfaceView> interfaces) {

    /**
     * The interface named {@code name}, else the one whose alias is {@code alias}; null if none.
     */
    public InterfaceView find(String name, String alias) {
      InterfaceView byAlias = null;
      for (InterfaceView i : interfaces) {
        if (i.name().equals(name)) {
          return i;
        }
        if (byAlias == null && !alias.isEmpty() && i.alias().equals(alias)) {
          byAlias = i;
        }
      }
      return byAlias;
    }
  }

  private final TelemetryConfig config;
  private final Clock clock;
  private final ToLongFunction<String> committedMbps;
  private final HistoryFile history;
  private final Map<String, DeviceState> devices = new ConcurrentHashMap<>();
  private final LongAdder droppedSamples = new LongAdder();
  private volatile Consumer<String> onChange = id -> {};

  /**
   * @param committedMbps a circuit's committed bandwidth by circuit id (the alias routers carry), 0
   *     when no such circuit
   * @param history where rate history is kept; its owner closes it
   */
  public Telemetry(
      TelemetryConfig config,
      Clock clock,
      ToLongFunction<String> committedMbps,
      HistoryFile history) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.committedMbps = Objects.requireNonNull(committedMbps, "committedMbps");
    this.history = Objects.requireNonNull(history, "history");
  }

  /** With history on the heap, lost at exit: for tests and tools. */
  public Telemetry(TelemetryConfig config, Clock clock, ToLongFunction<String> committedMbps) {
    this(config, clock, committedMbps, HistoryFile.inMemory(config, clock));
  }

  public TelemetryConfig config() {
    return config;
  }

  /** Where device ids go when what matters for their circuits changed. */
  public void onChange(Consumer<String> listener) {
    this.onChange = Objects.requireNonNull(listener);
  }

  private static final class DeviceState {
    DeviceSample last;
    DeviceView view;
    List<Object> signature = List.of();
  }

  /**
   * The shortest span a rate is taken over: {@value #MIN_RATE_SECONDS} s, or half the poll interval
   * when that is shorter. A poll soon after another (an early poll, then the scheduled one) would
   * divide a second's worth of octets by the gap between two answers' arrival, which the walks' own
   * timing skews by tenths of a second: at 10,000 routers such rates put 19 circuits over their
   * committed bandwidth that carried two thirds of it. Such a poll updates what the router shows
   * (up, down, its interfaces) and keeps the last rates; the next poll far enough from the last
   * measured one takes the rate over the whole span.
   */
  static final double MIN_RATE_SECONDS = 5;

  double minRateSeconds() {
    return Math.min(MIN_RATE_SECONDS, config.interval().toNanos() / 2e9);
  }

  private static Map<Integer, InterfaceView> byIndex(DeviceView view) {
    Map<Integer, InterfaceView> out = new HashMap<>();
    if (view != null) {
      view.interfaces().forEach(i -> out.put(i.ifIndex(), i));
    }
    return out;
  }

  @Override
  public void polled(String deviceId, DeviceSample sample) {
    boolean changed;
    DeviceState st = devices.computeIfAbsent(deviceId, id -> new DeviceState());
    synchronized (st) {
      DeviceSample prev = st.last;
      double seconds = prev == null ? 0 : (sample.nanos() - prev.nanos()) / 1e9;
      boolean restarted =
          prev != null && Counters.restarted(prev.sysUpTime(), sample.sysUpTime(), seconds);
      if (restarted) {
        droppedSamples.increment();
      }
      boolean tooSoon = prev != null && !restarted && seconds < minRateSeconds();
      Map<Integer, InterfaceView> shown = tooSoon ? byIndex(st.view) : Map.of();
      List<InterfaceView> views = new ArrayList<>(sample.rows().size());
      for (IfRow row : sample.rows().values()) {
        Rates rates = Rates.NONE;
        if (tooSoon) {
          InterfaceView was = shown.get(row.ifIndex);
          rates = was != null && was.name().equals(row.name()) ? was.rates() : Rates.NONE;
        } else if (prev != null && !restarted) {
          IfRow before = prev.rows().get(row.ifIndex);
          if (before != null && before.name().equals(row.name())) {
            rates = Rates.between(before, row, seconds);
            if (Double.isNaN(rates.inBps()) && Double.isNaN(rates.outBps()) && hasOctets(row)) {
              droppedSamples.increment();
            }
          }
        }
        InterfaceView v =
            new InterfaceView(
                row.ifIndex,
                row.name(),
                row.alias(),
                row.adminStatus(),
                row.operStatus(),
                row.speedBps(),
                rates,
                sample.epochMillis());
        views.add(v);
        if (!tooSoon && !v.name().isEmpty()) {
          history.add(deviceId, v.name(), sample.epochMillis(), rates, seconds);
        }
      }
      views.sort(Comparator.comparingInt(InterfaceView::ifIndex));
      if (!tooSoon) {
        st.last = sample;
      }
      st.view =
          new DeviceView(
              deviceId,
              true,
              "",
              sample.epochMillis(),
              sample.epochMillis(),
              sample.sysUpTime(),
              List.copyOf(views));
      changed = resign(st);
    }
    if (changed) {
      onChange.accept(deviceId);
    }
  }

  @Override
  public void failed(String deviceId, String reason) {
    boolean changed;
    DeviceState st = devices.computeIfAbsent(deviceId, id -> new DeviceState());
    long now = clock.millis();
    synchronized (st) {
      DeviceView old = st.view;
      st.view =
          new DeviceView(
              deviceId,
              false,
              reason,
              now,
              old == null ? 0 : old.lastAnswerMillis(),
              old == null ? -1 : old.sysUpTime(),
              old == null ? List.of() : old.interfaces());
      changed = resign(st) || old == null || !old.reason().equals(reason);
    }
    if (changed) {
      onChange.accept(deviceId);
    }
  }

  private static boolean hasOctets(IfRow row) {
    return row.has(IfMib.Column.IF_HC_IN_OCTETS) || row.has(IfMib.Column.IF_IN_OCTETS);
  }

  /** Recomputes what matters for the device's circuits; true if it differs from before. */
  private boolean resign(DeviceState st) {
    List<Object> sig = new ArrayList<>();
    sig.add(st.view.reachable());
    for (InterfaceView i : st.view.interfaces()) {
      LinkJudge.Judgement j = LinkJudge.judge(i, committedMbps.applyAsLong(i.alias()), config);
      sig.add(i.name());
      sig.add(i.alias());
      sig.add(j.state());
      sig.add(j.overCapacity());
      sig.add(j.erroring());
      sig.add(Double.isNaN(j.utilisation()));
    }
    boolean changed = !sig.equals(st.signature);
    st.signature = sig;
    return changed;
  }

  /** The device as last polled, or null if it has never been polled. */
  public DeviceView device(String deviceId) {
    DeviceState st = devices.get(deviceId);
    if (st == null) {
      return null;
    }
    synchronized (st) {
      return st.view;
    }
  }

  /**
   * How points from {@code fromMillis} to {@code toMillis} are answered: {@code stepMillis} apart
   * or more when above 0, else at most {@code maxPoints} of them ({@link HistoryLayout#resolve}).
   */
  public HistoryLayout.Resolution resolution(
      long fromMillis, long toMillis, long stepMillis, int maxPoints) {
    return history.layout().resolve(fromMillis, toMillis, clock.millis(), stepMillis, maxPoints);
  }

  /** History of one interface between two times at {@code res}; empty when none is held. */
  public List<RateHistory.Point> history(
      String deviceId,
      String interfaceName,
      long fromMillis,
      long toMillis,
      HistoryLayout.Resolution res) {
    return history.range(deviceId, interfaceName, fromMillis, toMillis, res);
  }

  /** History of one interface between two times at every poll (the finest tier). */
  public List<RateHistory.Point> history(
      String deviceId, String interfaceName, long fromMillis, long toMillis) {
    long step = history.layout().intervalMillis();
    return history(
        deviceId, interfaceName, fromMillis, toMillis, new HistoryLayout.Resolution(0, 1, step));
  }

  /** How far back history reaches. */
  public long historyRetentionMillis() {
    return history.layout().retentionMillis();
  }

  /** Forgets a device that no longer exists (its history stays until it ages out). */
  public void forget(String deviceId) {
    devices.remove(deviceId);
  }

  /** Samples dropped for a discontinuity (restart, counter reset) since start. */
  public long droppedSamples() {
    return droppedSamples.sum();
  }

  /** Heap held by rate history, for the footprint figure: with a file, only its index. */
  public long historyBytes() {
    return history.heapBytes();
  }

  /** Bytes of the rate history file (0 when history is on the heap). */
  public long historyDiskBytes() {
    return history.diskBytes();
  }
}
