package dev.parallax.txn.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The race the per-entry table introduces: an entry that falls unused is removed from the table
 * (under its latch, marked dead) while another thread has just found it in the map and is about to
 * latch it and be granted. If the acquirer did not re-check {@code dead}, it would be granted on an
 * entry that no longer is in the table, and a third thread creating a fresh entry for the same tag
 * would be granted a conflicting mode beside it.
 *
 * <p>Many threads hammer three tags with EXCLUSIVE and SHARE requests (mostly blocking, some
 * NOWAIT, SKIP LOCKED or with a short lock timeout, so that refused requests remove entries too),
 * each holding one lock at a time, with a table that keeps no unused entries (every last release
 * removes the entry) or only two (removal switches on and off as the table grows and shrinks).
 * Checked: shadow counters of writers and readers per tag never show a writer beside anyone; every
 * grant went to the entry the table holds for the tag; no deadlock is reported (nobody holds two
 * locks); the table is empty at the end.
 */
class EntryRemovalRaceTest {
  private static final int THREADS = 8;
  private static final long RUN_MILLIS = 1_500;

  @ParameterizedTest(name = "keeping {0} unused entries")
  @ValueSource(ints = {0, 2})
  void removingUnusedEntriesNeverLetsTwoConflictingHoldersIn(int retained) throws Exception {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    LockManager lm = new LockManager(retained);
    List<LockTag> tags = List.of(LockTag.tuple(7, 0, 1), LockTag.tuple(7, 0, 2), LockTag.transaction(99));
    AtomicInteger[] writers = new AtomicInteger[tags.size()];
    AtomicInteger[] readers = new AtomicInteger[tags.size()];
    for (int i = 0; i < tags.size(); i++) {
      writers[i] = new AtomicInteger();
      readers[i] = new AtomicInteger();
    }
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong grants = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    List<LockOwner> owners = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      LockOwner me = lm.newOwner("t" + t);
      owners.add(me);
      Random rnd = new Random(seed * 31 + t);
      threads.add(new Thread(() -> {
        try {
          start.await();
          while (System.nanoTime() < end && failures.isEmpty()) {
            int i = rnd.nextInt(tags.size());
            LockTag tag = tags.get(i);
            boolean write = rnd.nextInt(3) > 0;
            LockMode mode = write ? LockMode.EXCLUSIVE : LockMode.SHARE;
            LockWait wait = switch (rnd.nextInt(8)) {
              case 0 -> LockWait.NOWAIT;
              case 1 -> LockWait.SKIP_LOCKED;
              case 2 -> LockWait.BLOCK.withLockTimeout(1);
              default -> LockWait.BLOCK;
            };
            boolean held;
            try {
              held = lm.acquire(me, tag, mode, wait);
            } catch (DatabaseException e) {
              if (!e.sqlState().equals(SqlState.LOCK_NOT_AVAILABLE)) {
                throw e;
              }
              held = false;
            }
            if (!held) {
              continue;
            }
            grants.incrementAndGet();
            checkGrantedOnTheLiveEntry(lm, me, tag, failures);
            int w = write ? writers[i].incrementAndGet() : writers[i].get();
            int r = write ? readers[i].get() : readers[i].incrementAndGet();
            if (write ? w != 1 || r != 0 : w != 0) {
              failures.add(me.name() + " got " + mode + " on " + tag + " beside " + w + " writers, " + r + " readers");
            }
            if (rnd.nextInt(4) == 0) {
              Thread.onSpinWait();
            }
            (write ? writers[i] : readers[i]).decrementAndGet();
            lm.release(me, tag, mode);
          }
        } catch (Throwable e) {
          failures.add(me.name() + ": " + e);
        }
      }, "hammer-" + t));
    }
    LockTestSupport.runToEnd(lm, threads, start, failures, owners, seed);
    assertTrue(lm.table.entries.size() <= retained, "unused entries kept: " + lm.table.entries.keySet());
    assertTrue(grants.get() > 1000, "too little work: " + grants.get());
    assertTrue(lm.stats().waits() > 0, "nobody ever waited");
    assertEquals(0, lm.stats().deadlocks(), "one lock per owner cannot deadlock");
  }

  /** The entry {@code me} was granted on is live and is the one the table maps {@code tag} to. */
  private static void checkGrantedOnTheLiveEntry(LockManager lm, LockOwner me, LockTag tag,
      ConcurrentLinkedQueue<String> failures) {
    LockEntry e = me.local.get(tag).entry;
    e.latch();
    try {
      if (e.dead || e.heldBy(me) == 0 || lm.table.entries.get(tag) != e) {
        failures.add(me.name() + " was granted " + tag + " on an entry that is not the table's (dead " + e.dead + ")");
      }
    } finally {
      e.unlatch();
    }
  }
}
