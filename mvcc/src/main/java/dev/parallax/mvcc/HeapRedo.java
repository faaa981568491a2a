package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.DataCorruptedException;
import dev.parallax.storage.RedoContext;
import dev.parallax.storage.RedoHandler;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.WalRecord;

/**
 * Replays heap records. A page argument is null when the page already reflects the record
 * (restored from a full-page image, or its LSN is past the record): that page is skipped, the
 * others are still redone, which is what makes a two-page update record safe to replay after a
 * crash that wrote only one of its pages. The same holds for visibility-map pages named by heap
 * change records (see {@link VisibilityMap}): a map page that did not reach disk gets its bits
 * cleared again even when the heap page did.
 */
final class HeapRedo implements RedoHandler {
  @Override
  public void redo(WalRecord r, RedoContext ctx) {
    byte[] d = r.payload();
    switch (r.info()) {
      case HeapRecords.INSERT -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          place(r, b.data(), d[0] != 0, SlottedPage.getShort(d, 1), d, 3, d.length - 3);
        }
        VisibilityMap.redoClear(r, ctx);
      }
      case HeapRecords.SET_HEADER -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          byte[] p = b.data();
          HeapRecords.applyState(d, 2, p, itemOffset(r, p, SlottedPage.getShort(d, 0)));
        }
        VisibilityMap.redoClear(r, ctx);
      }
      case HeapRecords.UPDATE -> {
        Buffer old = ctx.page(0);
        int oldSlot = SlottedPage.getShort(d, 0);
        int pos = 2 + HeapRecords.HEADER_STATE;
        boolean init = d[pos] != 0;
        int newSlot = SlottedPage.getShort(d, pos + 1);
        int itemPos = pos + 3;
        int itemLen = d.length - itemPos;
        if (VisibilityMap.heapPageCount(r) == 1) {
          if (old != null) {
            byte[] p = old.data();
            place(r, p, init, newSlot, d, itemPos, itemLen);
            HeapRecords.applyState(d, 2, p, itemOffset(r, p, oldSlot));
          }
        } else {
          if (old != null) {
            byte[] p = old.data();
            HeapRecords.applyState(d, 2, p, itemOffset(r, p, oldSlot));
          }
          Buffer fresh = ctx.page(1);
          if (fresh != null) {
            place(r, fresh.data(), init, newSlot, d, itemPos, itemLen);
          }
        }
        VisibilityMap.redoClear(r, ctx);
      }
      case HeapRecords.VACUUM -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          byte[] p = b.data();
          int n = SlottedPage.getShort(d, 0);
          for (int i = 0; i < n; i++) {
            int slot = SlottedPage.getShort(d, 2 + 3 * i);
            HeapVacuum.apply(p, r.pages()[0].block(), slot, d[4 + 3 * i]);
          }
          SlottedPage.compact(p);
        }
      }
      case HeapRecords.PRUNE -> {
        Buffer b = ctx.page(0);
        if (b != null) {
          byte[] p = b.data();
          int n = SlottedPage.getShort(d, 0);
          int block = r.pages()[0].block();
          for (int i = 0; i < n; i++) {
            HeapPrune.apply(p, block, SlottedPage.getShort(d, 2 + 5 * i), d[4 + 5 * i], SlottedPage.getShort(d, 5 + 5 * i));
          }
          SlottedPage.compact(p);
        }
      }
      case HeapRecords.SET_ALL_VISIBLE -> VisibilityMap.redoSet(r, ctx);
      default -> throw new DataCorruptedException(r.pages()[0], "unknown heap record type " + r.info()
          + " at LSN " + r.lsn());
    }
  }

  private static void place(WalRecord r, byte[] p, boolean init, int slot, byte[] d, int pos, int len) {
    // The init flag says the page was new when the change was made; another change to the page
    // may have been logged first (both saw it new), so replay initialises only a page still new.
    if (init && SlottedPage.isNew(p)) {
      SlottedPage.init(p, 0);
    }
    if (!SlottedPage.addItemAt(p, slot, d, pos, len)) {
      throw new DataCorruptedException(r.pages()[0], "heap redo: item does not fit at slot " + slot
          + " (record at LSN " + r.lsn() + ")");
    }
  }

  private static int itemOffset(WalRecord r, byte[] p, int slot) {
    if (slot >= SlottedPage.slotCount(p) || SlottedPage.state(p, slot) != SlottedPage.NORMAL) {
      throw new DataCorruptedException(r.pages()[0], "heap redo: slot " + slot + " holds no tuple (record at LSN "
          + r.lsn() + ")");
    }
    return SlottedPage.offset(p, slot);
  }
}
