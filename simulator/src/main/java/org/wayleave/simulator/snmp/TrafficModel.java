package org.wayleave.simulator.snmp;

/**
 * The steady traffic a simulated interface carries, as pure functions of its name and of time, so
 * that counters can be integrated exactly between any two reads.
 *
 * <p>A sub-interface carries, in each direction, a load between {@value #MIN_LOAD} and {@value
 * #MAX_LOAD} of its bandwidth chosen from a hash of its name, swinging by ±{@value #SWING} of that
 * (a sine with a {@value #PERIOD_SECONDS} s period and a phase from the same hash). A physical port
 * carries what its sub-interfaces carry plus a base load of up to {@value #PORT_BASE_LOAD} of its
 * line rate (its nominal load scaled down, so ports differ).
 */
final class TrafficModel {
  static final double MIN_LOAD = 0.20;
  static final double MAX_LOAD = 0.60;
  static final double SWING = 0.10;
  static final double PERIOD_SECONDS = 300;
  static final double PORT_BASE_LOAD = 0.005;

  /** Octets per packet, to turn discarded octets into discarded packets. */
  static final double PACKET_OCTETS = 1000;

  private static final double OMEGA = 2 * Math.PI / (PERIOD_SECONDS * 1e9);

  /** Direction salts. */
  static final int IN = 0x1;

  static final int OUT = 0x2;

  private TrafficModel() {}

  /** Octets per second at 100 % of {@code mbps}. */
  static double octetsPerSecond(long mbps) {
    return mbps * 125_000.0;
  }

  /** The nominal load of an interface in one direction: a fraction within [MIN_LOAD, MAX_LOAD). */
  static double load(String name, int direction) {
    return MIN_LOAD + (MAX_LOAD - MIN_LOAD) * unit(name, direction);
  }

  /** The phase of the interface's swing, radians. */
  static double phase(String name) {
    return 2 * Math.PI * unit(name, 0x7);
  }

  /**
   * Octets carried over [{@code t0}, {@code t1}] (nanoseconds since boot) at {@code
   * octetsPerSecond} × (1 + SWING × sin(ωt + phase)): the closed-form integral, so splitting an
   * interval changes nothing.
   */
  static double swingingOctets(double octetsPerSecond, double phase, long t0, long t1) {
    double seconds = (t1 - t0) / 1e9;
    double swing =
        SWING / (OMEGA * 1e9) * (Math.cos(OMEGA * t0 + phase) - Math.cos(OMEGA * t1 + phase));
    return Math.max(0, octetsPerSecond * (seconds + swing));
  }

  /** A uniform value in [0, 1) from a name and a salt (murmur3 finaliser over the name's hash). */
  static double unit(String name, int salt) {
    long h = name.hashCode() * 0x9E3779B97F4A7C15L + salt;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (h >>> 11) / (double) (1L << 53);
  }
}
