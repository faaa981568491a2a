package dev.parallax.mvcc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;

/**
 * The visibility map's consistency check, for tests: for every page whose bit is set, the page's
 * flag is set, it has no DEAD slot, and every tuple on it is visible to a fresh snapshot and has a
 * committed (or frozen) xmin. Checked under the heap page's shared latch, which every writer that
 * could clear the bit holds exclusively while doing so; the map page is latched after it (the one
 * latch order).
 */
final class VisibilityMapChecks {
  private VisibilityMapChecks() {}

  static boolean pageFlag(HeapFixture f, int relation, int block) {
    try (Buffer b = f.storage.bufferPool().pin(new PageId(relation, block))) {
      b.latchShared();
      try {
        return VisibilityMap.pageFlag(b.data());
      } finally {
        b.unlatch();
      }
    }
  }

  /** Pages that were initialised (not all-zero tails of a file extent or of a lost extension). */
  static int initialisedPages(HeapFixture f, int relation) {
    int n = 0;
    for (int block = 0; block < f.storage.bufferPool().blockCount(relation); block++) {
      try (Buffer b = f.storage.bufferPool().pin(new PageId(relation, block))) {
        b.latchShared();
        try {
          n += SlottedPage.isNew(b.data()) ? 0 : 1;
        } finally {
          b.unlatch();
        }
      }
    }
    return n;
  }

  /** Checks every page; returns how many have their bit set. */
  static int assertInvariant(HeapFixture f, int relation, String context) {
    int blocks = f.storage.bufferPool().blockCount(relation);
    int set = 0;
    for (int block = 0; block < blocks; block++) {
      if (assertPage(f, relation, block, context)) {
        set++;
      }
    }
    return set;
  }

  /** Checks one page; returns whether its bit is set. */
  static boolean assertPage(HeapFixture f, int relation, int block, String context) {
    Transaction t = f.rc();
    try {
      Snapshot snap = t.startStatement();
      try (Buffer buf = f.storage.bufferPool().pin(new PageId(relation, block))) {
        buf.latchShared();
        try {
          byte[] p = buf.data();
          boolean bit = f.heap.isAllVisible(relation, block);
          boolean flag = !SlottedPage.isNew(p) && VisibilityMap.pageFlag(p);
          assertEquals(flag, bit, "page flag and map bit agree on block " + block + "; " + context);
          if (!bit) {
            return false;
          }
          for (int s = 0; s < SlottedPage.slotCount(p); s++) {
            int state = SlottedPage.state(p, s);
            assertNotEquals(SlottedPage.DEAD, state, "DEAD slot " + s + " on all-visible block " + block + "; " + context);
            if (state != SlottedPage.NORMAL) {
              continue;
            }
            int off = SlottedPage.offset(p, s);
            long xmin = TupleHeader.xmin(p, off);
            assertTrue(TupleHeader.has(p, off, TupleHeader.XMIN_FROZEN) || f.tm.status().didCommit(xmin),
                "uncommitted xmin " + xmin + " at (" + block + "," + s + ") on an all-visible page; " + context);
            assertTrue(f.heap.visibility().satisfiesMvcc(p, off, buf, snap, t),
                "invisible tuple (" + block + "," + s + ") on an all-visible page; " + context);
          }
          return true;
        } finally {
          buf.unlatch();
        }
      }
    } finally {
      t.commit();
    }
  }
}
