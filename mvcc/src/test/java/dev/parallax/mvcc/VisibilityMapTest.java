package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.VisibilityMapChecks.assertInvariant;
import static dev.parallax.mvcc.VisibilityMapChecks.pageFlag;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Setting the visibility map by vacuum, clearing it by every heap change, and what is never marked. */
class VisibilityMapTest {
  private final HeapFixture f = new HeapFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private List<Tid> insertCommitted(int n, int pad) {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "row " + i + " ".repeat(pad))));
    }
    t.commit();
    return tids;
  }

  private VacuumStats vacuum() {
    return f.heap.vacuum(REL, f.tm.oldestXmin());
  }

  @Test
  void vacuumMarksPagesOfOldCommittedRows() {
    insertCommitted(400, 40);
    int blocks = f.storage.bufferPool().blockCount(REL);
    assertTrue(blocks >= 3);
    assertFalse(f.heap.isAllVisible(REL, 0), "no map before the first vacuum");
    assertFalse(f.storage.bufferPool().relationExists(VisibilityMap.mapRelation(REL)), "the map is created lazily");
    VacuumStats stats = vacuum();
    assertEquals(blocks, stats.pagesMarkedAllVisible());
    for (int b = 0; b < blocks; b++) {
      assertTrue(f.heap.isAllVisible(REL, b), "block " + b);
      assertTrue(pageFlag(f, REL, b), "flag of block " + b);
    }
    assertEquals(blocks, assertInvariant(f, REL, "after vacuum"));
    assertEquals(0, vacuum().pagesMarkedAllVisible(), "already marked");
    assertFalse(f.heap.isAllVisible(REL, blocks + VisibilityMap.BITS_PER_PAGE), "a block with no map page");
    assertFalse(f.heap.isAllVisible(REL + 1, 0), "a relation with no map");
  }

  /** Each change, committed or rolled back, clears the bit; the next vacuum sets it again. */
  @Test
  void everyKindOfChangeClearsTheBit() {
    List<String> names = List.of("insert", "update", "delete", "lock");
    List<BiFunction<Transaction, Tid, Object>> ops = List.of(
        (t, tid) -> f.heap.insert(REL, t, row(99, "new")),
        (t, tid) -> f.heap.update(REL, tid, row(1, "changed"), t),
        (t, tid) -> f.heap.delete(REL, tid, t),
        (t, tid) -> f.heap.lock(REL, tid, t));
    List<Tid> tids = insertCommitted(20, 10);
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < ops.size(); i++) {
        String what = names.get(i) + (round == 0 ? " committed" : " rolled back");
        vacuum();
        assertTrue(f.heap.isAllVisible(REL, 0), "before " + what);
        Transaction t = f.rc();
        Object r = ops.get(i).apply(t, tids.get(2 + i + 4 * round));
        if (r instanceof HeapResult hr) {
          assertEquals(HeapResult.Code.OK, hr.code(), what);
        }
        assertFalse(f.heap.isAllVisible(REL, 0), what + " clears the bit");
        assertFalse(pageFlag(f, REL, 0), what + " clears the flag");
        if (round == 0) {
          t.commit();
        } else {
          t.rollback();
        }
        assertFalse(f.heap.isAllVisible(REL, 0), "clearing is not undone: " + what);
        assertInvariant(f, REL, what);
      }
    }
    vacuum();
    assertTrue(f.heap.isAllVisible(REL, 0));
  }

  @Test
  void anUpdateToAnotherPageClearsBothPages() {
    List<Tid> tids = new ArrayList<>();
    Transaction t = f.rc();
    for (int i = 0; f.storage.bufferPool().blockCount(REL) < 2; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "filler " + " ".repeat(60))));
    }
    t.commit();
    vacuum();
    assertTrue(f.heap.isAllVisible(REL, 0));
    assertTrue(f.heap.isAllVisible(REL, 1));
    Transaction u = f.rc();
    HeapResult r = f.heap.update(REL, tids.get(0), row(0, "x".repeat(3000)), u);
    assertEquals(HeapResult.Code.OK, r.code());
    assertEquals(1, r.newTid().block(), "the new version went to the other page");
    assertFalse(f.heap.isAllVisible(REL, 0), "old page");
    assertFalse(f.heap.isAllVisible(REL, 1), "new page");
    u.commit();
    assertInvariant(f, REL, "after the update");
    assertEquals(2, vacuum().pagesMarkedAllVisible());
  }

  /** One scenario: a page whose only special tuple is left by {@code setup}; {@code finish} ends it. */
  private void assertNotMarkedUntilEnded(String what, Runnable finish) {
    VacuumStats stats = vacuum();
    assertEquals(0, stats.pagesMarkedAllVisible(), what);
    assertFalse(f.heap.isAllVisible(REL, 0), what);
    assertInvariant(f, REL, what);
    finish.run();
    vacuum();
    assertTrue(f.heap.isAllVisible(REL, 0), what + ", once ended");
  }

  @Test
  void aPageWithAnInsertInProgressIsNotMarked() {
    insertCommitted(10, 0);
    Transaction t = f.rc();
    f.heap.insert(REL, t, row(50, "in progress"));
    assertNotMarkedUntilEnded("insert in progress", t::commit);
  }

  @Test
  void aPageWithARecentlyDeadVersionIsNotMarked() {
    List<Tid> tids = insertCommitted(10, 0);
    Transaction old = f.begin(IsolationLevel.REPEATABLE_READ);
    var snap = old.startStatement();
    Transaction d = f.rc();
    f.heap.delete(REL, tids.get(3), d);
    d.commit();
    assertNotMarkedUntilEnded("recently dead", () -> {
      assertNotNull(f.heap.fetch(REL, tids.get(3), snap, old), "the old snapshot still sees it");
      old.commit();
    });
    Transaction check = f.rc();
    assertNull(f.heap.fetch(REL, tids.get(3), check.startStatement(), check));
    check.commit();
  }

  @Test
  void aPageWithADeleteInProgressIsNotMarked() {
    List<Tid> tids = insertCommitted(10, 0);
    Transaction d = f.rc();
    f.heap.delete(REL, tids.get(3), d);
    assertNotMarkedUntilEnded("delete in progress", d::rollback);
  }

  @Test
  void aPageWithARowLockedByARunningTransactionIsNotMarked() {
    List<Tid> tids = insertCommitted(10, 0);
    Transaction l = f.rc();
    f.heap.lock(REL, tids.get(3), l);
    assertNotMarkedUntilEnded("row lock held", l::commit);
  }

  @Test
  void anAbortedInsertIsRemovedAndThePageMarked() {
    insertCommitted(10, 0);
    Transaction a = f.rc();
    f.heap.insert(REL, a, row(50, "aborted"));
    a.rollback();
    VacuumStats stats = vacuum();
    assertEquals(1, stats.removedVersions());
    assertTrue(f.heap.isAllVisible(REL, 0));
  }

  @Test
  void withIndexesPagesAreMarkedOnlyAfterTheirDeadSlotsAreFreed() {
    List<Tid> tids = insertCommitted(300, 40);
    Transaction d = f.rc();
    for (int i = 0; i < tids.size(); i += 7) {
      f.heap.delete(REL, tids.get(i), d);
    }
    d.commit();
    int blocks = f.storage.bufferPool().blockCount(REL);
    List<Boolean> during = new ArrayList<>();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      for (int b = 0; b < blocks; b++) {
        during.add(f.heap.isAllVisible(REL, b));
      }
    });
    assertFalse(during.contains(true), "no page with DEAD slots is marked: " + during);
    assertEquals(blocks, stats.pagesMarkedAllVisible());
    assertEquals(blocks, assertInvariant(f, REL, "after the index pass"));
  }

  @Test
  void droppingTheHeapDropsItsMap() {
    insertCommitted(10, 0);
    vacuum();
    int map = VisibilityMap.mapRelation(REL);
    assertTrue(f.storage.bufferPool().relationExists(map));
    f.heap.dropRelation(REL);
    assertFalse(f.storage.bufferPool().relationExists(map));
    assertFalse(f.storage.bufferPool().relationExists(REL));
    assertFalse(f.heap.isAllVisible(REL, 0));
    f.storage.bufferPool().createRelation(REL);
    f.heap.insert(REL, f.rc(), row(1, "new table, same number"));
    assertFalse(f.heap.isAllVisible(REL, 0), "no stale bit for a reused relation number");
  }
}
