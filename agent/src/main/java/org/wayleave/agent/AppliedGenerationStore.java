package org.wayleave.agent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers the generation of the last push the agent applied in full, so that a restarted agent
 * tells the controller in its Hello and is not pushed again for nothing.
 */
public interface AppliedGenerationStore {

  /** The generation last saved; 0 if none was. */
  long load();

  /**
   * Records {@code generation} durably before returning.
   *
   * @throws IllegalArgumentException if {@code generation} is negative
   * @throws java.io.UncheckedIOException if it could not be recorded
   */
  void save(long generation);

  /** Kept in memory only: forgotten when the process ends. */
  final class InMemory implements AppliedGenerationStore {
    private final AtomicLong generation = new AtomicLong();

    @Override
    public long load() {
      return generation.get();
    }

    @Override
    public void save(long g) {
      if (g < 0) {
        throw new IllegalArgumentException("generation: must not be negative (got " + g + ")");
      }
      generation.set(g);
    }

    @Override
    public String toString() {
      return "in memory (forgotten on restart)";
    }
  }
}
