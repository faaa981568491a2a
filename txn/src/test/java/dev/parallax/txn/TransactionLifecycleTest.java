package dev.parallax.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class TransactionLifecycleTest {
  private final StorageEngine storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(256));
  private final TransactionManager tm = new TransactionManager(storage);

  {
    storage.recover();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private Transaction rc() {
    return tm.begin(IsolationLevel.READ_COMMITTED, false);
  }

  private static void assertState(String state, Executable e) {
    DatabaseException x = assertThrows(DatabaseException.class, e);
    assertEquals(state, x.sqlState(), x.getMessage());
  }

  @Test
  void idsAreAssignedOnFirstWriteOnly() {
    Transaction t = rc();
    t.startStatement();
    assertEquals(0, t.topXid(), "reading assigns no id");
    long x = t.xidForWrite();
    assertTrue(Xids.isNormal(x));
    assertEquals(x, t.xidForWrite(), "same id for later writes");
    assertEquals(x, t.topXid());
    assertTrue(t.isCurrentXid(x));
    Transaction ro = tm.begin(IsolationLevel.READ_COMMITTED, true);
    assertState(SqlState.READ_ONLY_TRANSACTION, ro::xidForWrite);
    assertEquals(0, ro.topXid());
    ro.commit();
    t.commit();
    assertState(SqlState.NO_ACTIVE_TRANSACTION, t::xidForWrite);
    assertState(SqlState.NO_ACTIVE_TRANSACTION, t::startStatement);
    assertEquals(0, tm.runningCount());
  }

  @Test
  void commitAndAbortAreRecorded() {
    Transaction a = rc();
    long xa = a.xidForWrite();
    Transaction b = rc();
    long xb = b.xidForWrite();
    TransactionStatus s = tm.status();
    assertTrue(s.isInProgress(xa));
    assertFalse(s.didCommit(xa));
    a.commit();
    b.rollback();
    assertFalse(s.isInProgress(xa));
    assertTrue(s.didCommit(xa));
    assertTrue(s.didAbort(xb));
    assertFalse(s.didCommit(xb));
  }

  @Test
  void savepointsNestRollBackAndRelease() {
    Transaction t = rc();
    long top = t.xidForWrite();
    t.savepoint("a");
    long subA = t.xidForWrite();
    assertNotEquals(top, subA);
    t.savepoint("b");
    long subB = t.xidForWrite();
    assertEquals(2, t.savepointDepth());
    assertEquals(top, tm.topXidOf(subB), "a child's top-level parent is recorded");
    t.rollbackToSavepoint("b"); // undoes b's work, keeps savepoint b
    assertFalse(t.isCurrentXid(subB));
    assertTrue(tm.status().didAbort(subB));
    assertTrue(t.isCurrentXid(subA));
    long subB2 = t.xidForWrite();
    assertNotEquals(subB, subB2, "new work after rollback-to gets a new id");
    t.releaseSavepoint("a"); // releases a and b: their work joins the parent
    assertEquals(0, t.savepointDepth());
    assertTrue(t.isCurrentXid(subA));
    assertTrue(t.isCurrentXid(subB2));
    assertTrue(tm.status().isInProgress(subA), "sub-committed ids run until the top commits");
    assertFalse(tm.status().didCommit(subA));
    assertState(SqlState.INVALID_SAVEPOINT, () -> t.rollbackToSavepoint("nope"));
    assertState(SqlState.INVALID_SAVEPOINT, () -> t.releaseSavepoint("a"));
    t.commit();
    for (long x : new long[] {top, subA, subB2}) {
      assertTrue(tm.status().didCommit(x), "committed with the top: " + x);
    }
    assertTrue(tm.status().didAbort(subB));
  }

  @Test
  void rollbackOfTheTopAbortsSubCommittedChildren() {
    Transaction t = rc();
    t.xidForWrite();
    t.savepoint("s");
    long sub = t.xidForWrite();
    t.releaseSavepoint("s");
    t.rollback();
    assertTrue(tm.status().didAbort(sub));
  }

  @Test
  void snapshotsListOthersRunningIdsIncludingSubIdsButNotOwn() {
    Transaction other = rc();
    long otherTop = other.xidForWrite();
    other.savepoint("s");
    long otherSub = other.xidForWrite();
    Transaction me = rc();
    long mine = me.xidForWrite();
    Snapshot s = me.startStatement();
    assertArrayEquals(new long[] {otherTop, otherSub}, s.inProgress());
    assertEquals(otherTop, s.xmin());
    assertEquals(tm.nextXid(), s.xmax());
    assertTrue(s.isRunning(otherSub));
    assertFalse(Arrays.stream(s.inProgress()).anyMatch(x -> x == mine));
    me.commandCounterIncrement();
    assertEquals(1, me.startStatement().commandId());
    other.commit();
    me.commit();
  }

  @Test
  void readCommittedTakesANewSnapshotPerStatementRepeatableReadKeepsItsFirst() {
    Transaction rc = rc();
    Transaction rr = tm.begin(IsolationLevel.REPEATABLE_READ, false);
    Snapshot rc1 = rc.startStatement();
    Snapshot rr1 = rr.startStatement();
    Transaction w = rc();
    long x = w.xidForWrite();
    w.commit();
    Snapshot rc2 = rc.startStatement();
    Snapshot rr2 = rr.startStatement();
    assertTrue(rc1.isRunning(x));
    assertFalse(rc2.isRunning(x), "READ COMMITTED sees the commit at its next statement");
    assertTrue(rr2.isRunning(x), "REPEATABLE READ keeps its snapshot");
    assertEquals(rr1.xmax(), rr2.xmax());
    rc.commit();
    rr.commit();
  }

  @Test
  void oldestXminHoldsBackForRunningSnapshots() {
    Transaction reader = tm.begin(IsolationLevel.REPEATABLE_READ, true);
    Snapshot s = reader.startStatement();
    for (int i = 0; i < 5; i++) {
      Transaction w = rc();
      w.xidForWrite();
      w.commit();
    }
    assertTrue(tm.oldestXmin() <= s.xmin());
    reader.commit();
    assertEquals(tm.nextXid(), tm.oldestXmin());
  }

  /**
   * A latest-state snapshot taken before any statement snapshot must hold back vacuum too: a
   * writer that reads through it and then updates by tid would otherwise act on a slot vacuum
   * emptied and reused (found by the heap transfer test as lost updates and hung writers).
   */
  @Test
  void latestSnapshotHoldsBackTheHorizonWithoutAStatementSnapshot() {
    Transaction running = rc();
    long old = running.xidForWrite();
    Transaction writer = rc();
    Snapshot latest = writer.latestSnapshot();
    assertTrue(latest.isRunning(old));
    running.commit();
    for (int i = 0; i < 3; i++) {
      Transaction w = rc();
      w.xidForWrite();
      w.commit();
    }
    assertTrue(tm.oldestXmin() <= old, "the horizon passed a transaction the snapshot sees as running");
    Snapshot statement = writer.startStatement();
    assertEquals(statement.xmin(), tm.oldestXmin(), "a statement snapshot replaces the horizon");
    writer.commit();
  }

  @Test
  void waitForEndReturnsAtCommitAndAtAbort() throws Exception {
    for (boolean commit : new boolean[] {true, false}) {
      Transaction holder = rc();
      long x = holder.xidForWrite();
      CountDownLatch waiting = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread waiter = new Thread(() -> {
        try {
          waiting.countDown();
          tm.waitForEnd(x);
          done.countDown();
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      waiter.start();
      assertTrue(waiting.await(5, TimeUnit.SECONDS));
      assertFalse(done.await(100, TimeUnit.MILLISECONDS), "the waiter must block while the holder runs");
      if (commit) {
        holder.commit();
      } else {
        holder.rollback();
      }
      assertTrue(done.await(5, TimeUnit.SECONDS), "released at " + (commit ? "commit" : "abort"));
      waiter.join();
      assertEquals(null, failure.get());
      tm.waitForEnd(x); // already ended: returns at once
    }
  }

  @Test
  void aWorkerRestoredFromTheLeaderAnswersLikeTheLeader() {
    Transaction leader = rc();
    long top = leader.xidForWrite();
    leader.savepoint("s");
    long sub = leader.xidForWrite();
    leader.commandCounterIncrement();
    leader.commandCounterIncrement();
    int combo = leader.comboCommandIds().combine(0, 1);
    CurrentTransaction worker = tm.restoreForWorker(leader.exportState());
    for (long x : new long[] {top, sub, top + 100, 0}) {
      assertEquals(leader.isCurrentXid(x), worker.isCurrentXid(x), "xid " + x);
    }
    assertEquals(leader.commandId(), worker.commandId());
    assertEquals(0, worker.comboCommandIds().cmin(combo));
    assertEquals(1, worker.comboCommandIds().cmax(combo));
    assertEquals(leader.isolation(), worker.isolation());
    assertState(SqlState.INVALID_TRANSACTION_STATE, worker::xidForWrite);
    leader.commit();
  }

  @Test
  void comboCommandIdsAreSharedPerPairAndSurviveExport() {
    ComboCommandIds c = new ComboCommandIds();
    int a = c.combine(1, 4);
    int b = c.combine(2, 4);
    assertEquals(a, c.combine(1, 4), "the same pair reuses its combo id");
    assertNotEquals(a, b);
    ComboCommandIds copy = ComboCommandIds.importFrom(c.export());
    assertEquals(c.size(), copy.size());
    assertEquals(1, copy.cmin(a));
    assertEquals(4, copy.cmax(a));
    assertEquals(2, copy.cmin(b));
    assertThrows(IllegalStateException.class, () -> copy.cmin(99));
  }
}
