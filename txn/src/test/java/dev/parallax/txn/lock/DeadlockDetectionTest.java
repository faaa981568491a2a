package dev.parallax.txn.lock;

import static dev.parallax.txn.lock.LockTestSupport.async;
import static dev.parallax.txn.lock.LockTestSupport.awaitWaiting;
import static dev.parallax.txn.lock.LockTestSupport.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Cycles of waits: two and three owners on rows, a cycle through a soft edge (broken by reordering
 * the queue, nobody fails), and a cycle between a lock group and an outsider (the group is one
 * node). Each "session" here takes its rows' locks and, on a deadlock error, releases everything,
 * as an aborting transaction does.
 */
class DeadlockDetectionTest {
  private static final long DEADLOCK_TIMEOUT_MS = 300;
  private static final LockWait WAIT = LockWait.BLOCK.withDeadlockTimeout(DEADLOCK_TIMEOUT_MS);
  private static final LockMode FOR_UPDATE = RowLockStrength.FOR_UPDATE.tableMode();

  private final LockManager lm = new LockManager();

  private static LockTag row(int n) {
    return LockTag.tuple(5, 0, n);
  }

  /** Locks {@code tag} for {@code owner}; on failure releases all its locks (its abort) and rethrows. */
  private CompletableFuture<Boolean> session(LockOwner owner, LockTag tag, LockMode mode) {
    return async(owner.name(), () -> {
      try {
        return lm.acquire(owner, tag, mode, WAIT);
      } catch (RuntimeException e) {
        lm.releaseAll(owner);
        throw e;
      }
    });
  }

  @Test
  void twoSessionsOnTwoRowsExactlyOneFailsWithinTheTimeoutTheOtherProceeds() throws Exception {
    for (int round = 0; round < 3; round++) {
      LockOwner s1 = lm.newOwner("session 1");
      LockOwner s2 = lm.newOwner("session 2");
      lm.lock(s1, row(1), FOR_UPDATE);
      lm.lock(s2, row(2), FOR_UPDATE);
      CompletableFuture<Boolean> f1 = session(s1, row(2), FOR_UPDATE);
      awaitWaiting(s1);
      long closed = System.nanoTime();
      CompletableFuture<Boolean> f2 = session(s2, row(1), FOR_UPDATE);
      CompletableFuture.anyOf(f1, f2).handle((v, e) -> null).get(10, TimeUnit.SECONDS);
      long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed);
      Throwable e1 = failureOf(f1);
      Throwable e2 = failureOf(f2);
      assertTrue(e1 == null ^ e2 == null, "exactly one fails: " + e1 + " / " + e2);
      DeadlockDetectedException d = assertInstanceOf(DeadlockDetectedException.class, e1 != null ? e1 : e2);
      assertEquals(SqlState.DEADLOCK_DETECTED, d.sqlState());
      assertEquals(2, d.cycle().size(), d.getMessage());
      assertTrue(detectedMs < DEADLOCK_TIMEOUT_MS + 700, "detected after " + detectedMs + " ms");
      assertTrue(d.getMessage().contains("waits for AccessExclusiveLock on tuple (0,"), d.getMessage());
      LockOwner winner = e1 == null ? s1 : s2;
      assertTrue(lm.holds(winner, row(1), FOR_UPDATE) && lm.holds(winner, row(2), FOR_UPDATE), "the other proceeds");
      lm.retire(s1);
      lm.retire(s2);
      assertTrue(lm.isEmpty());
    }
  }

  @Test
  void aThreeSessionCycleFailsOneMember() throws Exception {
    List<LockOwner> s = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      s.add(lm.newOwner("session " + i));
      lm.lock(s.get(i), row(i), FOR_UPDATE);
    }
    List<CompletableFuture<Boolean>> f = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      f.add(session(s.get(i), row((i + 1) % 3), RowLockStrength.FOR_SHARE.tableMode()));
      if (i < 2) {
        awaitWaiting(s.get(i));
      }
    }
    int failed = 0;
    DeadlockDetectedException d = null;
    boolean[] settled = new boolean[3];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int left = 3; left > 0; ) {
      assertTrue(System.nanoTime() < deadline, "sessions hang");
      for (int i = 0; i < 3; i++) {
        if (!settled[i] && f.get(i).isDone()) {
          settled[i] = true;
          left--;
          Throwable e = failureOf(f.get(i));
          if (e != null) {
            failed++;
            d = assertInstanceOf(DeadlockDetectedException.class, e);
          } else {
            lm.releaseAll(s.get(i)); // a survivor commits, letting the next one in
          }
        }
      }
      Thread.sleep(1);
    }
    assertEquals(1, failed);
    assertNotNull(d);
    assertEquals(3, d.cycle().size(), d.getMessage());
    for (LockOwner o : s) {
      lm.retire(o);
    }
    assertTrue(lm.isEmpty());
  }

  /**
   * a holds ACCESS SHARE on R; b asks ACCESS EXCLUSIVE on R (waits for a); c holds row X and asks
   * ACCESS SHARE on R (queued behind b: a soft edge); a asks row X (waits for c). The cycle
   * a -> c -> b -> a runs through the soft edge c -> b: moving c ahead of b lets c in at once
   * (ACCESS SHARE is compatible with a's), c finishes and nobody gets an error.
   */
  @Test
  void aCycleThroughASoftEdgeIsBrokenByReorderingTheQueue() throws Exception {
    LockTag r = LockTag.relation(77);
    LockOwner a = lm.newOwner("a");
    LockOwner b = lm.newOwner("b");
    LockOwner c = lm.newOwner("c");
    lm.lock(a, r, LockMode.ACCESS_SHARE);
    lm.lock(c, row(9), FOR_UPDATE);
    CompletableFuture<Boolean> fb = session(b, r, LockMode.ACCESS_EXCLUSIVE);
    awaitWaiting(b);
    CompletableFuture<Boolean> fc = session(c, r, LockMode.ACCESS_SHARE);
    awaitWaiting(c);
    CompletableFuture<Boolean> fa = session(a, row(9), FOR_UPDATE);
    assertTrue(fc.get(10, TimeUnit.SECONDS), "c was moved ahead of b and granted");
    long detectorRuns = lm.stats().detectorRuns();
    assertTrue(detectorRuns >= 1);
    lm.releaseAll(c); // c commits
    assertTrue(fa.get(10, TimeUnit.SECONDS));
    lm.releaseAll(a);
    assertTrue(fb.get(10, TimeUnit.SECONDS));
    lm.releaseAll(b);
    assertEquals(0, lm.stats().deadlocks(), "nobody failed");
    assertTrue(lm.isEmpty());
  }

  @Test
  void aDeadlockBetweenALockGroupAndAnOutsiderTreatsTheGroupAsOneNode() throws Exception {
    LockOwner leader = lm.newOwner("leader");
    LockOwner worker = lm.newOwner("worker");
    LockOwner outsider = lm.newOwner("outsider");
    worker.joinGroup(leader);
    lm.lock(leader, row(1), FOR_UPDATE);
    lm.lock(outsider, row(2), FOR_UPDATE);
    // The worker waits for the outsider; the outsider for the leader. Neither member waits for the
    // other, so only the group-as-one-node view sees a cycle.
    CompletableFuture<Boolean> fw = session(worker, row(2), LockMode.SHARE);
    awaitWaiting(worker);
    CompletableFuture<Boolean> fo = session(outsider, row(1), LockMode.SHARE);
    CompletableFuture.anyOf(fw, fo).handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    boolean workerFailed = fw.isCompletedExceptionally();
    DeadlockDetectedException d = assertInstanceOf(DeadlockDetectedException.class,
        failureOf(workerFailed ? fw : fo));
    assertEquals(2, d.cycle().size(), d.getMessage());
    assertTrue(d.cycle().stream().anyMatch(e -> e.waiter().equals("worker") && e.waiterGroup().equals("leader")),
        d.getMessage());
    assertTrue(d.getMessage().contains("in the lock group of leader"), d.getMessage());
    if (workerFailed) {
      lm.retire(leader); // the leader's transaction ends, so the outsider gets row 1
      assertTrue(fo.get(10, TimeUnit.SECONDS));
    } else {
      assertTrue(fw.get(10, TimeUnit.SECONDS), "the outsider's abort lets the worker in");
      worker.leaveGroup();
      lm.retire(leader);
    }
    lm.retire(worker);
    lm.retire(outsider);
    assertTrue(lm.isEmpty());
  }

  @Test
  void membersOfOneGroupWaitingOnEachOtherAreNoDeadlock() throws Exception {
    LockOwner leader = lm.newOwner("leader");
    LockOwner worker = lm.newOwner("worker");
    LockOwner outsider = lm.newOwner("outsider");
    worker.joinGroup(leader);
    lm.lock(outsider, row(3), LockMode.SHARE);
    // The leader queues for row 3; the worker's compatible request is granted (group members do
    // not conflict), and the leader's wait only lasts until the outsider ends.
    CompletableFuture<Boolean> fl = session(leader, row(3), FOR_UPDATE);
    awaitWaiting(leader);
    Thread.sleep(DEADLOCK_TIMEOUT_MS * 2);
    assertTrue(!fl.isDone(), "still waiting, not failed");
    lm.retire(outsider);
    assertTrue(fl.get(10, TimeUnit.SECONDS));
    assertTrue(lm.acquire(worker, row(3), FOR_UPDATE, LockWait.NOWAIT), "the worker shares the leader's lock");
    lm.retire(worker);
    lm.retire(leader);
    assertEquals(0, lm.stats().deadlocks());
    assertTrue(lm.isEmpty());
  }
}
