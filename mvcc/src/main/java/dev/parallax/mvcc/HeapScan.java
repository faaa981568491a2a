package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.BufferPool;
import dev.parallax.storage.PageId;
import dev.parallax.storage.SlottedPage;
import dev.parallax.txn.CurrentTransaction;
import dev.parallax.txn.Snapshot;
import java.util.NoSuchElementException;

/**
 * A sequential scan of one relation with a snapshot, page at a time: under the page's shared
 * latch it decides visibility of every item and copies the page once; the visible tuples are then
 * handed out from the copy with no latch or pin held between calls. So a slow consumer never
 * blocks writers, and compaction of the page after the copy cannot move bytes under a reader.
 *
 * <p>The block count is read once at start: pages added later can only hold versions inserted
 * after the snapshot (or by later commands of this transaction), which the scan must not see.
 *
 * <p>Not thread-safe: one consumer.
 */
public final class HeapScan {
  private final BufferPool pool;
  private final HeapVisibility visibility;
  private final int relation;
  private final Snapshot snapshot;
  private final CurrentTransaction tx;
  private final int blocks;

  private int nextBlock;
  private byte[] page;
  private int[] visibleSlots = new int[64];
  private int visibleCount;
  private int position;
  private long pagesRead;
  private long tuplesChecked;
  /** Streaming: one page buffer reused for every page, no HeapTuple per version (see {@link #advance}). */
  private final boolean streaming;
  private int currentSlot = -1;

  HeapScan(BufferPool pool, HeapVisibility visibility, int relation, Snapshot snapshot, CurrentTransaction tx) {
    this(pool, visibility, relation, snapshot, tx, false);
  }

  HeapScan(BufferPool pool, HeapVisibility visibility, int relation, Snapshot snapshot, CurrentTransaction tx,
      boolean streaming) {
    this.streaming = streaming;
    this.pool = pool;
    this.visibility = visibility;
    this.relation = relation;
    this.snapshot = snapshot;
    this.tx = tx;
    this.blocks = pool.blockCount(relation);
  }

  public boolean hasNext() {
    while (position >= visibleCount) {
      if (nextBlock >= blocks) {
        return false;
      }
      readPage(nextBlock++);
    }
    return true;
  }

  public HeapTuple next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int slot = visibleSlots[position++];
    return new HeapTuple(new Tid(nextBlock - 1, slot), page,
        SlottedPage.offset(page, slot), SlottedPage.length(page, slot));
  }

  /**
   * Streaming scans only: moves to the next visible version without creating a {@link HeapTuple};
   * the version's bytes are then in {@link #pageBytes()} at {@link #itemOffset()}. They stay valid
   * only until the scan moves to another page (the page buffer is reused), which suits consumers
   * that use a row before asking for the next one, as the executor's nodes do.
   */
  public boolean advance() {
    if (!hasNext()) {
      return false;
    }
    currentSlot = visibleSlots[position++];
    return true;
  }

  public byte[] pageBytes() {
    return page;
  }

  /** Offset of the current version's item (its tuple header) in {@link #pageBytes()}. */
  public int itemOffset() {
    return SlottedPage.offset(page, currentSlot);
  }

  public int currentBlock() {
    return nextBlock - 1;
  }

  public int currentSlot() {
    return currentSlot;
  }

  /** Pages read so far (a scan metric). */
  public long pagesRead() {
    return pagesRead;
  }

  /** Items whose visibility was checked so far. */
  public long tuplesChecked() {
    return tuplesChecked;
  }

  private void readPage(int block) {
    visibleCount = 0;
    position = 0;
    try (Buffer buf = pool.pin(new PageId(relation, block))) {
      buf.latchShared();
      try {
        byte[] p = buf.data();
        if (SlottedPage.isNew(p)) {
          return;
        }
        int n = SlottedPage.slotCount(p);
        if (visibleSlots.length < n) {
          visibleSlots = new int[n];
        }
        for (int s = 0; s < n; s++) {
          if (SlottedPage.state(p, s) != SlottedPage.NORMAL) {
            continue;
          }
          tuplesChecked++;
          if (visibility.satisfiesMvcc(p, SlottedPage.offset(p, s), buf, snapshot, tx)) {
            visibleSlots[visibleCount++] = s;
          }
        }
        if (visibleCount > 0) {
          if (streaming) {
            // One buffer for the whole scan: what was handed out is used before the next page.
            if (page == null) {
              page = new byte[p.length];
            }
            System.arraycopy(p, 0, page, 0, p.length);
          } else {
            // A fresh copy per page: tuples handed out earlier keep referring to the previous copy.
            page = p.clone();
          }
        }
      } finally {
        buf.unlatch();
      }
    }
    pagesRead++;
  }
}
