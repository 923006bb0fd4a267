package org.wayleave.bench;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.wayleave.api.v1.Circuit;
import org.wayleave.api.v1.CircuitServiceGrpc;

/**
 * The continuous writes of the failover runs: one writer thread per controller, each creating
 * circuits through its controller with a {@value #DEADLINE_MS} ms deadline and moving to the other
 * controller when a call fails, until told to stop or {@code --max-creates} are made. Every
 * acknowledgement is kept with when it came and through which controller; a failed call leaves its
 * circuit in doubt (it may have been written), a refusal (an answer saying why) does not.
 */
final class HaWriters {
  static final long DEADLINE_MS = 5_000;
  static final String PREFIX = "HA";

  /**
   * One acknowledged create: when ({@link System#nanoTime()}), through which controller, by whom.
   */
  record Ack(long nanos, int controller, int writer) {}

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final Workload workload;
  private final HaOptions o;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger issued = new AtomicInteger();
  private final ConcurrentLinkedDeque<Ack> acks = new ConcurrentLinkedDeque<>();
  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> inDoubt = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger[] rehome;

  HaWriters(List<ControllerProcess> controllers, HaPki pki, Workload workload, HaOptions o)
      throws IOException {
    for (ControllerProcess c : controllers) {
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", c.grpcPort, pki.engineer()).build());
    }
    this.workload = workload;
    this.o = o;
    this.rehome = new AtomicInteger[controllers.size()];
    for (int i = 0; i < rehome.length; i++) {
      rehome[i] = new AtomicInteger();
    }
  }

  /** Starts writer {@code i} on controller {@code i}, for every controller. */
  void start() {
    for (int w = 0; w < channels.size(); w++) {
      int writer = w;
      Thread t = new Thread(() -> write(writer), "bench-ha-writer-" + (w + 1));
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void write(int writer) {
    int at = writer;
    int seenRehome = 0;
    while (!stop.get()) {
      if (rehome[writer].get() != seenRehome) {
        seenRehome = rehome[writer].get();
        at = writer;
      }
      Circuit c = next();
      if (c == null) {
        return;
      }
      try {
        CircuitServiceGrpc.newBlockingStub(channels.get(at))
            .withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
            .createCircuit(c);
        acks.add(new Ack(System.nanoTime(), at, writer));
        acked.add(c.getId());
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        failures.merge(code.name(), 1, Integer::sum);
        if (inDoubt(code)) {
          inDoubt.add(c.getId());
          at = (at + 1) % channels.size();
        }
      }
      sleep(o.writeIntervalMs);
    }
  }

  /** Whether a call that ended with {@code code} may still have been written. */
  static boolean inDoubt(Status.Code code) {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN, CANCELLED, INTERNAL, ABORTED -> true;
      default -> false;
    };
  }

  private Circuit next() {
    synchronized (workload) {
      int n = issued.incrementAndGet();
      return n > o.maxCreates ? null : workload.next(PREFIX, n);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sends every writer back to its own controller (after a restart) and has the channels redial at
   * once rather than after their backoff.
   */
  void rehome() {
    channels.forEach(ManagedChannel::resetConnectBackoff);
    for (AtomicInteger r : rehome) {
      r.incrementAndGet();
    }
  }

  /** Whether any writer still writes (none has run out of {@code --max-creates}). */
  boolean writing() {
    return !stop.get() && issued.get() < o.maxCreates;
  }

  /** How many creates have been acknowledged. */
  int ackCount() {
    return acked.size();
  }

  /** The first acknowledgement at or after {@code t0} that {@code which} accepts, or null. */
  Ack firstAckAfter(long t0, Predicate<Ack> which) {
    Ack first = null;
    // Newest first; writers append in nearly time order, so stop a second before t0.
    for (Iterator<Ack> it = acks.descendingIterator(); it.hasNext(); ) {
      Ack a = it.next();
      if (a.nanos() < t0 - TimeUnit.SECONDS.toNanos(1)) {
        break;
      }
      if (a.nanos() >= t0 && which.test(a) && (first == null || a.nanos() < first.nanos())) {
        first = a;
      }
    }
    return first;
  }

  /** Stops the writers and waits for them (each call ends within its deadline). */
  void stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(DEADLINE_MS * 3);
    }
  }

  Set<String> acked() {
    return acked;
  }

  Set<String> inDoubt() {
    return inDoubt;
  }

  /** Failed or refused calls by gRPC status code. */
  Map<String, Integer> failures() {
    return new TreeMap<>(failures);
  }

  /** The writers' channel to controller {@code i}. */
  ManagedChannel channel(int i) {
    return channels.get(i);
  }

  void close() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
