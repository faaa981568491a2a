package dev.parallax.mvcc;

import java.util.concurrent.atomic.LongAdder;

/** Counters of opportunistic page pruning ({@link Heap#prune} and the pruning done on access). */
public final class PruneStats {
  private final LongAdder attempts = new LongAdder();
  private final LongAdder pages = new LongAdder();
  private final LongAdder tuples = new LongAdder();

  void attempted() {
    attempts.increment();
  }

  void pruned(int removed) {
    pages.increment();
    tuples.add(removed);
  }

  /** Pages examined for pruning. */
  public long attempts() {
    return attempts.sum();
  }

  /** Prunes that changed a page (one PRUNE record each). */
  public long pagesPruned() {
    return pages.sum();
  }

  /** Versions whose storage pruning reclaimed. */
  public long tuplesRemoved() {
    return tuples.sum();
  }
}
