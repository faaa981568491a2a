package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.HeapFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Heap-only updates and page pruning, one behaviour per test: the chain is followed from the root
 * under old and new snapshots, pruning keeps what an old snapshot sees and reclaims the rest, a
 * non-HOT or full-page update stays normal, dirty reads and latestVersion walk the chain, vacuum
 * hands over only roots of wholly dead chains.
 */
class HotUpdateTest {
  private final HeapFixture f = new HeapFixture();

  {
    f.heap.setPruneHorizon(f.tm::oldestXmin);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private Tid insertCommitted(String text) {
    Transaction t = f.rc();
    Tid tid = f.heap.insert(REL, t, row(1, text));
    t.commit();
    return tid;
  }

  /** Updates the row visible through {@code root} (found with a fresh snapshot) and commits. */
  private HeapResult hotUpdate(Tid root, String text) {
    Transaction t = f.rc();
    HeapTuple cur = f.heap.fetch(REL, root, t.startStatement(), t);
    assertNotNull(cur, "the row is visible through its root " + root);
    HeapResult r = f.heap.update(REL, cur.tid(), row(1, text), t, true);
    assertEquals(HeapResult.Code.OK, r.code());
    t.commit();
    return r;
  }

  private String readThroughRoot(Tid root, Snapshot snap, Transaction t) {
    HeapTuple v = f.heap.fetch(REL, root, snap, t);
    return v == null ? null : text(v);
  }

  private int state(Tid tid) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(REL, tid.block()))) {
      b.latchShared();
      try {
        // Compaction trims trailing free slots: past the end reads as UNUSED.
        return tid.slot() < SlottedPage.slotCount(b.data()) ? SlottedPage.state(b.data(), tid.slot()) : SlottedPage.UNUSED;
      } finally {
        b.unlatch();
      }
    }
  }

  private int infomask(Tid tid) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(REL, tid.block()))) {
      b.latchShared();
      try {
        return TupleHeader.infomask(b.data(), SlottedPage.offset(b.data(), tid.slot()));
      } finally {
        b.unlatch();
      }
    }
  }

  @Test
  void anOldSnapshotStillSeesTheOldValueThroughTheRootAfterHotUpdatesAndAPrune() {
    Tid root = insertCommitted("v0");
    Transaction old = f.begin(IsolationLevel.REPEATABLE_READ);
    Snapshot oldSnap = old.startStatement();
    assertEquals("v0", readThroughRoot(root, oldSnap, old));
    List<Tid> members = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      HeapResult r = hotUpdate(root, "v" + i);
      assertTrue(r.heapOnly(), "update " + i + " is heap-only");
      assertEquals(root.block(), r.newTid().block());
      assertTrue((infomask(r.newTid()) & TupleHeader.HEAP_ONLY) != 0);
      members.add(r.newTid());
    }
    assertTrue((infomask(root) & TupleHeader.HOT_UPDATED) != 0, "the root is marked HOT-updated");
    f.heap.prune(REL, root.block());
    assertEquals("v0", readThroughRoot(root, oldSnap, old), "the old snapshot's version survives the prune");
    Transaction now = f.rc();
    assertEquals("v5", readThroughRoot(root, now.startStatement(), now));
    // A fetch of the root returns the member, with its own tid.
    assertEquals(members.get(4), f.heap.fetch(REL, root, now.startStatement(), now).tid());
    now.commit();
    old.commit();

    assertTrue(f.heap.prune(REL, root.block()) > 0, "with the old snapshot gone, the chain's prefix goes");
    assertEquals(SlottedPage.REDIRECT, state(root), "the root becomes a redirect");
    for (int i = 0; i < 4; i++) {
      assertEquals(SlottedPage.UNUSED, state(members.get(i)), "dead heap-only member " + i + " freed at once");
    }
    Transaction later = f.rc();
    assertEquals("v5", readThroughRoot(root, later.startStatement(), later));
    assertEquals("v5", text(f.heap.latestVersion(REL, root, later.startStatement(), later)),
        "latestVersion starts at the redirect's target");
    later.commit();
    // And the chain goes on from the redirect.
    assertTrue(hotUpdate(root, "v6").heapOnly());
    Transaction last = f.rc();
    assertEquals("v6", readThroughRoot(root, last.startStatement(), last));
    last.commit();
  }

  @Test
  void anUpdateThatMayNotBeHotGetsANormalVersion() {
    Tid root = insertCommitted("a");
    Transaction t = f.rc();
    HeapResult r = f.heap.update(REL, root, row(1, "b"), t, false);
    t.commit();
    assertFalse(r.heapOnly());
    assertEquals(0, infomask(r.newTid()) & TupleHeader.HEAP_ONLY);
    assertEquals(0, infomask(root) & TupleHeader.HOT_UPDATED);
    // The new version is its own root: the old root does not lead to it.
    Transaction now = f.rc();
    assertNull(readThroughRoot(root, now.startStatement(), now));
    assertEquals("b", readThroughRoot(r.newTid(), now.startStatement(), now));
    now.commit();
  }

  @Test
  void aFullPageFallsBackToANormalUpdateOnAnotherPage() {
    // Fill the page with live rows, one of them the row to update; an old snapshot keeps every
    // version, so pruning cannot make room.
    Transaction t = f.rc();
    Tid target = f.heap.insert(REL, t, row(1, "x".repeat(300)));
    while (true) {
      Tid other = f.heap.insert(REL, t, row(2, "y".repeat(300)));
      if (other.block() != target.block()) {
        break;
      }
    }
    t.commit();
    Transaction hold = f.begin(IsolationLevel.REPEATABLE_READ);
    hold.startStatement();
    Transaction u = f.rc();
    HeapResult r = f.heap.update(REL, target, row(1, "z".repeat(300)), u, true);
    u.commit();
    assertEquals(HeapResult.Code.OK, r.code());
    assertFalse(r.heapOnly(), "no room on the page: a normal update");
    assertNotEquals(target.block(), r.newTid().block());
    assertEquals(0, infomask(target) & TupleHeader.HOT_UPDATED);
    hold.commit();
  }

  @Test
  void repeatedHotUpdatesOfOneRowReuseTheirPage() {
    Tid root = insertCommitted("start");
    for (int i = 0; i < 2000; i++) {
      assertTrue(hotUpdate(root, "value " + i + " " + "p".repeat(60)).heapOnly(), "update " + i);
    }
    assertEquals(1, f.storage.bufferPool().blockCount(REL), "pruning on update kept the row on its page");
    assertTrue(f.heap.pruneStats().tuplesRemoved() >= 1900, "removed " + f.heap.pruneStats().tuplesRemoved());
    Transaction t = f.rc();
    assertEquals("value 1999 " + "p".repeat(60), readThroughRoot(root, t.startStatement(), t));
    t.commit();
  }

  @Test
  void dirtyReadsAndLatestVersionWalkTheChain() {
    HeapVersions versions = new HeapVersions(f.storage.bufferPool(), f.heap.visibility());
    Tid root = insertCommitted("a");
    hotUpdate(root, "b");
    Transaction w = f.rc();
    HeapTuple cur = f.heap.fetch(REL, root, w.startStatement(), w);
    assertEquals(HeapResult.Code.OK, f.heap.update(REL, cur.tid(), row(1, "c"), w, true).code());
    Transaction other = f.rc();
    DirtyCheck d = versions.dirty(REL, root, other);
    assertTrue(d.visible());
    assertEquals(w.currentXid(), d.xmaxInProgress(), "the member being replaced comes first: wait for its updater");
    w.commit();
    DirtyCheck after = versions.dirty(REL, root, other);
    assertTrue(after.visible());
    assertEquals(0, after.xminInProgress());
    assertEquals(0, after.xmaxInProgress());
    Transaction del = f.rc();
    HeapTuple last = f.heap.fetch(REL, root, del.startStatement(), del);
    assertEquals(HeapResult.Code.OK, f.heap.delete(REL, last.tid(), del).code());
    del.commit();
    assertFalse(versions.dirty(REL, root, other).visible(), "a deleted row blocks no unique insert");
    other.commit();
  }

  @Test
  void anAbortedHotUpdateLeavesTheOldVersionAndItsOrphanIsPruned() {
    Tid root = insertCommitted("kept");
    Transaction a = f.rc();
    HeapResult r = f.heap.update(REL, root, row(1, "aborted"), a, true);
    assertTrue(r.heapOnly());
    a.rollback();
    Transaction t = f.rc();
    assertEquals("kept", readThroughRoot(root, t.startStatement(), t));
    t.commit();
    HeapResult again = hotUpdate(root, "second");
    assertTrue(again.heapOnly());
    Transaction t2 = f.rc();
    assertEquals("second", readThroughRoot(root, t2.startStatement(), t2));
    t2.commit();
    f.heap.prune(REL, root.block());
    assertEquals(SlottedPage.UNUSED, state(r.newTid()), "the aborted heap-only version is freed");
    Transaction t3 = f.rc();
    assertEquals("second", readThroughRoot(root, t3.startStatement(), t3));
    t3.commit();
  }

  @Test
  void vacuumHandsOverOnlyRootsOfWhollyDeadChainsAndFreesHeapOnlySlotsItself() {
    Tid live = insertCommitted("live");
    Tid gone = insertCommitted("gone");
    for (int i = 0; i < 3; i++) {
      hotUpdate(live, "live " + i);
      hotUpdate(gone, "gone " + i);
    }
    Transaction del = f.rc();
    HeapTuple g = f.heap.fetch(REL, gone, del.startStatement(), del);
    f.heap.delete(REL, g.tid(), del);
    del.commit();
    List<Tid> handed = new ArrayList<>();
    VacuumStats stats = f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      for (int i = 0; i < dead.size(); i++) {
        handed.add(dead.get(i));
      }
    });
    assertEquals(List.of(gone), handed, "only the deleted row's root needs its index entries removed");
    assertEquals(SlottedPage.REDIRECT, state(live));
    assertEquals(SlottedPage.UNUSED, state(gone), "freed after the index pass");
    assertEquals(4 + 3, stats.removedVersions() + f.heap.pruneStats().tuplesRemoved(),
        "3 dead versions of the live row, 4 of the deleted one (by vacuum, or pruned on the way)");
    Transaction t = f.rc();
    assertEquals("live 2", readThroughRoot(live, t.startStatement(), t));
    assertNull(readThroughRoot(gone, t.startStatement(), t));
    t.commit();
    assertTrue(f.heap.isAllVisible(REL, live.block()), "a page with a redirect can be all-visible");
  }

  /**
   * Regression for the xmin test of a chain link: an aborted HOT update leaves the old version
   * HOT_UPDATED with a link to the aborted version; pruning frees that one (it is an orphan), and
   * the next HOT update of another row may take its slot. The stale link must not lead into the
   * other row's chain.
   */
  @Test
  void aStaleLinkToASlotReusedByAnotherRowIsNotFollowed() {
    HeapVersions versions = new HeapVersions(f.storage.bufferPool(), f.heap.visibility());
    Tid a = insertCommitted("a");
    Tid b = insertCommitted("b");
    Transaction aborted = f.rc();
    Tid orphan = f.heap.update(REL, a, row(1, "a aborted"), aborted, true).newTid();
    aborted.rollback();
    f.heap.prune(REL, a.block());
    assertEquals(SlottedPage.UNUSED, state(orphan));
    assertTrue((infomask(a) & TupleHeader.HOT_UPDATED) != 0, "the stale link is still there");
    HeapResult other = hotUpdate(b, "b2");
    assertEquals(orphan, other.newTid(), "the other row's new version took the freed slot");
    assertEquals(1, versions.chain(REL, a, f.tm.oldestXmin()).size(), "a's chain is a alone");
    assertEquals(2, versions.chain(REL, b, f.tm.oldestXmin()).size());
    Transaction t = f.rc();
    assertEquals("a", text(f.heap.latestVersion(REL, a, t.startStatement(), t)));
    assertEquals("a", readThroughRoot(a, t.startStatement(), t));
    assertEquals("b2", readThroughRoot(b, t.startStatement(), t));
    t.commit();
  }
}
