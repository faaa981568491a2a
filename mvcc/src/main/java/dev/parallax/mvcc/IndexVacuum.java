package dev.parallax.mvcc;

/**
 * The indexes of a heap relation, as vacuum sees them: the one thing vacuum needs from them is
 * "forget every entry pointing at these tuple ids".
 *
 * <p>Called by {@link Heap#vacuum(int, long, IndexVacuum)} between marking dead line pointers DEAD
 * and freeing them (UNUSED). When it returns, no index entry may point at any tid in
 * {@code dead}: right after, those slots can be reused by unrelated rows, and an entry left behind
 * would then point at the wrong row. If it throws, vacuum stops and the slots stay DEAD (never
 * reused, read as "no tuple"); the next vacuum hands them over again, so removing entries must be
 * idempotent (an entry already gone is fine).
 *
 * <p>Runs without any heap latch held; concurrent inserts and scans go on meanwhile. New index
 * entries cannot point at the given tids, since DEAD slots are never reused.
 */
@FunctionalInterface
public interface IndexVacuum {
  /** Removes every index entry whose tid is in {@code dead}. */
  void removeEntries(DeadTids dead);
}
