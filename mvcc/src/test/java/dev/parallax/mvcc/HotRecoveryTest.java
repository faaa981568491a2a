package dev.parallax.mvcc;

import static dev.parallax.mvcc.HeapFixture.REL;
import static dev.parallax.mvcc.HeapFixture.row;
import static dev.parallax.mvcc.HeapFixture.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.Transaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HOT updates, prunes (on access and explicit) and vacuums replayed after a crash of the file
 * engine (which writes no data page): the replayed pages equal the pages before the crash (line
 * pointers, redirects, items; hint bits, checksum and the free hole aside), every row reads the
 * same through its root, and the replayed heap keeps working (more HOT updates, prunes).
 */
class HotRecoveryTest {
  private static final StorageSettings SETTINGS = StorageSettings.defaults().withBufferPoolPages(256);

  @TempDir Path dir;

  @Test
  void hotUpdatesPrunesAndVacuumsReplayToTheSamePages() {
    for (boolean checkpointMidway : new boolean[] {false, true}) {
      Path d = dir.resolve("run-" + checkpointMidway);
      HeapFixture f = HeapFixture.onDisk(d, SETTINGS);
      f.heap.setPruneHorizon(f.tm::oldestXmin);
      int rows = 40;
      List<Tid> roots = new ArrayList<>();
      Transaction t = f.rc();
      for (int i = 0; i < rows; i++) {
        roots.add(f.heap.insert(REL, t, row(i, "v0 " + "x".repeat(30))));
      }
      t.commit();
      SplittableRandom rnd = new SplittableRandom(7);
      String[] expected = new String[rows];
      for (int i = 0; i < rows; i++) {
        expected[i] = "v0 " + "x".repeat(30);
      }
      int[] interrupted = {0};
      for (int step = 0; step < 1000; step++) {
        int r = rnd.nextInt(rows);
        if (step % 40 == 30) {
          // Delete the row and insert it again: a wholly dead chain, its root DEAD after pruning.
          Transaction dt = f.rc();
          HeapTuple cur = f.heap.fetch(REL, roots.get(r), dt.startStatement(), dt);
          assertEquals(HeapResult.Code.OK, f.heap.delete(REL, cur.tid(), dt).code());
          roots.set(r, f.heap.insert(REL, dt, row(r, expected[r])));
          dt.commit();
          continue;
        }
        Transaction u = f.rc();
        HeapTuple cur = f.heap.fetch(REL, roots.get(r), u.startStatement(), u);
        String value = "v" + step + " " + "y".repeat(rnd.nextInt(60));
        HeapResult res = f.heap.update(REL, cur.tid(), row(r, value), u, true);
        assertEquals(HeapResult.Code.OK, res.code());
        if (!res.heapOnly()) {
          roots.set(r, res.newTid()); // the old root's chain is now dead once committed
        }
        if (rnd.nextInt(8) == 0) {
          u.rollback();
          if (!res.heapOnly()) {
            roots.set(r, cur.tid());
          }
        } else {
          u.commit();
          expected[r] = value;
        }
        if (step % 300 == 150) {
          f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {});
        }
        if (step % 300 == 250) {
          try {
            f.heap.vacuum(REL, f.tm.oldestXmin(), dead -> {
              interrupted[0]++;
              throw new IllegalStateException("crash between the phases");
            });
          } catch (IllegalStateException expectedWhenHandedTids) {
            // DEAD roots stay DEAD, handed over again by the next vacuum
          }
        }
        if (checkpointMidway && step == 500) {
          f.storage.checkpoint();
        }
        if (step % 50 == 0) {
          f.heap.prune(REL, rnd.nextInt(f.storage.bufferPool().blockCount(REL)));
        }
      }
      assertTrue(f.heap.pruneStats().pagesPruned() > 10, "pruned " + f.heap.pruneStats().pagesPruned());
      assertTrue(hasRedirect(f), "some root is a redirect");
      assertTrue(interrupted[0] > 0, "some vacuum was interrupted with DEAD roots handed over");
      List<byte[]> before = pages(f);
      f.storage.wal().flush(f.storage.wal().insertPosition());
      f.crash();

      HeapFixture g = HeapFixture.onDisk(d, SETTINGS);
      g.heap.setPruneHorizon(g.tm::oldestXmin);
      List<byte[]> after = pages(g);
      assertTrue(after.size() >= before.size());
      for (int i = before.size(); i < after.size(); i++) {
        assertTrue(SlottedPage.isNew(after.get(i)), "page " + i + " past the end is a file extent's unused tail");
      }
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), "page " + i + " after replay (checkpoint " + checkpointMidway + ")");
      }
      Transaction read = g.rc();
      for (int r = 0; r < rows; r++) {
        assertEquals(expected[r], text(g.heap.fetch(REL, roots.get(r), read.startStatement(), read)), "row " + r);
      }
      read.commit();
      // The replayed chains go on.
      Transaction u = g.rc();
      HeapTuple cur = g.heap.fetch(REL, roots.get(0), u.startStatement(), u);
      HeapResult res = g.heap.update(REL, cur.tid(), row(0, "after"), u, true);
      assertEquals(HeapResult.Code.OK, res.code());
      u.commit();
      Tid root0 = res.heapOnly() ? roots.get(0) : res.newTid();
      g.heap.vacuum(REL, g.tm.oldestXmin(), dead -> {});
      Transaction r2 = g.rc();
      assertEquals("after", text(g.heap.fetch(REL, root0, r2.startStatement(), r2)));
      r2.commit();
      g.close();
    }
  }

  private static boolean hasRedirect(HeapFixture f) {
    for (int b = 0; b < f.storage.bufferPool().blockCount(REL); b++) {
      try (Buffer buf = f.storage.bufferPool().pin(new PageId(REL, b))) {
        buf.latchShared();
        try {
          byte[] p = buf.data();
          for (int s = 0; !SlottedPage.isNew(p) && s < SlottedPage.slotCount(p); s++) {
            if (SlottedPage.state(p, s) == SlottedPage.REDIRECT) {
              return true;
            }
          }
        } finally {
          buf.unlatch();
        }
      }
    }
    return false;
  }

  private static List<byte[]> pages(HeapFixture f) {
    List<byte[]> out = new ArrayList<>();
    for (int b = 0; b < f.storage.bufferPool().blockCount(REL); b++) {
      try (Buffer buf = f.storage.bufferPool().pin(new PageId(REL, b))) {
        buf.latchShared();
        try {
          byte[] p = buf.data().clone();
          SlottedPage.setChecksum(p, 0);
          if (!SlottedPage.isNew(p)) {
            java.util.Arrays.fill(p, SlottedPage.lower(p), SlottedPage.upper(p), (byte) 0);
            for (int s = 0; s < SlottedPage.slotCount(p); s++) {
              if (SlottedPage.state(p, s) == SlottedPage.NORMAL) {
                int off = SlottedPage.offset(p, s);
                TupleHeader.setInfomask(p, off, TupleHeader.infomask(p, off) & ~TupleHeader.HINT_BITS);
              }
            }
          }
          out.add(p);
        } finally {
          buf.unlatch();
        }
      }
    }
    return out;
  }
}
