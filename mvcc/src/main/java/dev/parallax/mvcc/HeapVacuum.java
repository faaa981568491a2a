package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.FreeSpaceMap;
import dev.parallax.storage.PageId;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.WriteAheadLog;
import dev.parallax.txn.Xids;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Vacuum of one heap relation, page by page under the exclusive latch:
 *
 * <ul>
 *   <li>the page is pruned ({@link HeapPrune}): the dead prefix of every HOT chain goes, heap-only
 *       members' slots become UNUSED, roots become REDIRECT (to the first survivor) or DEAD;
 *   <li>versions DEAD to every snapshot ({@code xmax < oldestXmin}, committed; or never committed)
 *       lose their storage and the page is compacted, so later inserts reuse the space;
 *   <li>live versions whose committed xmin is below {@code oldestXmin} are frozen: visible to all
 *       without the commit log, which is what lets the commit log be truncated;
 *   <li>an xmax that no longer means anything (its deleter aborted, or it was only a lock whose
 *       holder ended) is cleared, so no trace of that transaction id remains either;
 *   <li>a page left holding only tuples visible to everyone is marked all-visible (its flag and
 *       its visibility-map bit, one record; see {@link VisibilityMap}).
 * </ul>
 *
 * Every change is logged: freezing and clearing must survive a crash, since after truncation the
 * commit log can no longer answer for those ids (hint bits would not do: they are not logged).
 *
 * <h2>Slots of removed versions: UNUSED at once, or DEAD first</h2>
 * Without indexes ({@code indexes == null}) a removed version's slot becomes UNUSED at once, free
 * for the next insert. With indexes that would be wrong: an index entry still points at (block,
 * slot), and a new row placed there would be found through the old entry. So, in three phases:
 * <ol>
 *   <li>the slot becomes DEAD (logged): the item's bytes are reclaimed by compaction, the line
 *       pointer stays; inserts never reuse a DEAD slot ({@code SlottedPage.addItem} takes UNUSED
 *       ones only) and every heap read treats it as "no tuple". Its tid is collected, and so is
 *       every DEAD slot already there (left by a vacuum interrupted between phases);
 *   <li>{@link IndexVacuum#removeEntries} removes the index entries pointing at the collected
 *       tids, with no heap latch held; once per {@link #DEFAULT_DEAD_TIDS_PER_PASS} tids (or the
 *       given batch size), so memory stays bounded on a large relation;
 *   <li>exactly those slots, still DEAD, become UNUSED (logged, then compaction trims trailing
 *       free slots), and the page may now be marked all-visible (a page with a DEAD slot never
 *       is).
 * </ol>
 * A crash or an exception between 1 and 3 leaves DEAD slots, which cost 4 bytes each and are
 * handed over again by the next vacuum; index removal is idempotent, so handing a tid over twice
 * is harmless.
 *
 * <h2>One vacuum per relation</h2>
 * Runs on the same relation are serialised: a second vacuum would collect the first one's DEAD
 * slots and free them for reuse while the first is still removing their index entries, and the
 * first would then remove the entries of new rows placed in those slots.
 */
final class HeapVacuum {
  /** Dead tids collected before each index pass: 8 MiB of tids. */
  static final int DEFAULT_DEAD_TIDS_PER_PASS = 1 << 20;

  private final BufferPool pool;
  private final WriteAheadLog wal;
  private final FreeSpaceMap fsm;
  private final HeapVisibility visibility;
  private final VisibilityMap visibilityMap;
  /** One monitor per relation being (or ever) vacuumed: see "One vacuum per relation". */
  private final ConcurrentHashMap<Integer, Object> running = new ConcurrentHashMap<>();

  HeapVacuum(BufferPool pool, WriteAheadLog wal, FreeSpaceMap fsm, HeapVisibility visibility,
      VisibilityMap visibilityMap) {
    this.pool = pool;
    this.wal = wal;
    this.fsm = fsm;
    this.visibility = visibility;
    this.visibilityMap = visibilityMap;
  }

  /** @param indexes null when the relation has no index: slots become UNUSED at once */
  VacuumStats run(int relation, long oldestXmin, IndexVacuum indexes, int deadTidsPerPass) {
    if (deadTidsPerPass < 1) {
      throw new IllegalArgumentException("deadTidsPerPass " + deadTidsPerPass);
    }
    synchronized (running.computeIfAbsent(relation, r -> new Object())) {
      return new Pass(relation, oldestXmin, indexes, deadTidsPerPass).run();
    }
  }

  /** One run over a relation: its counters and the dead tids collected for the next index pass. */
  private final class Pass {
    final int relation;
    final long oldestXmin;
    final IndexVacuum indexes;
    final int deadTidsPerPass;

    long removed;
    long frozen;
    long kept;
    long deadKept;
    long markedDead;
    long freed;
    long markedAllVisible;
    int indexPasses;
    long oldestUnfrozen = Long.MAX_VALUE;

    /** Collected dead tids as {@link DeadTids#key}, ascending (blocks and slots are visited in order). */
    long[] dead = new long[1024];
    int deadCount;
    /**
     * The actions queued for the current page. A slot may get two (freeze and clear xmax), so the
     * arrays hold twice the page's slot count.
     */
    int[] slots = new int[512];
    byte[] actions = new byte[512];
    /** Redirect targets of ACTION_REDIRECT entries (0 for other actions). */
    int[] targets = new int[512];
    int count;
    final HeapPrune.Actions pruned = new HeapPrune.Actions();

    Pass(int relation, long oldestXmin, IndexVacuum indexes, int deadTidsPerPass) {
      this.relation = relation;
      this.oldestXmin = oldestXmin;
      this.indexes = indexes;
      this.deadTidsPerPass = deadTidsPerPass;
    }

    VacuumStats run() {
      int blocks = pool.blockCount(relation);
      for (int block = 0; block < blocks; block++) {
        prune(block);
        if (deadCount >= deadTidsPerPass) {
          indexPass();
        }
      }
      if (deadCount > 0) {
        indexPass();
      }
      return new VacuumStats(blocks, removed, frozen, kept, deadKept, oldestUnfrozen, markedDead, freed,
          markedAllVisible, indexPasses);
    }

    private void collect(int block, int slot) {
      if (deadCount == dead.length) {
        dead = Arrays.copyOf(dead, dead.length * 2);
      }
      dead[deadCount++] = DeadTids.key(block, slot);
    }

    /** Queues an action for the page being worked on; logged together by {@link #logActions}. */
    private void action(int slot, int action) {
      action(slot, action, 0);
    }

    private void action(int slot, int action, int target) {
      slots[count] = slot;
      targets[count] = target;
      actions[count++] = (byte) action;
    }

    /**
     * Phase 1 on one page (the only phase without indexes): DEAD slots left over are handed on
     * (or freed), then the page is pruned ({@link HeapPrune}: dead prefixes of HOT chains go,
     * roots become REDIRECT or DEAD), then the surviving versions are frozen or have a meaningless
     * xmax cleared. All in one PRUNE record, applied in that order.
     */
    private void prune(int block) {
      try (Buffer buf = pool.pin(new PageId(relation, block))) {
        buf.latchExclusive();
        try {
          byte[] p = buf.data();
          if (SlottedPage.isNew(p)) {
            // Never initialised (a file extent's unused tail, or an extension lost in a crash):
            // wholly free, and the free-space map forgets that at restart, so tell it again.
            fsm.record(relation, block, SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE - SlottedPage.LINE_POINTER_SIZE);
            return;
          }
          int n = SlottedPage.slotCount(p);
          if (slots.length < 2 * n) {
            slots = new int[2 * n];
            actions = new byte[2 * n];
            targets = new int[2 * n];
          }
          count = 0;
          for (int s = 0; s < n; s++) {
            if (SlottedPage.state(p, s) == SlottedPage.DEAD) {
              // Left by an interrupted vacuum or by pruning: its index entries may still exist,
              // so it goes through the index pass (without indexes it is freed at once).
              if (indexes == null) {
                HeapPrune.apply(p, block, s, (byte) HeapRecords.ACTION_UNUSED, 0);
                action(s, HeapRecords.ACTION_UNUSED);
                freed++;
              }
            }
          }
          HeapPrune.plan(p, buf, block, visibility, oldestXmin, indexes == null, pruned);
          for (int i = 0; i < pruned.count; i++) {
            HeapPrune.apply(p, block, pruned.slots[i], pruned.actions[i], pruned.targets[i]);
            action(pruned.slots[i], pruned.actions[i], pruned.targets[i]);
          }
          if (indexes != null) {
            // Every DEAD slot, left over or just made, in slot order (batches stay ascending).
            for (int s = 0; s < n; s++) {
              if (SlottedPage.state(p, s) == SlottedPage.DEAD) {
                collect(block, s);
              }
            }
          }
          removed += pruned.removed;
          markedDead += pruned.markedDead;
          freed += pruned.freed;
          int pruneActions = count;
          for (int s = 0; s < n; s++) {
            if (SlottedPage.state(p, s) == SlottedPage.NORMAL) {
              examine(p, buf, block, s);
            }
          }
          if (count > 0) {
            logActions(buf, block, pruneActions, HeapRecords.PRUNE);
          }
          markIfAllVisible(buf);
          fsm.record(relation, block, SlottedPage.freeSpaceAfterCompaction(p));
        } finally {
          buf.unlatch();
        }
      }
    }

    /** Decides what to do with the version in slot {@code s} (a NORMAL slot). */
    private void examine(byte[] p, Buffer buf, int block, int s) {
      int off = SlottedPage.offset(p, s);
      VacuumVerdict verdict = visibility.satisfiesVacuum(p, off, buf, oldestXmin);
      kept++;
      if (verdict == VacuumVerdict.DEAD) {
        // Pruning kept it: a DEAD member behind one that is not (see HeapPrune). It goes with
        // the chain's prefix once the horizon passes its predecessors.
        deadKept++;
        return;
      }
      if (verdict == VacuumVerdict.RECENTLY_DEAD || verdict == VacuumVerdict.DELETE_IN_PROGRESS) {
        deadKept++;
      }
      int mask = TupleHeader.infomask(p, off);
      long xmin = TupleHeader.xmin(p, off);
      boolean frozenNow = (mask & TupleHeader.XMIN_FROZEN) != 0;
      if (verdict == VacuumVerdict.LIVE && !frozenNow && xmin < oldestXmin) {
        action(s, HeapRecords.ACTION_FREEZE);
        frozen++;
        frozenNow = true;
      }
      boolean xmaxMeaningless = verdict == VacuumVerdict.LIVE && TupleHeader.xmax(p, off) != 0
          && (mask & TupleHeader.XMAX_INVALID) != 0
          || verdict == VacuumVerdict.LIVE && (mask & TupleHeader.XMAX_LOCK_ONLY) != 0
              && !visibility.status().isInProgress(TupleHeader.xmax(p, off));
      if (xmaxMeaningless) {
        action(s, HeapRecords.ACTION_CLEAR_XMAX);
      }
      if (!frozenNow && Xids.isNormal(xmin)) {
        oldestUnfrozen = Math.min(oldestUnfrozen, xmin);
      }
      long xmax = TupleHeader.xmax(p, off);
      if (!xmaxMeaningless && Xids.isNormal(xmax) && (mask & TupleHeader.XMAX_INVALID) == 0) {
        oldestUnfrozen = Math.min(oldestUnfrozen, xmax);
      }
    }

    /**
     * Applies the queued actions from {@code from} on (those before were applied while planning),
     * compacts, and logs them all: a PRUNE record (phase 1) or a VACUUM record (phase 3).
     */
    private void logActions(Buffer buf, int block, int from, int type) {
      byte[] p = buf.data();
      for (int i = from; i < count; i++) {
        HeapPrune.apply(p, block, slots[i], actions[i], targets[i]);
      }
      // Always compact, as replay does, so the replayed page has the same byte layout.
      SlottedPage.compact(p);
      byte[] payload = type == HeapRecords.PRUNE ? HeapRecords.prune(slots, actions, targets, count)
          : HeapRecords.vacuum(slots, actions, count);
      wal.logPageChange(buf, ResourceManagers.HEAP, type, 0, payload);
    }

    /** Phases 2 and 3 for the tids collected so far. */
    private void indexPass() {
      DeadTids batch = DeadTids.ofSorted(dead, deadCount);
      deadCount = 0;
      indexes.removeEntries(batch);
      indexPasses++;
      int i = 0;
      while (i < batch.size()) {
        int block = batch.block(i);
        int j = i;
        while (j < batch.size() && batch.block(j) == block) {
          j++;
        }
        freeDead(block, batch, i, j);
        i = j;
      }
    }

    /** Phase 3 on one page: the batch's slots {@code [from, to)} of {@code block}, DEAD, become UNUSED. */
    private void freeDead(int block, DeadTids batch, int from, int to) {
      try (Buffer buf = pool.pin(new PageId(relation, block))) {
        buf.latchExclusive();
        try {
          byte[] p = buf.data();
          int n = SlottedPage.slotCount(p);
          count = 0;
          for (int k = from; k < to; k++) {
            int slot = batch.slot(k);
            // Nothing but this (serialised) vacuum changes a DEAD slot; the check is a safeguard.
            if (slot < n && SlottedPage.state(p, slot) == SlottedPage.DEAD) {
              action(slot, HeapRecords.ACTION_UNUSED);
              freed++;
            }
          }
          if (count > 0) {
            logActions(buf, block, 0, HeapRecords.VACUUM);
          }
          markIfAllVisible(buf);
          fsm.record(relation, block, SlottedPage.freeSpaceAfterCompaction(p));
        } finally {
          buf.unlatch();
        }
      }
    }

    private void markIfAllVisible(Buffer buf) {
      byte[] p = buf.data();
      if (!VisibilityMap.pageFlag(p) && allVisible(p, buf) && visibilityMap.markAllVisible(relation, buf)) {
        markedAllVisible++;
      }
    }

    /**
     * The all-visible test, under the page's exclusive latch: no DEAD slot (a REDIRECT is fine: its
     * chain's surviving members are tested like any tuple, and they carry the keys of the root's
     * index entries, see {@code HotChain}), and
     * every NORMAL tuple LIVE for vacuum, with xmin frozen or committed below {@code oldestXmin}
     * (so every running and future snapshot sees it), and no valid xmax (not deleted, updated or
     * locked by anyone: a lock would have to be cleared by the next writer anyway). With eager
     * freezing, a qualifying tuple has just been frozen; the xmin test keeps the rule right if
     * freezing becomes age-based.
     */
    private boolean allVisible(byte[] p, Buffer buf) {
      int n = SlottedPage.slotCount(p);
      for (int s = 0; s < n; s++) {
        int state = SlottedPage.state(p, s);
        if (state == SlottedPage.DEAD) {
          return false;
        }
        if (state != SlottedPage.NORMAL) {
          continue;
        }
        int off = SlottedPage.offset(p, s);
        if (visibility.satisfiesVacuum(p, off, buf, oldestXmin) != VacuumVerdict.LIVE) {
          return false;
        }
        int mask = TupleHeader.infomask(p, off);
        if ((mask & TupleHeader.XMIN_FROZEN) == 0 && TupleHeader.xmin(p, off) >= oldestXmin) {
          return false;
        }
        if (TupleHeader.xmax(p, off) != 0 && (mask & TupleHeader.XMAX_INVALID) == 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** Applies one vacuum action to a page (shared by vacuum and its redo). */
  static void apply(byte[] p, int block, int slot, byte action) {
    switch (action) {
      case HeapRecords.ACTION_UNUSED -> SlottedPage.setUnused(p, slot);
      case HeapRecords.ACTION_DEAD -> SlottedPage.setDead(p, slot);
      case HeapRecords.ACTION_FREEZE -> {
        int off = SlottedPage.offset(p, slot);
        TupleHeader.setInfomask(p, off, TupleHeader.infomask(p, off) | TupleHeader.XMIN_FROZEN
            | TupleHeader.XMIN_COMMITTED);
      }
      case HeapRecords.ACTION_CLEAR_XMAX -> {
        int off = SlottedPage.offset(p, slot);
        TupleHeader.setXmax(p, off, 0);
        int mask = TupleHeader.infomask(p, off) & ~(TupleHeader.XMAX_COMMITTED | TupleHeader.XMAX_LOCK_ONLY
            | TupleHeader.UPDATED | TupleHeader.KEYS_UPDATED | TupleHeader.HOT_UPDATED);
        TupleHeader.setInfomask(p, off, mask | TupleHeader.XMAX_INVALID);
        TupleHeader.setCtid(p, off, new Tid(block, slot));
      }
      default -> throw new IllegalStateException("unknown vacuum action " + action);
    }
  }
}
