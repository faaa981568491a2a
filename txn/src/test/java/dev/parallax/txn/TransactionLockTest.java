package dev.parallax.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.lock.DeadlockDetectedException;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transactions and the lock manager: id locks, waiting for a transaction, savepoints, release at end. */
class TransactionLockTest {
  private final StorageEngine storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(256));
  private final TransactionManager tm = new TransactionManager(storage);

  {
    storage.recover();
  }

  @AfterEach
  void close() {
    assertTrue(tm.locks().isEmpty(), () -> "locks left: " + tm.locks().locks());
    storage.close();
  }

  private Transaction rc() {
    return tm.begin(IsolationLevel.READ_COMMITTED, false);
  }

  private static CompletableFuture<Void> async(Runnable r) {
    return CompletableFuture.runAsync(r, runnable -> {
      Thread t = new Thread(runnable);
      t.setDaemon(true);
      t.start();
    });
  }

  private void awaitWaiting(Transaction t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tm.locks().locks().stream().noneMatch(i -> !i.granted() && i.owner().equals(t.lockOwner().name()))) {
      assertTrue(System.nanoTime() < deadline, t + " never waited");
      Thread.onSpinWait();
    }
  }

  @Test
  void everyAssignedIdIsExclusivelyLockedUntilTheTransactionEnds() {
    Transaction t = rc();
    assertEquals(0, t.lockOwner().heldCount(), "a reader holds no id lock");
    long xid = t.xidForWrite();
    assertTrue(tm.locks().holds(t.lockOwner(), LockTag.transaction(xid), LockMode.EXCLUSIVE));
    assertEquals("transaction " + xid, t.lockOwner().name());
    t.commit();
    assertTrue(tm.locks().locks().isEmpty());
  }

  @Test
  void waitingForATransactionEndsAtItsCommitOrAbort() throws Exception {
    for (boolean commit : new boolean[] {true, false}) {
      Transaction holder = rc();
      long xid = holder.xidForWrite();
      Transaction waiter = rc();
      CompletableFuture<Void> w = async(() -> tm.waitForEnd(waiter, xid));
      awaitWaiting(waiter);
      assertFalse(w.isDone());
      if (commit) {
        holder.commit();
      } else {
        holder.rollback();
      }
      w.get(10, TimeUnit.SECONDS);
      assertFalse(tm.status().isInProgress(xid));
      waiter.commit();
    }
  }

  @Test
  void aReleasedSavepointsIdIsWaitedForUntilTheTopEndsARolledBackOneAtOnce() throws Exception {
    Transaction holder = rc();
    holder.xidForWrite();
    holder.savepoint("s1");
    long sub1 = holder.xidForWrite();
    holder.releaseSavepoint("s1"); // sub1 now belongs to the top-level transaction
    holder.savepoint("s2");
    long sub2 = holder.xidForWrite();

    Transaction waiter = rc();
    CompletableFuture<Void> onSub2 = async(() -> tm.waitForEnd(waiter, sub2));
    awaitWaiting(waiter);
    holder.rollbackToSavepoint("s2");
    onSub2.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> onSub1 = async(() -> tm.waitForEnd(waiter, sub1));
    awaitWaiting(waiter);
    Thread.sleep(50);
    assertFalse(onSub1.isDone(), "a released savepoint's id ends with the top-level transaction");
    holder.commit();
    onSub1.get(10, TimeUnit.SECONDS);
    waiter.commit();
  }

  @Test
  void twoTransactionsWaitingForEachOtherAreADeadlockOneFails() throws Exception {
    Transaction a = rc();
    Transaction b = rc();
    long xa = a.xidForWrite();
    long xb = b.xidForWrite();
    a.setLockWait(LockWait.BLOCK.withDeadlockTimeout(100));
    b.setLockWait(LockWait.BLOCK.withDeadlockTimeout(100));
    CompletableFuture<Void> fa = async(() -> {
      try {
        tm.waitForEnd(a, xb);
      } finally {
        a.rollback();
      }
    });
    awaitWaiting(a);
    CompletableFuture<Void> fb = async(() -> {
      try {
        tm.waitForEnd(b, xa);
      } finally {
        b.rollback();
      }
    });
    Throwable ea = failure(fa);
    Throwable eb = failure(fb);
    assertTrue(ea == null ^ eb == null, "exactly one fails: " + ea + " / " + eb);
    DeadlockDetectedException d = assertInstanceOf(DeadlockDetectedException.class, ea != null ? ea : eb);
    long victim = ea != null ? xa : xb;
    long other = ea != null ? xb : xa;
    assertTrue(d.getMessage().contains("transaction " + victim + " waits for ShareLock on transaction " + other
        + "; blocked by transaction " + other), d.getMessage());
  }

  private static Throwable failure(CompletableFuture<Void> f) throws Exception {
    try {
      f.get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void waitForEndHonoursTheTransactionsLockTimeoutAndNowait() {
    Transaction holder = rc();
    long xid = holder.xidForWrite();
    Transaction waiter = rc();
    waiter.setLockWait(LockWait.BLOCK.withLockTimeout(50));
    DatabaseException e = assertThrows(DatabaseException.class, () -> tm.waitForEnd(waiter, xid));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, e.sqlState());
    assertFalse(tm.waitForEnd(waiter, xid, LockWait.SKIP_LOCKED));
    DatabaseException now = assertInstanceOf(DatabaseException.class,
        assertThrows(DatabaseException.class, () -> tm.waitForEnd(waiter, xid, LockWait.NOWAIT)));
    assertEquals(SqlState.LOCK_NOT_AVAILABLE, now.sqlState());
    holder.commit();
    assertTrue(tm.waitForEnd(waiter, xid, LockWait.NOWAIT), "an ended transaction is not waited for");
    waiter.commit();
  }

  @Test
  void locksTakenAfterASavepointGoAtRollbackToItOthersAtTheEnd() {
    Transaction t = rc();
    LockTag early = LockTag.relation(1);
    LockTag late = LockTag.relation(2);
    tm.locks().lock(t.lockOwner(), early, LockMode.ACCESS_EXCLUSIVE);
    t.savepoint("s");
    tm.locks().lock(t.lockOwner(), late, LockMode.ACCESS_EXCLUSIVE);
    t.rollbackToSavepoint("s");
    assertTrue(tm.locks().holds(t.lockOwner(), early, LockMode.ACCESS_EXCLUSIVE));
    assertFalse(tm.locks().holds(t.lockOwner(), late, LockMode.ACCESS_EXCLUSIVE));
    tm.locks().lock(t.lockOwner(), late, LockMode.ACCESS_EXCLUSIVE);
    t.releaseSavepoint("s");
    assertTrue(tm.locks().holds(t.lockOwner(), late, LockMode.ACCESS_EXCLUSIVE), "RELEASE keeps them");
    t.commit();
    assertTrue(tm.locks().locks().isEmpty(), "commit releases everything");
  }
}
