package org.wayleave.controller.security;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.wayleave.base.concurrent.DaemonThreads;

/**
 * One log line for many like connections: the first of a quiet spell is logged at once (WARN), the
 * rest of that spell as one summary line when it ends, each connection itself at DEBUG. A fleet of
 * 10,000 agents reconnecting thus writes two lines, not 10,000.
 */
final class ConnectionSummary {
  /** How long a spell lasts from its first connection: the summary comes at its end. */
  static final Duration WINDOW = Duration.ofSeconds(10);

  private static final ScheduledExecutorService FLUSH =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("wayleave-connection-log"));

  private final Logger log;
  private final String what;
  private final Duration window;
  private final AtomicLong inSpell = new AtomicLong();

  /**
   * @param what the connections, as a summary names them: "plaintext connections on the agent port
   *     (--insecure: not authenticated, every right)"
   */
  ConnectionSummary(Logger log, String what, Duration window) {
    this.log = log;
    this.what = what;
    this.window = window;
  }

  /** One connection, from {@code from}. */
  void connected(String from) {
    log.debug("{}: one from {}", what, from);
    if (inSpell.getAndIncrement() == 0) {
      log.warn(
          "{}: the first from {}; more within {} s are summed up in one line",
          what,
          from,
          window.toSeconds());
      FLUSH.schedule(this::flush, window.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Ends the spell: says how many came after its first, if any. */
  void flush() {
    long n = inSpell.getAndSet(0);
    if (n > 1) {
      log.warn("{}: {} in the last {} s", what, n, window.toSeconds());
    }
  }
}
