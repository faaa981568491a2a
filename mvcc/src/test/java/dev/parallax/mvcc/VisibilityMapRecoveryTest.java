package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.VisibilityMapChecks.assertInvariant;
import static dev.parallax.mvcc.VisibilityMapChecks.pageFlag;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.Transaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The visibility map and two-phase vacuum across restarts and crashes of the file engine. A crash
 * ({@link HeapFixture#crash()}) writes no data page and loses log records not yet flushed; a commit
 * flushes the log through its record.
 */
class VisibilityMapRecoveryTest {
  private static final StorageSettings SETTINGS = StorageSettings.defaults().withBufferPoolPages(256);

  @TempDir Path dir;

  private static List<Tid> insertCommitted(HeapFixture f, int n) {
    Transaction t = f.rc();
    List<Tid> tids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tids.add(f.heap.insert(REL, t, row(i, "row " + i + " ".repeat(40))));
    }
    t.commit();
    return tids;
  }

  private static void flushLog(HeapFixture f) {
    f.storage.wal().flush(f.storage.wal().insertPosition());
  }

  @Test
  void theBitSurvivesACrashAndACleanRestart() {
    Path d = dir.resolve("db");
    HeapFixture f = HeapFixture.onDisk(d, SETTINGS);
    insertCommitted(f, 300);
    int blocks = f.storage.bufferPool().blockCount(REL);
    assertEquals(blocks, f.heap.vacuum(REL, f.tm.oldestXmin()).pagesMarkedAllVisible());
    flushLog(f);
    f.crash();

    HeapFixture again = HeapFixture.onDisk(d, SETTINGS);
    for (int b = 0; b < blocks; b++) {
      assertTrue(again.heap.isAllVisible(REL, b), "replayed set record, block " + b);
    }
    assertEquals(blocks, assertInvariant(again, REL, "after the crash"));
    again.close();

    HeapFixture third = HeapFixture.onDisk(d, SETTINGS);
    assertEquals(blocks, assertInvariant(third, REL, "after a clean restart"));
    third.close();
  }

  private interface Change {
    void apply(HeapFixture f, Transaction t, Tid tid);
  }

  /**
   * Set the bit, checkpoint, change the page (committed, so its record is durable), crash without
   * writing the data pages: replay must leave the bit clear. {@code again} makes the change the
   * second one after the checkpoint (a change and a vacuum come first), so that replay redoes the
   * set and the clear from the records rather than restoring full-page images.
   */
  private void changeAfterCheckpointThenCrash(String name, Change change, boolean again) {
    Path d = dir.resolve(name + (again ? "-redo" : "-image"));
    HeapFixture f = HeapFixture.onDisk(d, SETTINGS);
    List<Tid> tids = insertCommitted(f, 20);
    f.heap.vacuum(REL, f.tm.oldestXmin());
    assertTrue(f.heap.isAllVisible(REL, 0));
    f.storage.checkpoint();
    if (again) {
      Transaction first = f.rc();
      f.heap.delete(REL, tids.get(19), first);
      first.commit();
      assertFalse(f.heap.isAllVisible(REL, 0));
      f.heap.vacuum(REL, f.tm.oldestXmin());
      assertTrue(f.heap.isAllVisible(REL, 0));
    }
    Transaction t = f.rc();
    change.apply(f, t, tids.get(5));
    t.commit();
    assertFalse(f.heap.isAllVisible(REL, 0));
    f.crash();

    HeapFixture r = HeapFixture.onDisk(d, SETTINGS);
    String context = name + (again ? " (redo)" : " (image)");
    assertFalse(r.heap.isAllVisible(REL, 0), "replay cleared the bit: " + context);
    assertFalse(pageFlag(r, REL, 0), "replay cleared the flag: " + context);
    assertInvariant(r, REL, context);
    Transaction check = r.rc();
    HeapTuple row5 = r.heap.fetch(REL, tids.get(5), check.startStatement(), check);
    switch (name) {
      case "delete" -> assertNull(row5, "the delete survived");
      case "update" -> assertEquals("changed",
          HeapFixture.text(r.heap.latestVersion(REL, tids.get(5), check.startStatement(), check)));
      default -> assertNotNull(row5);
    }
    check.commit();
    r.heap.vacuum(REL, r.tm.oldestXmin());
    assertTrue(r.heap.isAllVisible(REL, 0), "vacuum after recovery sets it again: " + context);
    r.close();
  }

  @Test
  void replayClearsTheBitOfAPageChangedAfterACheckpoint() {
    for (boolean again : new boolean[] {false, true}) {
      changeAfterCheckpointThenCrash("insert", (f, t, tid) -> f.heap.insert(REL, t, row(77, "new")), again);
      changeAfterCheckpointThenCrash("update", (f, t, tid) -> f.heap.update(REL, tid, row(5, "changed"), t), again);
      changeAfterCheckpointThenCrash("delete", (f, t, tid) -> f.heap.delete(REL, tid, t), again);
      changeAfterCheckpointThenCrash("lock", (f, t, tid) -> f.heap.lock(REL, tid, t), again);
    }
  }

  /**
   * Page bytes without what replay need not reproduce: the checksum field, tuple hint bits, and
   * the free hole between line pointers and items (stale bytes left by compaction at run time,
   * zeros from a full-page image at replay).
   */
  private static byte[] normalized(HeapFixture f, int relation, int block) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(relation, block))) {
      b.latchShared();
      try {
        byte[] p = b.data().clone();
        SlottedPage.setChecksum(p, 0);
        if (!VisibilityMap.isMapRelation(relation) && !SlottedPage.isNew(p)) {
          java.util.Arrays.fill(p, SlottedPage.lower(p), SlottedPage.upper(p), (byte) 0);
          for (int s = 0; s < SlottedPage.slotCount(p); s++) {
            if (SlottedPage.state(p, s) == SlottedPage.NORMAL) {
              int off = SlottedPage.offset(p, s);
              TupleHeader.setInfomask(p, off, TupleHeader.infomask(p, off) & ~TupleHeader.HINT_BITS);
            }
          }
        }
        return p;
      } finally {
        b.unlatch();
      }
    }
  }

  private static List<byte[]> pages(HeapFixture f) {
    List<byte[]> out = new ArrayList<>();
    for (int b = 0; b < f.storage.bufferPool().blockCount(REL); b++) {
      out.add(normalized(f, REL, b));
    }
    out.add(normalized(f, VisibilityMap.mapRelation(REL), 0));
    return out;
  }

  /**
   * Every record of a two-phase vacuum (DEAD, UNUSED, set all-visible), of an interrupted one and
   * of the changes around them replays to the same page bytes, hint bits aside.
   */
  @Test
  void twoPhaseVacuumAndTheMapReplayToTheSameBytes() {
    Path d = dir.resolve("bytes");
    HeapFixture f = HeapFixture.onDisk(d, SETTINGS);
    List<Tid> tids = insertCommitted(f, 400);
    Transaction del = f.rc();
    for (int i = 0; i < 400; i += 3) {
      f.heap.delete(REL, tids.get(i), del);
    }
    del.commit();
    // An interrupted vacuum (DEAD slots and all), then inserts, then one that completes, then
    // more dead versions and an interrupted vacuum again, left so.
    assertThrows(IllegalStateException.class, () -> f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      throw new IllegalStateException("crash between the phases");
    }));
    insertCommitted(f, 50);
    f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {}, 50);
    Transaction upd = f.rc();
    int updated = 0;
    for (int i = 1; i < 100; i += 10) {
      if (i % 3 != 0) {
        assertEquals(HeapResult.Code.OK, f.heap.update(REL, tids.get(i), row(i, "updated"), upd).code());
        updated++;
      }
    }
    upd.commit();
    assertThrows(IllegalStateException.class, () -> f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
      throw new IllegalStateException("crash between the phases");
    }));
    assertTrue(assertInvariant(f, REL, "before the crash") > 0, "some pages are all-visible");
    List<byte[]> before = pages(f);
    flushLog(f);
    f.crash();

    HeapFixture r = HeapFixture.onDisk(d, SETTINGS);
    List<byte[]> after = pages(r);
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      assertArrayEquals(before.get(i), after.get(i), "page " + i + " after replay");
    }
    List<Tid> handedOver = new ArrayList<>();
    VacuumStats stats = r.heap.vacuum(REL, r.tm.oldestXmin(), dead -> {
      for (int i = 0; i < dead.size(); i++) {
        handedOver.add(dead.get(i));
      }
    });
    assertEquals(updated, handedOver.size(), "the updated rows' old versions, DEAD since before the crash");
    assertEquals(updated, stats.unusedLinePointers());
    assertEquals(r.storage.bufferPool().blockCount(REL), assertInvariant(r, REL, "after recovery and vacuum"));
    r.close();
  }
}
