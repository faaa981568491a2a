package dev.parallax.txn.lock;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared lock table: one {@link LockEntry} per tag that is (or recently was) locked, in a
 * {@link ConcurrentHashMap}, each entry under its own latch.
 *
 * <h2>Why this shape</h2>
 * The table used to be 16 partitions, each a {@code HashMap} under a {@code ReentrantLock}. Every
 * lock and release wrote a partition's lock word and map, so with threads locking distinct tuples
 * those cache lines moved between cores on every operation, and 8 threads on 2 cores did less than
 * one (0.65 of the one-thread figure; 64 partitions did not help). Here a request for a tag whose
 * entry exists only reads the map and writes the entry.
 *
 * <h2>Keeping unused entries</h2>
 * Removing an entry the moment it falls unused would put a map insert and a map remove (a bin of
 * the map's array and its size counter, both shared) back on every lock + release of a fresh tag.
 * So unused entries stay while the table holds at most {@link #retained} entries; past that, an entry
 * is removed when its last holder or waiter leaves. Memory stays bounded by {@code retained} unused
 * entries plus those in use.
 *
 * <h2>Removal against a concurrent acquirer</h2>
 * Removal happens under the entry's latch: the entry is marked dead, then removed from the map,
 * then unlatched. An acquirer latches the entry it found and checks {@code dead}; if set it looks
 * again, and since the removal happened before the latch was released, it now finds a newer entry
 * or none. A new entry is published already latched by its creator ({@code putIfAbsent}), so the
 * first grant on it cannot be overtaken either.
 *
 * <p>Lock order: nothing waits for an entry latch while holding another, except the deadlock
 * detector, of which one runs at a time. The map's own bin locks are taken under a latch (for
 * removal) but never the other way round: no map compute function runs our code.
 */
final class LockTable {
  /** Default number of entries kept in the table even when unused. */
  static final int DEFAULT_RETAINED = 16_384;

  final ConcurrentHashMap<LockTag, LockEntry> entries = new ConcurrentHashMap<>(256);
  private final int retained;

  LockTable(int retained) {
    this.retained = retained;
  }

  /** The live entry for {@code tag}, created if needed, latched by the caller. */
  LockEntry latched(LockTag tag) {
    return latched(tag, true);
  }

  /** The live entry for {@code tag} latched, or null when the table has none. */
  LockEntry latchedIfPresent(LockTag tag) {
    return latched(tag, false);
  }

  private LockEntry latched(LockTag tag, boolean create) {
    while (true) {
      LockEntry e = entries.get(tag);
      if (e == null) {
        if (!create) {
          return null;
        }
        LockEntry fresh = new LockEntry(tag);
        e = entries.putIfAbsent(tag, fresh);
        if (e == null) {
          return fresh;
        }
      }
      if (e.latchIfLive()) {
        return e;
      }
    }
  }

  /** Removes {@code e} if nobody holds or awaits it and the table is over its size. Caller holds the latch. */
  void dropIfUnused(LockEntry e) {
    if (e.isUnused() && !e.dead && entries.mappingCount() > retained) {
      e.dead = true;
      entries.remove(e.tag, e);
    }
  }

  /** Adds every entry's rows to {@code out}, latching one entry at a time. */
  void addRows(List<LockInfo> out) {
    for (LockEntry e : entries.values()) {
      e.latch();
      try {
        if (!e.dead) {
          e.addRows(out);
        }
      } finally {
        e.unlatch();
      }
    }
  }
}
