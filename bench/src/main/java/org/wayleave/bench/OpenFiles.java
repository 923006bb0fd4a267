package org.wayleave.bench;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * Whether a harness's processes may hold the descriptors a fleet needs, said before it starts
 * rather than found out halfway. The JVM raises its soft limit to the hard one at start on Linux
 * (and children inherit it), so the limit read here is the effective one.
 */
final class OpenFiles {
  /** Descriptors kept spare beside a fleet's: jars, logs, the store, the controller's sockets. */
  static final int HEADROOM = 256;

  private OpenFiles() {}

  /** This JVM's limit on open files, or -1 where it cannot be read. */
  static long max() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean u
        ? u.getMaxFileDescriptorCount()
        : -1;
  }

  /** Files this JVM has open now, or 0 where it cannot be read. */
  static long open() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean u
        ? u.getOpenFileDescriptorCount()
        : 0;
  }

  /**
   * Null when {@code need} fits under {@code max} (or the limit is unknown), else the message: the
   * limit, what {@code devices} routers need and for what ({@code why}), what to raise, and {@code
   * fewer} (how to ask for less).
   */
  static String check(long max, long need, int devices, String why, String fewer) {
    if (max < 0 || max >= need) {
      return null;
    }
    return "the limit on open files is "
        + max
        + " but "
        + devices
        + " routers need "
        + need
        + " ("
        + why
        + "): raise it (ulimit -n "
        + need
        + ", or the hard limit in /etc/security/limits.conf) or use fewer --devices"
        + fewer;
  }
}
