package org.wayleave.controller.telemetry;

/**
 * How an interface stands against its circuit's commitment: up or down (and admin-down told apart),
 * utilisation of the committed bandwidth, and whether it is over the threshold or erroring. One
 * place for the rules, used both to decide when a device's circuits need a fresh status and to
 * compute that status.
 */
public final class LinkJudge {
  private LinkJudge() {}

  public enum LinkState {
    UP,
    OPER_DOWN,
    ADMIN_DOWN
  }

  /**
   * @param utilisation peak of in and out over the committed bandwidth (1.0 = full), NaN when
   *     unknown
   * @param problemsPerSecond errors and discards per second, NaN when unknown
   */
  public record Judgement(
      LinkState state,
      double utilisation,
      boolean overCapacity,
      double problemsPerSecond,
      boolean erroring) {}

  /**
   * @param committedMbps the circuit's committed bandwidth; 0 to judge against the interface speed
   */
  public static Judgement judge(
      Telemetry.InterfaceView i, long committedMbps, TelemetryConfig config) {
    LinkState state =
        i.adminStatus() == IfMib.DOWN
            ? LinkState.ADMIN_DOWN
            : i.operStatus() == IfMib.UP ? LinkState.UP : LinkState.OPER_DOWN;
    double capacity = committedMbps > 0 ? committedMbps * 1e6 : i.speedBps();
    double peak = i.rates().peakBps();
    double utilisation = capacity > 0 && !Double.isNaN(peak) ? peak / capacity : Double.NaN;
    boolean over = !Double.isNaN(utilisation) && utilisation > config.utilisationThreshold();
    double problems = i.rates().problemsPerSecond();
    boolean erroring = !Double.isNaN(problems) && problems > config.errorsPerSecondThreshold();
    return new Judgement(state, utilisation, over, problems, erroring);
  }
}
