package org.wayleave.base.concurrent;

import java.util.concurrent.ThreadFactory;

/** Threads that do not keep the JVM alive, named for what they do (as thread dumps show them). */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads all called {@code name}. */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
