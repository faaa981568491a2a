package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeapVacuumTest {
  private final HeapFixture f = new HeapFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private int count() {
    Transaction t = f.rc();
    HeapScan s = f.heap.scan(REL, t.startStatement(), t);
    int n = 0;
    while (s.hasNext()) {
      s.next();
      n++;
    }
    t.commit();
    return n;
  }

  /**
   * Deletes still running while vacuum passes cannot be removed; the table must stay a candidate
   * so that a later vacuum removes them (autovacuum otherwise stalled below its threshold).
   */
  @Test
  void deletesInProgressDuringVacuumKeepTheTableACandidate() {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "row " + i)));
    }
    t.commit();
    Transaction d = f.rc();
    for (int i = 0; i < 600; i++) {
      f.heap.delete(REL, tids.get(i), d);
    }
    VacuumStats during = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(0, during.removedVersions());
    assertEquals(600, during.deadKept());
    for (int i = 600; i < 700; i++) {
      f.heap.delete(REL, tids.get(i), d);
    }
    d.commit();
    assertEquals(0.7, f.heap.deadFraction(REL), 0.0001, "kept and later deletes both count");
    VacuumStats after = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(700, after.removedVersions());
    assertEquals(0, after.deadKept());
    assertEquals(0.0, f.heap.deadFraction(REL));
  }

  @Test
  void deadVersionsAreRemovedAndTheirSpaceReused() {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "row " + i + " ".repeat(60))));
    }
    t.commit();
    int blocks = f.storage.bufferPool().blockCount(REL);
    assertTrue(blocks > 10);
    Transaction d = f.rc();
    for (int i = 0; i < 1500; i++) {
      assertEquals(HeapResult.Code.OK, f.heap.delete(REL, tids.get(i), d).code());
    }
    d.commit();
    assertTrue(f.heap.deadFraction(REL) > 0.5, "deletes raise the dead fraction");

    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(1500, stats.removedVersions());
    assertEquals(500, stats.liveVersions());
    assertEquals(500, stats.frozenVersions());
    assertEquals(Long.MAX_VALUE, stats.oldestUnfrozenXid(), "every kept version is frozen");
    assertEquals(0.0, f.heap.deadFraction(REL));
    assertEquals(500, count());

    Transaction again = f.rc();
    for (int i = 0; i < 1400; i++) {
      f.heap.insert(REL, again, row(i, "new " + i + " ".repeat(60)));
    }
    again.commit();
    assertEquals(blocks, f.storage.bufferPool().blockCount(REL), "inserts reuse the freed space");
    assertEquals(1900, count());
  }

  @Test
  void versionsAnOldSnapshotStillNeedsSurviveVacuum() {
    Transaction t = f.rc();
    Tid tid = f.heap.insert(REL, t, row(1, "old"));
    t.commit();
    Transaction reader = f.begin(IsolationLevel.REPEATABLE_READ);
    var snap = reader.startStatement();
    Transaction u = f.rc();
    f.heap.update(REL, tid, row(1, "new"), u);
    u.commit();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(0, stats.removedVersions(), "the old version is only recently dead");
    assertNotNull(f.heap.fetch(REL, tid, snap, reader));
    reader.commit();
    VacuumStats later = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(1, later.removedVersions());
    assertEquals(1, count());
  }

  @Test
  void abortedInsertsAndAbortedUpdatesAreCleanedUp() {
    Transaction t = f.rc();
    Tid keep = f.heap.insert(REL, t, row(1, "keep"));
    t.commit();
    Transaction a = f.rc();
    f.heap.insert(REL, a, row(2, "never"));
    HeapResult r = f.heap.update(REL, keep, row(1, "never"), a);
    assertEquals(HeapResult.Code.OK, r.code());
    a.rollback();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(2, stats.removedVersions(), "the aborted insert and the aborted update's new version");
    assertEquals(Long.MAX_VALUE, stats.oldestUnfrozenXid(), "the aborted xmax was cleared");
    Transaction check = f.rc();
    HeapTuple kept = f.heap.fetch(REL, keep, check.startStatement(), check);
    assertEquals("keep", HeapFixture.text(kept));
    assertEquals(keep, kept.ctid(), "a cleared update link points at the version itself");
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, keep, row(1, "v2"), check).code());
    check.commit();
  }

  @Test
  void inProgressVersionsHoldBackTheFreezeHorizon() {
    Transaction t = f.rc();
    f.heap.insert(REL, t, row(1, "committed"));
    t.commit();
    Transaction running = f.rc();
    f.heap.insert(REL, running, row(2, "running"));
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(1, stats.frozenVersions());
    assertEquals(running.topXid(), stats.oldestUnfrozenXid());
    running.commit();
  }

  /**
   * Regression: a version can get two vacuum actions at once (freeze, and clear an ended locker's
   * xmax). The action arrays were sized by slot count only, so a page of more than 128 such small
   * rows overflowed them.
   */
  @Test
  void aFullPageOfRowsNeedingFreezeAndXmaxClearingIsVacuumedInOneRecord() {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    while (f.storage.bufferPool().blockCount(REL) < 2) {
      tids.add(f.heap.insert(REL, t, row(tids.size(), "")));
    }
    t.commit();
    long onFirstPage = tids.stream().filter(x -> x.block() == 0).count();
    assertTrue(onFirstPage > 128, "rows on page 0: " + onFirstPage);
    Transaction locker = f.rc();
    for (Tid tid : tids) {
      assertEquals(HeapResult.Code.OK, f.heap.lock(REL, tid, locker).code());
    }
    locker.commit();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin());
    assertEquals(tids.size(), stats.frozenVersions());
    assertEquals(Long.MAX_VALUE, stats.oldestUnfrozenXid(), "the ended lock is cleared too");
    assertEquals(2, stats.pagesMarkedAllVisible());
  }
}
