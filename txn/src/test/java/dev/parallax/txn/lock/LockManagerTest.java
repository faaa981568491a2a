package dev.parallax.txn.lock;

import static dev.parallax.txn.lock.LockTestSupport.async;
import static dev.parallax.txn.lock.LockTestSupport.awaitWaiting;
import static dev.parallax.txn.lock.LockTestSupport.failureOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Holding, releasing, queueing, the fast path, lock groups, NOWAIT / SKIP LOCKED, timeouts, cancel. */
class LockManagerTest {
  private static final LockTag REL = LockTag.relation(42);
  private static final LockTag ROW = LockTag.tuple(42, 3, 7);

  private final LockManager lm = new LockManager();
  private final LockOwner a = lm.newOwner("a");
  private final LockOwner b = lm.newOwner("b");
  private final LockOwner c = lm.newOwner("c");

  @AfterEach
  void tableIsEmptyAfterEveryoneReleases() {
    for (LockOwner o : List.of(a, b, c)) {
      lm.releaseAll(o);
    }
    assertTrue(lm.isEmpty(), () -> "left over: " + lm.locks());
  }

  private List<LockInfo> rows(LockTag tag) {
    return lm.locks().stream().filter(i -> i.tag().equals(tag)).toList();
  }

  @Test
  void locksAreCountedPerOwnerAndGoWithTheLastRelease() {
    lm.lock(a, ROW, LockMode.EXCLUSIVE);
    lm.lock(a, ROW, LockMode.EXCLUSIVE);
    lm.release(a, ROW, LockMode.EXCLUSIVE);
    assertFalse(lm.acquire(b, ROW, LockMode.SHARE, LockWait.SKIP_LOCKED), "still held once");
    lm.release(a, ROW, LockMode.EXCLUSIVE);
    assertTrue(lm.acquire(b, ROW, LockMode.SHARE, LockWait.SKIP_LOCKED));
    assertThrows(IllegalStateException.class, () -> lm.release(a, ROW, LockMode.EXCLUSIVE));
  }

  @Test
  void weakRelationLocksStayInTheFastPathUntilAStrongRequestMovesThem() throws Exception {
    lm.lock(a, REL, LockMode.ROW_EXCLUSIVE);
    lm.lock(b, REL, LockMode.ACCESS_SHARE);
    assertTrue(rows(REL).stream().allMatch(LockInfo::fastPath), "weak locks are fast-path: " + rows(REL));
    assertEquals(2, rows(REL).size());

    CompletableFuture<Boolean> strong = async("c", () -> lm.acquire(c, REL, LockMode.SHARE, LockWait.BLOCK));
    awaitWaiting(c);
    List<LockInfo> moved = rows(REL);
    assertTrue(moved.stream().noneMatch(LockInfo::fastPath), "moved to the table: " + moved);
    assertTrue(moved.stream().anyMatch(i -> i.owner().equals("c") && !i.granted()));
    // With a strong request around, new weak requests go to the table (ROW SHARE does not conflict
    // with the queued SHARE, so it is granted there).
    assertTrue(lm.acquire(b, REL, LockMode.ROW_SHARE, LockWait.NOWAIT));
    assertTrue(rows(REL).stream().noneMatch(LockInfo::fastPath), "no fast path while a strong lock is requested");
    assertFalse(strong.isDone(), "a's ROW EXCLUSIVE blocks SHARE");
    lm.releaseAll(a);
    assertTrue(strong.get(10, TimeUnit.SECONDS), "b's weak locks do not conflict with SHARE");
    lm.releaseAll(b);
    lm.releaseAll(c);
    lm.lock(a, REL, LockMode.ROW_EXCLUSIVE);
    assertTrue(rows(REL).get(0).fastPath(), "fast path again once the strong lock is gone");
  }

  @Test
  void aQueuedAccessExclusiveIsNotStarvedByLaterReaders() throws Exception {
    lm.lock(a, REL, LockMode.ACCESS_SHARE);
    CompletableFuture<Boolean> exclusive = async("b", () -> lm.acquire(b, REL, LockMode.ACCESS_EXCLUSIVE, LockWait.BLOCK));
    awaitWaiting(b);
    CompletableFuture<Boolean> reader = async("c", () -> lm.acquire(c, REL, LockMode.ACCESS_SHARE, LockWait.BLOCK));
    awaitWaiting(c);
    assertFalse(reader.isDone(), "a reader arriving after the ACCESS EXCLUSIVE waiter queues behind it");
    lm.releaseAll(a);
    assertTrue(exclusive.get(10, TimeUnit.SECONDS));
    Thread.sleep(20);
    assertFalse(reader.isDone());
    lm.releaseAll(b);
    assertTrue(reader.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aHolderThatBlocksAWaiterIsGrantedAheadOfItWhenNothingElseStandsInTheWay() throws Exception {
    lm.lock(a, REL, LockMode.ACCESS_SHARE);
    CompletableFuture<Boolean> exclusive = async("b", () -> lm.acquire(b, REL, LockMode.ACCESS_EXCLUSIVE, LockWait.BLOCK));
    awaitWaiting(b);
    // a already blocks b; making a wait behind b would deadlock, so ROW SHARE is granted at once.
    // (NOWAIT would still fail, as in PostgreSQL: the queue jump happens only for a request that
    // would otherwise wait.) Well under the deadlock timeout, so no detector is involved.
    assertTrue(lm.acquire(a, REL, LockMode.ROW_SHARE, LockWait.BLOCK.withLockTimeout(300)));
    lm.releaseAll(a);
    assertTrue(exclusive.get(10, TimeUnit.SECONDS));
  }

  @Test
  void twoHoldersUpgradingAtOnceIsAnImmediateDeadlock() throws Exception {
    lm.lock(a, REL, LockMode.ACCESS_SHARE);
    lm.lock(b, REL, LockMode.ACCESS_SHARE);
    CompletableFuture<Boolean> bUpgrade = async("b", () -> lm.acquire(b, REL, LockMode.ACCESS_EXCLUSIVE, LockWait.BLOCK));
    awaitWaiting(b);
    DeadlockDetectedException e = assertThrows(DeadlockDetectedException.class,
        () -> lm.lock(a, REL, LockMode.ACCESS_EXCLUSIVE));
    assertEquals(SqlState.DEADLOCK_DETECTED, e.sqlState());
    assertTrue(e.getMessage().contains("a waits for AccessExclusiveLock on relation 42; blocked by b"), e.getMessage());
    lm.releaseAll(a);
    assertTrue(bUpgrade.get(10, TimeUnit.SECONDS));
  }

  @Test
  void groupMembersShareTheLeadersLocksOutsidersWait() throws Exception {
    LockOwner worker = lm.newOwner("worker");
    worker.joinGroup(a);
    lm.lock(a, REL, LockMode.ACCESS_EXCLUSIVE);
    assertTrue(lm.acquire(worker, REL, LockMode.ACCESS_SHARE, LockWait.NOWAIT), "a member is granted at once");
    assertTrue(lm.acquire(worker, ROW, LockMode.EXCLUSIVE, LockWait.NOWAIT));
    assertTrue(lm.acquire(a, ROW, LockMode.EXCLUSIVE, LockWait.NOWAIT), "and the leader the member's");
    DatabaseException outsider = assertThrows(DatabaseException.class,
        () -> lm.acquire(b, REL, LockMode.ACCESS_SHARE, LockWait.NOWAIT));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, outsider.sqlState());
    CompletableFuture<Boolean> waits = async("b", () -> lm.acquire(b, REL, LockMode.ACCESS_SHARE, LockWait.BLOCK));
    awaitWaiting(b);
    assertTrue(rows(REL).stream().anyMatch(i -> i.owner().equals("worker") && i.groupLeader().equals("a")));

    worker.leaveGroup();
    assertEquals(0, worker.heldCount(), "a member that leaves releases its own locks");
    assertEquals(worker, worker.leader());
    assertFalse(waits.isDone(), "the leader's ACCESS EXCLUSIVE is still held");
    lm.releaseAll(a);
    assertTrue(waits.get(10, TimeUnit.SECONDS));
    lm.retire(worker);
  }

  @Test
  void nowaitFailsAtOnceAndSkipLockedSkips() {
    lm.lock(a, ROW, RowLockStrength.FOR_UPDATE.tableMode());
    long t0 = System.nanoTime();
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> lm.acquire(b, ROW, RowLockStrength.FOR_KEY_SHARE.tableMode(), LockWait.NOWAIT));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
    assertTrue(e.getMessage().contains("tuple (3,7) of relation 42"), e.getMessage());
    assertFalse(lm.acquire(b, ROW, RowLockStrength.FOR_KEY_SHARE.tableMode(), LockWait.SKIP_LOCKED));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "neither waited");
    assertEquals(1, rows(ROW).size(), "failed requests leave nothing behind");
  }

  @Test
  void lockTimeoutEndsTheWaitWith55P03AndLeavesTheQueue() {
    lm.lock(a, ROW, LockMode.EXCLUSIVE);
    long t0 = System.nanoTime();
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> lm.acquire(b, ROW, LockMode.SHARE, LockWait.BLOCK.withLockTimeout(150)));
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
    assertTrue(e.getMessage().contains("lock timeout"), e.getMessage());
    assertTrue(waited >= 150 && waited < 5_000, "waited " + waited + " ms");
    assertEquals(1, rows(ROW).size(), "the waiter left the queue");
    assertEquals(1, lm.stats().lockTimeouts());
  }

  @Test
  void statementDeadlineEndsTheWaitWith57014() {
    lm.lock(a, ROW, LockMode.EXCLUSIVE);
    LockWait wait = LockWait.BLOCK.withStatementDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
    DatabaseException e = assertThrows(DatabaseException.class, () -> lm.acquire(b, ROW, LockMode.SHARE, wait));
    assertEquals(SqlState.QUERY_CANCELED, e.sqlState());
    assertTrue(e.getMessage().contains("statement timeout"), e.getMessage());
  }

  @Test
  void cancelFromAnotherThreadEndsTheWaitAndOthersMoveUp() throws Exception {
    lm.lock(a, ROW, LockMode.EXCLUSIVE);
    CompletableFuture<Boolean> bWaits = async("b", () -> lm.acquire(b, ROW, LockMode.EXCLUSIVE, LockWait.BLOCK));
    awaitWaiting(b);
    CompletableFuture<Boolean> cWaits = async("c", () -> lm.acquire(c, ROW, LockMode.SHARE, LockWait.BLOCK));
    awaitWaiting(c);
    assertFalse(a.cancel(), "a is not waiting");
    assertTrue(b.cancel());
    Throwable e = failureOf(bWaits);
    assertInstanceOf(DatabaseException.class, e);
    assertEquals(SqlState.QUERY_CANCELED, ((DatabaseException) e).sqlState());
    assertNull(b.waiting);
    lm.releaseAll(a);
    assertTrue(cWaits.get(10, TimeUnit.SECONDS), "c, queued behind the cancelled b, gets the lock");
    assertTrue(lm.acquire(b, LockTag.tuple(1, 1, 1), LockMode.EXCLUSIVE, LockWait.NOWAIT), "b is usable after cancel");
  }

  @Test
  void transactionIdLocksMakeWaitingForATransactionASharedRequest() throws Exception {
    LockTag xid = LockTag.transaction(1234);
    lm.lock(a, xid, LockMode.EXCLUSIVE);
    CompletableFuture<Boolean> b1 = async("b", () -> {
      lm.lock(b, xid, LockMode.SHARE);
      lm.release(b, xid, LockMode.SHARE);
      return true;
    });
    CompletableFuture<Boolean> c1 = async("c", () -> {
      lm.lock(c, xid, LockMode.SHARE);
      lm.release(c, xid, LockMode.SHARE);
      return true;
    });
    awaitWaiting(b);
    awaitWaiting(c);
    lm.releaseAll(a);
    assertTrue(b1.get(10, TimeUnit.SECONDS));
    assertTrue(c1.get(10, TimeUnit.SECONDS));
  }

  @Test
  void rollbackToASavepointReleasesOnlyLocksTakenAfterIt() {
    LockTag before = LockTag.tuple(1, 0, 1);
    LockTag inside = LockTag.tuple(1, 0, 2);
    LockTag nested = LockTag.tuple(1, 0, 3);
    lm.lock(a, before, LockMode.EXCLUSIVE);
    a.enterLevel(1);
    lm.lock(a, inside, LockMode.EXCLUSIVE);
    lm.lock(a, before, LockMode.EXCLUSIVE); // held since level 0: stays
    a.enterLevel(2);
    lm.lock(a, nested, LockMode.EXCLUSIVE);
    a.mergeIntoParent(2); // RELEASE the inner savepoint: nested now belongs to level 1
    assertEquals(1, a.level());
    a.releaseFromLevel(1); // ROLLBACK TO the outer one
    assertTrue(lm.holds(a, before, LockMode.EXCLUSIVE));
    assertFalse(lm.holds(a, inside, LockMode.EXCLUSIVE));
    assertFalse(lm.holds(a, nested, LockMode.EXCLUSIVE));
    assertTrue(lm.acquire(b, inside, LockMode.EXCLUSIVE, LockWait.NOWAIT));
    assertTrue(lm.acquire(b, nested, LockMode.EXCLUSIVE, LockWait.NOWAIT));
    assertFalse(lm.acquire(b, before, LockMode.EXCLUSIVE, LockWait.SKIP_LOCKED));
  }

  @Test
  void strongLocksOnManyRelationsAndFullFastPathSlotsStillWork() {
    for (int r = 0; r < 40; r++) {
      lm.lock(a, LockTag.relation(1000 + r), LockMode.ROW_EXCLUSIVE);
    }
    long fast = lm.locks().stream().filter(LockInfo::fastPath).count();
    assertEquals(LockOwner.FAST_PATH_SLOTS, fast, "slots full, the rest in the table");
    for (int r = 0; r < 40; r++) {
      assertFalse(lm.acquire(b, LockTag.relation(1000 + r), LockMode.EXCLUSIVE, LockWait.SKIP_LOCKED), "relation " + r);
    }
    lm.releaseAll(a);
    for (int r = 0; r < 40; r++) {
      assertTrue(lm.acquire(b, LockTag.relation(1000 + r), LockMode.EXCLUSIVE, LockWait.NOWAIT));
    }
  }
}
