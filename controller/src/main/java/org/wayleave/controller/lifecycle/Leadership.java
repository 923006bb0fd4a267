package org.wayleave.controller.lifecycle;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether this controller leads now, and word when that changes. On the embedded store a controller
 * always leads (it holds the data directory's lock); on etcd leadership follows an election lease.
 */
public class Leadership {
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean leading;

  protected Leadership(boolean leading) {
    this.leading = leading;
  }

  /** Leads from the start and never stops: the embedded store's controller. */
  public static Leadership always() {
    return new Leadership(true);
  }

  /** Changed by hand ({@link #set}): tests, and a store's election driving it. */
  public static Leadership manual(boolean leading) {
    return new Leadership(leading);
  }

  public boolean leading() {
    return leading;
  }

  /** Hears every change from now on, with the new value. */
  public void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  /** Gains ({@code true}) or loses leadership; listeners hear it on this thread, in order. */
  public synchronized void set(boolean leading) {
    if (this.leading == leading) {
      return;
    }
    this.leading = leading;
    for (Consumer<Boolean> l : listeners) {
      l.accept(leading);
    }
  }
}
