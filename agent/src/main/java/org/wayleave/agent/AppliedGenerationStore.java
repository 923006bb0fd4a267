package org.wayleave.agent;

/**
 * Remembers the generation of the last push the agent applied in full, so that a restarted agent
 * tells the controller in its Hello and is not pushed again for nothing; and beside it the highest
 * leader term the agent has followed, so that a restarted agent still refuses a deposed leader.
 */
public interface AppliedGenerationStore {

  /** The generation last saved; 0 if none was. */
  long load();

  /** The term last saved; 0 if none was. */
  long term();

  /**
   * Records {@code generation} and {@code term} durably before returning.
   *
   * @throws IllegalArgumentException if either is negative
   * @throws java.io.UncheckedIOException if they could not be recorded
   */
  void save(long generation, long term);

  /** Records {@code generation}, keeping the term. */
  default void save(long generation) {
    save(generation, term());
  }

  /** Kept in memory only: forgotten when the process ends. */
  final class InMemory implements AppliedGenerationStore {
    private long generation;
    private long term;

    @Override
    public synchronized long load() {
      return generation;
    }

    @Override
    public synchronized long term() {
      return term;
    }

    @Override
    public synchronized void save(long g, long t) {
      if (g < 0) {
        throw new IllegalArgumentException("generation: must not be negative (got " + g + ")");
      }
      if (t < 0) {
        throw new IllegalArgumentException("term: must not be negative (got " + t + ")");
      }
      generation = g;
      term = t;
    }

    @Override
    public String toString() {
      return "in memory (forgotten on restart)";
    }
  }
}
