package org.wayleave.controller.lifecycle;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the controller's components: those that run on every controller for the whole
 * process, and those that run only while this controller leads, started when it gains leadership
 * and stopped when it loses it. Starts go in order, stops in reverse.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final List<Component> always;
  private final List<Component> whileLeading;
  private final Leadership leadership;
  private final List<Component> started = new ArrayList<>();
  // Volatile, read without the lock: /readyz must answer while a stop waits on a silent store.
  private volatile boolean leaderPartsRunning;
  private boolean closed;

  public Lifecycle(List<Component> always, List<Component> whileLeading, Leadership leadership) {
    this.always = List.copyOf(always);
    this.whileLeading = List.copyOf(whileLeading);
    this.leadership = leadership;
  }

  /**
   * Starts every always-on component, then the leader-only ones if this controller leads. If a
   * start fails, what was started is stopped again and the failure is thrown.
   */
  public synchronized void start() throws Exception {
    try {
      for (Component c : always) {
        c.start();
        started.add(c);
      }
      leadership.onChange(this::leadershipChanged);
      if (leadership.leading()) {
        startLeaderParts();
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Whether the leader-only components run now. */
  public boolean leaderPartsRunning() {
    return leaderPartsRunning;
  }

  private synchronized void leadershipChanged(boolean leading) {
    if (closed) {
      return;
    }
    if (leading && !leaderPartsRunning) {
      log.info("leading: starting {}", whileLeading);
      try {
        startLeaderParts();
      } catch (Exception e) {
        log.error("could not start the leader's components; they stay stopped", e);
      }
    } else if (!leading && leaderPartsRunning) {
      log.info("no longer leading: stopping {}", whileLeading);
      stopLeaderParts();
    }
  }

  private void startLeaderParts() throws Exception {
    List<Component> up = new ArrayList<>();
    try {
      for (Component c : whileLeading) {
        c.start();
        up.add(c);
      }
      leaderPartsRunning = true;
    } catch (Exception e) {
      stopAll(up);
      throw e;
    }
  }

  private void stopLeaderParts() {
    stopAll(whileLeading);
    leaderPartsRunning = false;
  }

  private static void stopAll(List<Component> components) {
    for (int i = components.size() - 1; i >= 0; i--) {
      try {
        components.get(i).stop();
      } catch (RuntimeException e) {
        log.warn("stopping {} failed", components.get(i).name(), e);
      }
    }
  }

  /** Stops the leader-only components (if they run), then the always-on ones, in reverse. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (leaderPartsRunning) {
      stopLeaderParts();
    }
    stopAll(started);
    started.clear();
  }
}
