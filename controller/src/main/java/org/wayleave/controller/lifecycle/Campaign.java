package org.wayleave.controller.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wayleave.base.time.Backoff;
import org.wayleave.controller.store.LeaderElection;

/**
 * Drives {@link Leadership} from a store's election: campaigns on its own thread; once elected,
 * leads in the election's term with its fence on the leader's writes; watches the claim every
 * {@value #CHECK_MILLIS} ms and, when it is lost (lease expired, etcd unreachable for a whole TTL),
 * stops leading at once and campaigns again. A failed campaign (etcd unreachable) is retried after
 * a backoff.
 */
public final class Campaign implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Campaign.class);
  static final long CHECK_MILLIS = 100;

  private final LeaderElection election;
  private final Leadership leadership;
  private final String candidate;
  private final Backoff backoff =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), Backoff.Jitter.FULL);
  private final Thread thread;
  private volatile boolean closed;

  public Campaign(LeaderElection election, Leadership leadership, String candidate) {
    this.election = election;
    this.leadership = leadership;
    this.candidate = candidate;
    this.thread = new Thread(this::run, "wayleave-campaign");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    int failures = 0;
    while (!closed) {
      try {
        election.campaign();
        failures = 0;
        long term = election.term();
        if (term == 0) {
          continue; // lost between winning and asking
        }
        synchronized (this) {
          if (closed) {
            break;
          }
          log.info("{} leads in term {}", candidate, term);
          leadership.set(true, term, election.fence());
        }
        while (!closed && election.isLeader()) {
          Thread.sleep(CHECK_MILLIS);
        }
        if (!closed) {
          log.warn("{} lost leadership (term {}); campaigning again", candidate, term);
        }
        leadership.set(false, term);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        leadership.set(false, leadership.term());
        failures++;
        Duration wait = backoff.afterFailures(failures);
        log.warn("campaign failed ({}); again in {} ms", e.getMessage(), wait.toMillis());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
  }

  /** Who leads now as the store says, for messages; empty if unknown. */
  public String leader() {
    return election.leader().orElse("");
  }

  /** Stops leading (listeners hear it), leaves the election, and stops campaigning. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      leadership.set(false, leadership.term());
    }
    election.close();
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
