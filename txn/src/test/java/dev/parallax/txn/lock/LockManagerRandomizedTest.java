package dev.parallax.txn.lock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads take random locks in random order with random wait policies, cancel each other now
 * and then, and include a lock group of three. Checked:
 * <ul>
 *   <li>no thread hangs past the bound;
 *   <li>mutual exclusion: a shadow record of who holds what (added after a grant, removed before a
 *       release) never shows two conflicting holders from different groups;
 *   <li>every deadlock error names a real cycle in the lock table as the detector saw it: each
 *       edge's waiter was queued for that mode, its blocker held a conflicting mode (hard edge) or
 *       was queued ahead with one (soft edge), and the edges close a loop of groups;
 *   <li>the lock table is empty at the end.
 * </ul>
 */
class LockManagerRandomizedTest {
  private static final int THREADS = 8;
  private static final long RUN_MILLIS = 2_500;

  private final LockManager lm = new LockManager();
  // guarded by itself
  private final Map<LockTag, List<Object[]>> shadow = new HashMap<>();

  @Test
  void randomLocksInRandomOrderNeverHangNeverOverlapAndDeadlocksAreRealCycles() throws Exception {
    long seed = Long.getLong("parallax.test.seed", System.nanoTime());
    List<LockTag> tags = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      tags.add(LockTag.relation(100 + i));
    }
    for (int i = 0; i < 5; i++) {
      tags.add(LockTag.tuple(100, 0, i));
    }
    tags.add(LockTag.transaction(5000));
    tags.add(LockTag.object(1, 1));

    List<LockOwner> owners = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      owners.add(lm.newOwner("t" + t));
    }
    owners.get(1).joinGroup(owners.get(0));
    owners.get(2).joinGroup(owners.get(0));

    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong grants = new AtomicLong();
    AtomicLong deadlocks = new AtomicLong();
    AtomicLong refusals = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      LockOwner me = owners.get(t);
      Random rnd = new Random(seed * 31 + t);
      threads.add(new Thread(() -> {
        try {
          start.await();
          while (System.nanoTime() < end && failures.isEmpty()) {
            int n = 1 + rnd.nextInt(4);
            try {
              for (int k = 0; k < n; k++) {
                LockTag tag = tags.get(rnd.nextInt(tags.size()));
                LockMode mode = LockMode.values()[rnd.nextInt(8)];
                LockWait wait = switch (rnd.nextInt(10)) {
                  case 0 -> LockWait.NOWAIT;
                  case 1 -> LockWait.SKIP_LOCKED;
                  case 2 -> LockWait.BLOCK.withLockTimeout(30).withDeadlockTimeout(10);
                  default -> LockWait.BLOCK.withDeadlockTimeout(5 + rnd.nextInt(20));
                };
                boolean alreadyHeld = lm.holds(me, tag, mode);
                if (lm.acquire(me, tag, mode, wait)) {
                  grants.incrementAndGet();
                  if (!alreadyHeld) {
                    recordGrant(me, tag, mode, failures);
                  }
                } else {
                  refusals.incrementAndGet();
                }
                if (rnd.nextInt(50) == 0) {
                  owners.get(rnd.nextInt(THREADS)).cancel();
                }
              }
              if (rnd.nextInt(3) == 0) {
                Thread.sleep(0, rnd.nextInt(200_000));
              }
            } catch (DeadlockDetectedException d) {
              deadlocks.incrementAndGet();
              String problem = verifyCycle(d);
              if (problem != null) {
                failures.add(problem + "\n" + d.getMessage() + "\ntable: " + d.lockTableAtDetection());
              }
            } catch (DatabaseException e) {
              if (!e.sqlState().equals(SqlState.LOCK_NOT_AVAILABLE) && !e.sqlState().equals(SqlState.QUERY_CANCELED)) {
                throw e;
              }
              refusals.incrementAndGet();
            }
            forgetAll(me);
            lm.releaseAll(me);
          }
        } catch (Throwable e) {
          failures.add(me.name() + ": " + e);
        }
      }, "locker-" + t));
    }
    LockTestSupport.runToEnd(lm, threads, start, failures, owners, seed);
    assertTrue(grants.get() > 1000, "too little work: " + grants.get());
    assertTrue(lm.stats().waits() > 0, "nobody ever waited");
    assertTrue(deadlocks.get() > 0, "random lock orders never deadlocked: the cycle checks ran on nothing");
    System.out.printf("randomized locks: seed %d, %d grants, %d refusals, %d deadlocks, %s%n", seed, grants.get(),
        refusals.get(), deadlocks.get(), lm.stats());
  }

  private void recordGrant(LockOwner me, LockTag tag, LockMode mode, ConcurrentLinkedQueue<String> failures) {
    synchronized (shadow) {
      List<Object[]> holders = shadow.computeIfAbsent(tag, k -> new ArrayList<>());
      for (Object[] h : holders) {
        LockOwner other = (LockOwner) h[0];
        LockMode held = (LockMode) h[1];
        if (other.leader() != me.leader() && held.conflictsWith(mode)) {
          failures.add(me.name() + " granted " + mode + " on " + tag + " while " + other.name() + " holds " + held);
        }
      }
      holders.add(new Object[] {me, mode});
    }
  }

  private void forgetAll(LockOwner me) {
    synchronized (shadow) {
      for (List<Object[]> holders : shadow.values()) {
        holders.removeIf(h -> h[0] == me);
      }
    }
  }

  /** Null when the exception's cycle is real in its own lock-table picture, else what is wrong. */
  static String verifyCycle(DeadlockDetectedException d) {
    List<WaitEdge> cycle = d.cycle();
    List<LockInfo> table = d.lockTableAtDetection();
    if (cycle.size() < 2) {
      return "a cycle needs two groups";
    }
    for (int i = 0; i < cycle.size(); i++) {
      WaitEdge e = cycle.get(i);
      WaitEdge next = cycle.get((i + 1) % cycle.size());
      if (!e.blocker().equals(next.waiterGroup())) {
        return "edge " + i + " is blocked by " + e.blocker() + " but the next edge starts at " + next.waiterGroup();
      }
      if (e.blocker().equals(e.waiterGroup())) {
        return "edge " + i + " waits on its own group";
      }
      int waiterRow = -1;
      for (int r = 0; r < table.size(); r++) {
        LockInfo x = table.get(r);
        if (!x.granted() && x.tag().equals(e.tag()) && x.owner().equals(e.waiter()) && x.mode() == e.mode()) {
          waiterRow = r;
        }
      }
      if (waiterRow < 0) {
        return "edge " + i + ": " + e.waiter() + " was not waiting for " + e.mode() + " on " + e.tag();
      }
      boolean blocked = false;
      for (int r = 0; r < table.size(); r++) {
        LockInfo x = table.get(r);
        if (!x.tag().equals(e.tag()) || !x.groupLeader().equals(e.blocker()) || !x.mode().conflictsWith(e.mode())) {
          continue;
        }
        if (e.soft() ? !x.granted() && r < waiterRow : x.granted()) {
          blocked = true;
        }
      }
      if (!blocked) {
        return "edge " + i + ": " + e.blocker() + " did not block " + e.waiter() + (e.soft() ? " (soft)" : " (hard)");
      }
    }
    return null;
  }
}
