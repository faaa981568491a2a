package dev.parallax.mvcc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-relation counters of changes since the last vacuum, the input to autovacuum's choice of
 * what to vacuum. Approximate by design: lost at restart, updated without any lock.
 */
final class RelationActivity {
  private static final class Counters {
    final LongAdder inserted = new LongAdder();
    final LongAdder dead = new LongAdder();
    volatile long liveAtVacuum;
  }

  private final ConcurrentHashMap<Integer, Counters> byRelation = new ConcurrentHashMap<>();

  private Counters of(int relation) {
    return byRelation.computeIfAbsent(relation, r -> new Counters());
  }

  void inserted(int relation) {
    of(relation).inserted.increment();
  }

  void deleted(int relation) {
    of(relation).dead.increment();
  }

  /** An update leaves one dead version and adds one. */
  void updated(int relation) {
    Counters c = of(relation);
    c.dead.increment();
    c.inserted.increment();
  }

  /** The counters as a vacuum starts, so that changes made while it runs are not forgotten. */
  long[] mark(int relation) {
    Counters c = of(relation);
    return new long[] {c.inserted.sum(), c.dead.sum()};
  }

  /**
   * A vacuum that started at {@code mark} has finished. Changes counted since the mark stay
   * counted, and versions it had to keep although deleted (the deleter still running, or some
   * snapshot still seeing them) count again: otherwise deletes that were in progress while vacuum
   * ran would never make the table a candidate again.
   */
  void vacuumed(int relation, long[] mark, long liveVersions, long deadKept) {
    Counters c = of(relation);
    c.inserted.add(-mark[0]);
    c.dead.add(deadKept - mark[1]);
    c.liveAtVacuum = liveVersions;
  }

  double deadFraction(int relation) {
    Counters c = byRelation.get(relation);
    if (c == null) {
      return 0;
    }
    long dead = c.dead.sum();
    long total = c.liveAtVacuum + c.inserted.sum();
    return total == 0 ? 0 : Math.min(1.0, (double) dead / total);
  }

  void forget(int relation) {
    byRelation.remove(relation);
  }
}
