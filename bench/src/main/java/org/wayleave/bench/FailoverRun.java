package org.wayleave.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wayleave.base.seed.Seeds;

/**
 * The HA benchmark's second part, start to end: the topology up ({@link HaTopology}), the writers
 * on ({@link HaWriters}), the kills ({@link FailoverPhase}), the writers stopped, and every
 * acknowledged circuit looked for through each controller ({@link AckCheck}); then every process
 * killed.
 */
final class FailoverRun {
  private FailoverRun() {}

  /** What the failover runs found. */
  record Figures(
      List<FailoverPhase.Kill> kills,
      int acknowledged,
      int inDoubt,
      Map<String, Integer> failures,
      List<AckCheck.Result> checks,
      int etcdMembers) {}

  static Figures run(HaOptions o, Path etcd, Path dir, Progress progress) throws Exception {
    Deadline deadline = new Deadline(o.timeoutS);
    Duration settle = Duration.ofSeconds(o.failoverTimeoutS);
    try (HaTopology topology = HaTopology.start(o, etcd, dir, progress)) {
      topology.awaitOneLeader(settle);
      topology.awaitAgentsSettled(Duration.ofSeconds(Math.max(60, o.failoverTimeoutS)));
      progress.say("failover: one leader, every agent connected; writers on, %d kills", o.kills);
      HaWriters writers =
          new HaWriters(
              topology.controllers(),
              topology.pki(),
              Workload.of(Seeds.byName(CoreBenchmark.SEED)),
              o);
      try {
        writers.start();
        List<FailoverPhase.Kill> kills =
            new FailoverPhase(topology, writers, o, deadline, progress).run();
        writers.stop();
        progress.say(
            "failover: %d acknowledged, %d in doubt; listing every circuit through each controller",
            writers.acked().size(), writers.inDoubt().size());
        List<AckCheck.Result> checks = new ArrayList<>();
        for (int i = 0; i < topology.controllers().size(); i++) {
          checks.add(
              AckCheck.check(
                  topology.controllers().get(i).name,
                  writers.channel(i),
                  writers.acked(),
                  writers.inDoubt(),
                  settle.toMillis()));
        }
        return new Figures(
            kills,
            writers.acked().size(),
            writers.inDoubt().size(),
            writers.failures(),
            checks,
            topology.etcdMembers());
      } finally {
        writers.stop();
        writers.close();
      }
    }
  }
}
