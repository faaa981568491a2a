package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.PageId;
import dev.parallax.storage.RedoContext;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.WalRecord;
import dev.parallax.storage.WriteAheadLog;
import java.util.Arrays;

/**
 * The visibility map: one bit per heap page meaning "every tuple on this page is visible to every
 * transaction, now and later" (all-visible), so that an index-only scan can answer from the index
 * without fetching the heap page.
 *
 * <h2>Layout</h2>
 * A separate relation per heap relation, numbered {@code heap | 1 << 30} (heap relation numbers
 * stay below 2^30), created on the first set and dropped with the heap ({@link #dropWithHeap}).
 * Its pages are ordinary pages for the storage layer (header, LSN, checksum, full-page images):
 * the 24-byte page header, then bits, {@link #BITS_PER_PAGE} heap pages per map page. The page is
 * initialised with all of it as "special space", so lower = upper and a full-page image has no
 * hole that would drop the bits. A missing relation, a missing page or an all-zero page reads as
 * all bits clear. Each heap page also carries the same fact as a header flag,
 * {@link #PAGE_ALL_VISIBLE}: writers test the flag on the page they already hold, and only then
 * touch the map.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>bit set &rArr; flag set &rArr; every NORMAL tuple on the heap page is LIVE with a
 *       committed xmin below some past oldestXmin and no valid xmax, and the page has no DEAD
 *       line pointer.</b> Index-only scans trust the bit; a bit left set on a page holding a
 *       tuple that some snapshot must not see (an insert in progress, a delete) returns wrong
 *       answers. So clearing must never be lost, at run time or in replay.
 *   <li>Both are set together by vacuum, under the heap page's exclusive latch and then the map
 *       page's, in one record naming both pages ({@link HeapRecords#SET_ALL_VISIBLE}).
 *   <li>Every logged heap change (insert, update on both pages, delete, lock) clears the flag of
 *       each heap page it touches, and, when a flag was set, clears the bit under the map page's
 *       exclusive latch taken after the heap latch and before the record is logged: the map page
 *       is one of the record's pages ({@link #logHeapChange}). Latch order is always heap pages
 *       (in block order) and then map pages (in block order), never the reverse, so no cycle.
 *   <li>Replay of a heap change record clears the flag on its heap pages and the bits of its heap
 *       pages on its map pages; replay of a set record sets both. Replay reproduces run-time bytes.
 * </ul>
 *
 * <h2>Why the map page is in the heap record</h2>
 * The alternative was to clear the bit after logging the heap change, dirtying the map page as a
 * hint ({@link Buffer#markDirtyHint()}), and to clear it again when replaying the heap record
 * through {@link RedoContext#bufferPool()}. It has three holes: (1) recovery calls no handler for a
 * record whose pages are all current, so if the heap page reached disk and the map page did not,
 * nothing would clear the bit after a crash (bit set, flag clear: later changes no longer clear the
 * bit); (2) pages changed in replay outside a record are dirtied without a full-page image, so a
 * torn write of the map page during the end-of-recovery checkpoint could not be repaired (the log
 * cannot be appended to during replay); (3) it needs storage hooks for both. Naming the map page
 * in the record costs one more page reference (and its full image after a checkpoint) only on the
 * first change to an all-visible page, and replay then follows the ordinary page-LSN rules.
 *
 * <h2>Concurrency</h2>
 * Readers ({@link #isAllVisible}) take the map page's shared latch only. A writer clears the bit
 * before its change is visible to anyone who could act on it: an index entry for a new version is
 * inserted after the heap insert returns, by which time the bit is already clear.
 */
final class VisibilityMap {
  /** Added to a heap relation number to name its map. */
  static final int RELATION_BIT = 1 << 30;
  /** Heap pages covered by one map page: every bit after the page header. */
  static final int BITS_PER_PAGE = (SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE) * 8;
  /**
   * Heap page header flag (SlottedPage flags; the flags word belongs to the page's kind): every
   * tuple on the page is visible to all. Set only together with the map bit.
   */
  static final int PAGE_ALL_VISIBLE = 0x0001;

  private final BufferPool pool;
  private final WriteAheadLog wal;
  /** Serialises creating and extending maps with dropping them, so no map outlives its heap. */
  private final Object createLock = new Object();

  VisibilityMap(BufferPool pool, WriteAheadLog wal) {
    this.pool = pool;
    this.wal = wal;
  }

  static int mapRelation(int heapRelation) {
    if (heapRelation < 0 || heapRelation >= RELATION_BIT) {
      throw new IllegalArgumentException("relation " + heapRelation + " cannot have a visibility map");
    }
    return heapRelation | RELATION_BIT;
  }

  static boolean isMapRelation(int relation) {
    return (relation & RELATION_BIT) != 0;
  }

  static int mapBlock(int heapBlock) {
    return heapBlock / BITS_PER_PAGE;
  }

  // ---- page bits -------------------------------------------------------------------------------

  static boolean pageFlag(byte[] heapPage) {
    return (SlottedPage.flags(heapPage) & PAGE_ALL_VISIBLE) != 0;
  }

  static void setPageFlag(byte[] heapPage) {
    SlottedPage.setFlags(heapPage, SlottedPage.flags(heapPage) | PAGE_ALL_VISIBLE);
  }

  static void clearPageFlag(byte[] heapPage) {
    SlottedPage.setFlags(heapPage, SlottedPage.flags(heapPage) & ~PAGE_ALL_VISIBLE);
  }

  private static int byteOf(int heapBlock) {
    return SlottedPage.HEADER_SIZE + (heapBlock % BITS_PER_PAGE) / 8;
  }

  private static int maskOf(int heapBlock) {
    return 1 << (heapBlock % 8);
  }

  static boolean bit(byte[] mapPage, int heapBlock) {
    return !SlottedPage.isNew(mapPage) && (mapPage[byteOf(heapBlock)] & maskOf(heapBlock)) != 0;
  }

  private static void setBit(byte[] mapPage, int heapBlock) {
    if (SlottedPage.isNew(mapPage)) {
      // All of the page after the header is special space: lower == upper, no image hole.
      SlottedPage.init(mapPage, SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE);
    }
    mapPage[byteOf(heapBlock)] |= (byte) maskOf(heapBlock);
  }

  private static void clearBit(byte[] mapPage, int heapBlock) {
    if (!SlottedPage.isNew(mapPage)) {
      mapPage[byteOf(heapBlock)] &= (byte) ~maskOf(heapBlock);
    }
  }

  // ---- query -----------------------------------------------------------------------------------

  /** The map bit of a heap page; false when the map or its page does not exist. */
  boolean isAllVisible(int relation, int block) {
    int map = mapRelation(relation);
    int mapBlock = mapBlock(block);
    if (!pool.relationExists(map) || mapBlock >= pool.blockCount(map)) {
      return false;
    }
    try (Buffer b = pool.pin(new PageId(map, mapBlock))) {
      b.latchShared();
      try {
        return bit(b.data(), block);
      } finally {
        b.unlatch();
      }
    }
  }

  // ---- clear (every heap change) -----------------------------------------------------------------

  /**
   * Logs a heap change already applied to {@code heapPages} (all of one relation, exclusively
   * latched by the caller). Clears the all-visible flag of each; for those whose flag was set, also
   * latches their map pages (after the heap pages: the one latch order), clears the bits and logs
   * the map pages as part of the same record. Returns the record's end LSN.
   */
  long logHeapChange(int relation, Buffer[] heapPages, int info, long xid, byte[] payload) {
    int[] mapBlocks = new int[heapPages.length];
    int n = 0;
    for (Buffer b : heapPages) {
      if (pageFlag(b.data())) {
        clearPageFlag(b.data());
        mapBlocks[n++] = mapBlock(b.id().block());
      }
    }
    if (n == 0) {
      return wal.logPageChange(heapPages, ResourceManagers.HEAP, info, xid, payload);
    }
    mapBlocks = Arrays.stream(mapBlocks, 0, n).distinct().sorted().toArray();
    int map = mapRelation(relation);
    Buffer[] all = Arrays.copyOf(heapPages, heapPages.length + mapBlocks.length);
    int count = heapPages.length;
    try {
      for (int mb : mapBlocks) {
        // A flag without its map page cannot arise (they are set together); if it did, the bit
        // is clear already and there is nothing to log for the map.
        if (pool.relationExists(map) && mb < pool.blockCount(map)) {
          Buffer m = pool.pin(new PageId(map, mb));
          m.latchExclusive();
          all[count++] = m;
          for (Buffer h : heapPages) {
            if (mapBlock(h.id().block()) == mb) {
              clearBit(m.data(), h.id().block());
            }
          }
        }
      }
      return wal.logPageChange(Arrays.copyOf(all, count), ResourceManagers.HEAP, info, xid, payload);
    } finally {
      for (int i = heapPages.length; i < count; i++) {
        all[i].unlatch();
        all[i].close();
      }
    }
  }

  // ---- set (vacuum) --------------------------------------------------------------------------------

  /**
   * Marks the heap page all-visible: the caller holds its exclusive latch and has checked that
   * every tuple on it qualifies (see the class invariants) and that its flag is clear. Returns
   * false if the heap relation was dropped meanwhile.
   */
  boolean markAllVisible(int relation, Buffer heap) {
    int block = heap.id().block();
    Buffer m = pinForSet(relation, mapBlock(block));
    if (m == null) {
      return false;
    }
    try {
      m.latchExclusive();
      try {
        setBit(m.data(), block);
        setPageFlag(heap.data());
        wal.logPageChange(new Buffer[] {heap, m}, ResourceManagers.HEAP, HeapRecords.SET_ALL_VISIBLE, 0,
            new byte[0]);
        return true;
      } finally {
        m.unlatch();
      }
    } finally {
      m.close();
    }
  }

  /** Pins a map page, creating the map and extending it first as needed; null if the heap is gone. */
  private Buffer pinForSet(int relation, int mapBlock) {
    int map = mapRelation(relation);
    synchronized (createLock) {
      if (!pool.relationExists(relation)) {
        return null;
      }
      pool.createRelation(map); // idempotent; logged when it creates
      while (pool.blockCount(map) <= mapBlock) {
        // A new page stays all-zero (all bits clear) until a set record initialises it.
        pool.extend(map).close();
      }
    }
    return pool.pin(new PageId(map, mapBlock));
  }

  /** Drops the map, then the heap: never the other way, or a crash could leave a map behind. */
  void dropWithHeap(int relation) {
    int map = mapRelation(relation);
    synchronized (createLock) {
      if (pool.relationExists(map)) {
        pool.dropRelation(map);
      }
      pool.dropRelation(relation);
    }
  }

  // ---- redo ----------------------------------------------------------------------------------------

  /** Number of heap pages at the front of a heap record's page list (map pages follow). */
  static int heapPageCount(WalRecord r) {
    int n = 0;
    for (PageId id : r.pages()) {
      if (!isMapRelation(id.relation())) {
        n++;
      }
    }
    return n;
  }

  /**
   * Replays the visibility part of a heap change record, after its heap part: clears the flag of
   * every heap page that needs redo and, on every map page that needs redo, the bits of the
   * record's heap pages it covers (exactly what {@link #logHeapChange} did).
   */
  static void redoClear(WalRecord r, RedoContext ctx) {
    PageId[] ids = r.pages();
    int heapPages = heapPageCount(r);
    for (int i = 0; i < ids.length; i++) {
      Buffer b = ctx.page(i);
      if (b == null) {
        continue;
      }
      if (i < heapPages) {
        clearPageFlag(b.data());
      } else {
        for (int h = 0; h < heapPages; h++) {
          if (mapBlock(ids[h].block()) == ids[i].block()) {
            clearBit(b.data(), ids[h].block());
          }
        }
      }
    }
  }

  /** Replays {@link HeapRecords#SET_ALL_VISIBLE}: pages [heap, map]. */
  static void redoSet(WalRecord r, RedoContext ctx) {
    Buffer heap = ctx.page(0);
    if (heap != null) {
      setPageFlag(heap.data());
    }
    Buffer m = ctx.page(1);
    if (m != null) {
      setBit(m.data(), r.pages()[0].block());
    }
  }
}
