package org.wayleave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The failover runs: with {@link HaWriters} creating circuits through both controllers, {@code
 * --kills} times: wait until exactly one controller leads and every agent is connected, SIGKILL the
 * leader at t0, and time from t0 until the survivor's {@code /leader} says it leads, the first
 * create acknowledged through the survivor, and the first push any agent receives (the simulator's
 * {@code pushes_received} counted from the moment the killed process is gone, so nothing the old
 * leader sent counts); then restart the killed controller, let everything settle, and count pushes
 * that changed nothing on an agent ({@code pushes_redundant}) since before the kill.
 */
final class FailoverPhase {
  /** How often the survivor's {@code /leader} and the simulator's {@code /stats} are read. */
  static final long POLL_MS = 20;

  private final HaTopology topology;
  private final HaWriters writers;
  private final HaOptions o;
  private final Deadline deadline;
  private final Progress progress;

  /**
   * One kill. Times are milliseconds from t0, null when not seen within {@code
   * --failover-timeout-s}.
   *
   * @param firstWriteMs the first create acknowledged through the survivor after t0 (writes do not
   *     wait for leadership: any controller accepts them)
   * @param firstWriteAsLeaderMs the first acknowledged through the survivor once it was seen
   *     leading
   * @param firstWriteKilledSideMs the first acknowledged for the writer that was writing through
   *     the killed controller (it fails over to the survivor on its first failed call)
   * @param restartMs from starting the killed controller again until it listened
   */
  record Kill(
      int kill,
      String killed,
      String survivor,
      long termBefore,
      long termAfter,
      Long newLeaderMs,
      Long firstWriteMs,
      Long firstWriteAsLeaderMs,
      Long firstWriteKilledSideMs,
      Long firstPushMs,
      long pushesRedundantAdded,
      long restartMs) {}

  FailoverPhase(
      HaTopology topology, HaWriters writers, HaOptions o, Deadline deadline, Progress progress) {
    this.topology = topology;
    this.writers = writers;
    this.o = o;
    this.deadline = deadline;
    this.progress = progress;
  }

  List<Kill> run() throws Exception {
    List<Kill> kills = new ArrayList<>();
    for (int k = 1; k <= o.kills; k++) {
      if (!writers.writing()) {
        throw new IllegalStateException(
            "the writers made their --max-creates " + o.maxCreates + " before kill " + k);
      }
      Kill kill = kill(k);
      kills.add(kill);
      progress.say(
          "kill %d/%d of %s: %s leads after %s ms (term %d -> %d); first write %s ms, as leader %s"
              + " ms; first push %s ms; redundant pushes +%d; restarted in %d ms; %d acknowledged",
          k,
          o.kills,
          kill.killed(),
          kill.survivor(),
          kill.newLeaderMs(),
          kill.termBefore(),
          kill.termAfter(),
          kill.firstWriteMs(),
          kill.firstWriteAsLeaderMs(),
          kill.firstPushMs(),
          kill.pushesRedundantAdded(),
          kill.restartMs(),
          writers.ackCount());
    }
    return kills;
  }

  private Duration settle() {
    Duration d = Duration.ofSeconds(o.failoverTimeoutS);
    Duration left = deadline.remaining();
    return left.compareTo(d) < 0 ? left : d;
  }

  private Kill kill(int k) throws Exception {
    ControllerProcess leader = topology.awaitOneLeader(settle());
    ControllerProcess survivor = topology.other(leader);
    topology.awaitAgentsSettled(settle());
    int acksBefore = writers.ackCount();
    Await.until(() -> writers.ackCount() > acksBefore, settle(), "writes to be acknowledged");
    JsonNode leading = leader.leader();
    long termBefore = leading == null ? -1 : leading.path("term").asLong();
    long redundantBefore = topology.stats().path("pushes_redundant").asLong();
    int leaderIndex = topology.controllers().indexOf(leader);
    int survivorIndex = topology.controllers().indexOf(survivor);

    long t0 = System.nanoTime();
    leader.kill();
    long pushesBase = topology.stats().path("pushes_received").asLong();
    long until = t0 + TimeUnit.SECONDS.toNanos(o.failoverTimeoutS);
    Long leadAt = null;
    Long pushAt = null;
    long termAfter = 0;
    while ((leadAt == null || pushAt == null) && System.nanoTime() < until) {
      if (leadAt == null) {
        JsonNode l = survivor.leader();
        if (l != null && l.path("leading").asBoolean()) {
          leadAt = System.nanoTime();
          termAfter = l.path("term").asLong();
        }
      }
      if (pushAt == null && topology.stats().path("pushes_received").asLong() > pushesBase) {
        pushAt = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
    // The writes are timed by the writers themselves; give the last ones a moment to arrive.
    long firstFrom = leadAt == null ? until : leadAt;
    Await.until(
        () -> writers.firstAckAfter(firstFrom, a -> a.controller() == survivorIndex) != null,
        settle(),
        "a write through " + survivor.name + " after kill " + k);
    HaWriters.Ack write = writers.firstAckAfter(t0, a -> a.controller() == survivorIndex);
    HaWriters.Ack asLeader =
        leadAt == null ? null : writers.firstAckAfter(leadAt, a -> a.controller() == survivorIndex);
    HaWriters.Ack killedSide = writers.firstAckAfter(t0, a -> a.writer() == leaderIndex);

    long restartStart = System.nanoTime();
    topology.restart(leader);
    long restartMs = ms(restartStart, System.nanoTime());
    writers.rehome();
    topology.awaitOneLeader(settle());
    topology.awaitAgentsSettled(settle());
    long redundantAfter = topology.stats().path("pushes_redundant").asLong();
    return new Kill(
        k,
        leader.name,
        survivor.name,
        termBefore,
        termAfter,
        leadAt == null ? null : ms(t0, leadAt),
        write == null ? null : ms(t0, write.nanos()),
        asLeader == null ? null : ms(t0, asLeader.nanos()),
        killedSide == null ? null : ms(t0, killedSide.nanos()),
        pushAt == null ? null : ms(t0, pushAt),
        redundantAfter - redundantBefore,
        restartMs);
  }

  private static long ms(long fromNanos, long toNanos) {
    return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
  }
}
