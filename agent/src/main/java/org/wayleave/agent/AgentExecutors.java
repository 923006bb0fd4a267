package org.wayleave.agent;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one {@link AgentClient}'s work runs: the timer (redial delays, heartbeats, drift
 * coalescing) and the serial worker every driver call runs on, so two applies never overlap; and
 * how they are shut down. Work handed over after shutdown is dropped.
 */
final class AgentExecutors {
  // Logs under the client's name, as operators and tests know it.
  private static final Logger log = LoggerFactory.getLogger(AgentClient.class);

  private final String deviceId;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ExecutorService worker;

  /**
   * @param scheduler the caller's timer, or null for one of the client's own
   * @param applyExecutor the caller's executor to run driver calls on (one at a time), or null for
   *     a thread of the client's own
   */
  AgentExecutors(String deviceId, ScheduledExecutorService scheduler, Executor applyExecutor) {
    this.deviceId = deviceId;
    this.ownsScheduler = scheduler == null;
    this.scheduler =
        scheduler != null
            ? scheduler
            : Executors.newSingleThreadScheduledExecutor(
                daemon("wayleave-agent-timer-" + deviceId));
    this.worker =
        applyExecutor != null
            ? new SerialExecutor(applyExecutor)
            : Executors.newSingleThreadExecutor(daemon("wayleave-agent-apply-" + deviceId));
  }

  /** Runs {@code task} on the timer after {@code delay}; null if the timer is shut down. */
  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: timer is shut down, dropping task", deviceId);
      return null;
    }
  }

  /** Runs {@code task} on the timer every {@code period}, the first time after one period. */
  ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
    long nanos = period.toNanos();
    return scheduler.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} on the serial worker, after what is already queued there. */
  void onWorker(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("agent {}: worker is shut down, dropping task", deviceId);
    }
  }

  /**
   * Stops taking work, waits up to {@code timeout} for a running apply (then interrupts it), and
   * shuts the timer down if it is the client's own.
   */
  void shutdown(Duration timeout) throws InterruptedException {
    worker.shutdown();
    if (!worker.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      log.warn("agent {}: apply still running after {}; interrupting it", deviceId, timeout);
      worker.shutdownNow();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  /** Interrupts a running apply and drops what is queued. */
  void shutdownWorkerNow() {
    worker.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
