package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.FreeSpaceMap;
import dev.parallax.storage.PageId;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.WriteAheadLog;
import dev.parallax.txn.Xids;

/**
 * Vacuum of one heap relation, page by page under the exclusive latch:
 *
 * <ul>
 *   <li>versions DEAD to every snapshot ({@code xmax < oldestXmin}, committed; or never committed)
 *       lose their slot (UNUSED) and the page is compacted, so later inserts reuse the space;
 *   <li>live versions whose committed xmin is below {@code oldestXmin} are frozen: visible to all
 *       without the commit log, which is what lets the commit log be truncated;
 *   <li>an xmax that no longer means anything (its deleter aborted, or it was only a lock whose
 *       holder ended) is cleared, so no trace of that transaction id remains either.
 * </ul>
 *
 * Every change is logged: freezing and clearing must survive a crash, since after truncation the
 * commit log can no longer answer for those ids (hint bits would not do: they are not logged).
 *
 * <p>Slots become UNUSED directly because no index points at heap tuples yet. With indexes they
 * must first become DEAD until the index entries pointing at them are gone.
 */
final class HeapVacuum {
  private final BufferPool pool;
  private final WriteAheadLog wal;
  private final FreeSpaceMap fsm;
  private final HeapVisibility visibility;

  HeapVacuum(BufferPool pool, WriteAheadLog wal, FreeSpaceMap fsm, HeapVisibility visibility) {
    this.pool = pool;
    this.wal = wal;
    this.fsm = fsm;
    this.visibility = visibility;
  }

  VacuumStats run(int relation, long oldestXmin) {
    int blocks = pool.blockCount(relation);
    long removed = 0;
    long frozen = 0;
    long kept = 0;
    long deadKept = 0;
    long oldestUnfrozen = Long.MAX_VALUE;
    int[] slots = new int[256];
    byte[] actions = new byte[256];
    for (int block = 0; block < blocks; block++) {
      try (Buffer buf = pool.pin(new PageId(relation, block))) {
        buf.latchExclusive();
        try {
          byte[] p = buf.data();
          if (SlottedPage.isNew(p)) {
            // Never initialised (a file extent's unused tail, or an extension lost in a crash):
            // wholly free, and the free-space map forgets that at restart, so tell it again.
            fsm.record(relation, block, SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE - SlottedPage.LINE_POINTER_SIZE);
            continue;
          }
          int n = SlottedPage.slotCount(p);
          if (slots.length < n) {
            slots = new int[n];
            actions = new byte[n];
          }
          int count = 0;
          for (int s = 0; s < n; s++) {
            if (SlottedPage.state(p, s) != SlottedPage.NORMAL) {
              continue;
            }
            int off = SlottedPage.offset(p, s);
            VacuumVerdict verdict = visibility.satisfiesVacuum(p, off, buf, oldestXmin);
            if (verdict == VacuumVerdict.DEAD) {
              slots[count] = s;
              actions[count++] = HeapRecords.ACTION_UNUSED;
              removed++;
              continue;
            }
            kept++;
            if (verdict == VacuumVerdict.RECENTLY_DEAD || verdict == VacuumVerdict.DELETE_IN_PROGRESS) {
              deadKept++;
            }
            int mask = TupleHeader.infomask(p, off);
            long xmin = TupleHeader.xmin(p, off);
            boolean frozenNow = (mask & TupleHeader.XMIN_FROZEN) != 0;
            if (verdict == VacuumVerdict.LIVE && !frozenNow && xmin < oldestXmin) {
              slots[count] = s;
              actions[count++] = HeapRecords.ACTION_FREEZE;
              frozen++;
              frozenNow = true;
            }
            boolean xmaxMeaningless = verdict == VacuumVerdict.LIVE && TupleHeader.xmax(p, off) != 0
                && (mask & TupleHeader.XMAX_INVALID) != 0
                || verdict == VacuumVerdict.LIVE && (mask & TupleHeader.XMAX_LOCK_ONLY) != 0
                    && !visibility.status().isInProgress(TupleHeader.xmax(p, off));
            if (xmaxMeaningless) {
              slots[count] = s;
              actions[count++] = HeapRecords.ACTION_CLEAR_XMAX;
            }
            if (!frozenNow && Xids.isNormal(xmin)) {
              oldestUnfrozen = Math.min(oldestUnfrozen, xmin);
            }
            long xmax = TupleHeader.xmax(p, off);
            if (!xmaxMeaningless && Xids.isNormal(xmax) && (mask & TupleHeader.XMAX_INVALID) == 0) {
              oldestUnfrozen = Math.min(oldestUnfrozen, xmax);
            }
          }
          if (count > 0) {
            for (int i = 0; i < count; i++) {
              apply(p, block, slots[i], actions[i]);
            }
            // Always compact, as replay does, so the replayed page has the same byte layout.
            SlottedPage.compact(p);
            wal.logPageChange(buf, ResourceManagers.HEAP, HeapRecords.VACUUM, 0,
                HeapRecords.vacuum(slots, actions, count));
          }
          fsm.record(relation, block, SlottedPage.freeSpaceAfterCompaction(p));
        } finally {
          buf.unlatch();
        }
      }
    }
    return new VacuumStats(blocks, removed, frozen, kept, deadKept, oldestUnfrozen);
  }

  /** Applies one vacuum action to a page (shared by vacuum and its redo). */
  static void apply(byte[] p, int block, int slot, byte action) {
    switch (action) {
      case HeapRecords.ACTION_UNUSED -> SlottedPage.setUnused(p, slot);
      case HeapRecords.ACTION_FREEZE -> {
        int off = SlottedPage.offset(p, slot);
        TupleHeader.setInfomask(p, off, TupleHeader.infomask(p, off) | TupleHeader.XMIN_FROZEN
            | TupleHeader.XMIN_COMMITTED);
      }
      case HeapRecords.ACTION_CLEAR_XMAX -> {
        int off = SlottedPage.offset(p, slot);
        TupleHeader.setXmax(p, off, 0);
        int mask = TupleHeader.infomask(p, off) & ~(TupleHeader.XMAX_COMMITTED | TupleHeader.XMAX_LOCK_ONLY
            | TupleHeader.UPDATED | TupleHeader.KEYS_UPDATED);
        TupleHeader.setInfomask(p, off, mask | TupleHeader.XMAX_INVALID);
        TupleHeader.setCtid(p, off, new Tid(block, slot));
      }
      default -> throw new IllegalStateException("unknown vacuum action " + action);
    }
  }
}
