package org.wayleave.controller.lifecycle;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.wayleave.controller.store.Fence;

/**
 * Whether this controller leads now, and word when that changes. On the embedded store a controller
 * always leads (it holds the data directory's lock); on etcd leadership follows an election lease.
 */
public class Leadership {
  private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean leading;
  private volatile long term;
  private volatile Fence fence;
  private final AtomicLong refusals = new AtomicLong();

  protected Leadership(boolean leading) {
    this.leading = leading;
    this.term = leading ? 1 : 0;
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

  /**
   * The current (or last) term this controller led in: it grows each time leadership is gained, so
   * no two leaders share one. Pushes carry it; agents refuse a lower one than they followed. The
   * embedded store's controller leads in term 1 for good.
   */
  public long term() {
    return term;
  }

  /**
   * The claim the leader's store writes carry (the last one held, after leadership is lost: the
   * store then refuses them), or null when they go unfenced.
   */
  public Fence fence() {
    return fence;
  }

  /** Counts a leader's write the store refused: the fence did its work. */
  public void recordRefusal() {
    refusals.incrementAndGet();
  }

  /** Leader's writes refused by the store since start. */
  public long refusals() {
    return refusals.get();
  }

  /** Hears every change from now on, with the new value. */
  public void onChange(Consumer<Boolean> listener) {
    listeners.add(listener);
  }

  /**
   * Gains ({@code true}, in the next term) or loses leadership; listeners hear it on this thread,
   * in order.
   */
  public synchronized void set(boolean leading) {
    set(leading, leading ? term + 1 : term);
  }

  /**
   * Gains leadership in {@code term} (from an election: its key's revision), or loses it.
   *
   * @throws IllegalArgumentException if a gained term is not above the last one
   */
  public synchronized void set(boolean leading, long term) {
    set(leading, term, null);
  }

  /**
   * Gains leadership in {@code term} with {@code fence} to put on the leader's writes (null: they
   * go unfenced), or loses it.
   */
  public synchronized void set(boolean leading, long term, Fence fence) {
    if (this.leading == leading) {
      return;
    }
    if (leading && term <= this.term && this.term > 0) {
      throw new IllegalArgumentException(
          "term: a new term must be above " + this.term + " (got " + term + ")");
    }
    this.term = term;
    this.fence = leading ? fence : this.fence;
    this.leading = leading;
    for (Consumer<Boolean> l : listeners) {
      l.accept(leading);
    }
  }
}
