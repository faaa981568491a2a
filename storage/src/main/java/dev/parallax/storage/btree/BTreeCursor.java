package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import java.util.Arrays;

/**
 * A scan over the entries of a {@link BTree} within {@link ScanBounds}, forward or backward.
 *
 * <p>The cursor reads a leaf at a time: under the leaf's shared latch it copies every qualifying
 * entry and notes where to go next, then releases the latch, so a slow consumer never holds up
 * writers. Forward, "next" is the right link read with the page: a later split of that page only
 * moves entries we already copied into a new page between it and the right link, so nothing that
 * existed when the scan started is missed or returned twice. Backward, there are no left links;
 * "next" is the leaf's low bound, and the cursor descends again for the largest entries below it
 * (the low bound of a page never changes, since splits only add pages on its right).
 *
 * <p>Callers check each TID against their snapshot in the heap: the tree knows nothing of
 * visibility, and holds entries for every version until vacuum removes the dead ones.
 */
public final class BTreeCursor {
  private final BTree tree;
  private final ScanBounds bounds;
  private final boolean forward;
  private byte[][] batch = new byte[16][];
  private int size;
  private int index;
  private boolean started;
  private boolean done;
  /** Forward: the next leaf's block. */
  private int nextBlock;
  /** Backward: the low bound of the leaf read last; the next leaf holds the entries below it. */
  private byte[] nextBelow;
  private byte[] current;

  BTreeCursor(BTree tree, ScanBounds bounds, boolean forward) {
    this.tree = tree;
    this.bounds = bounds;
    this.forward = forward;
  }

  /** Advances to the next entry; false at the end. */
  public boolean next() {
    while (index >= size) {
      if (started && done) {
        current = null;
        return false;
      }
      fill();
    }
    current = batch[index++];
    return true;
  }

  /** The heap TID of the current entry (see {@link BTree#tidBlock}, {@link BTree#tidSlot}). */
  public long tid() {
    return BTreePage.decodeTid(current, current.length - BTreePage.TID_SIZE);
  }

  /** The key of the current entry (without its TID). */
  public byte[] key() {
    return Arrays.copyOf(current, current.length - BTreePage.TID_SIZE);
  }

  /** Bulk deletions begun when the current batch was copied, and whether none was running then. */
  private long deletesAtCopy;
  private boolean copiedWhileNoDeletion;

  /**
   * Whether the entries of the current batch still name the versions they were made for: no
   * bulk deletion (vacuum) was running when they were copied, and none has begun since. An
   * index-only scan may answer from the visibility map only then; otherwise it must look at the
   * heap. Read the visibility map first, then this: vacuum begins its deletion before it frees
   * slots and sets the map.
   */
  public boolean entriesStillCurrent() {
    return copiedWhileNoDeletion && tree.bulkDeletesStarted() == deletesAtCopy;
  }

  private void fill() {
    size = 0;
    index = 0;
    // Finished first, then begun: equal means no deletion ran between the two reads (and so none
    // runs during the copy below without raising "begun" past what we saw).
    long finished = tree.bulkDeletesFinished();
    deletesAtCopy = tree.bulkDeletesStarted();
    copiedWhileNoDeletion = finished == deletesAtCopy;
    if (forward) {
      Buffer buf;
      int slot;
      if (!started) {
        started = true;
        buf = tree.descend(bounds.lower() == null ? new byte[0] : bounds.lower(), false, false);
        slot = bounds.lower() == null ? BTreePage.firstData(buf.data()) : BTreePage.lowerBound(buf.data(), bounds.lower());
      } else {
        buf = tree.pin(nextBlock);
        buf.latchShared();
        slot = BTreePage.firstData(buf.data());
      }
      try {
        readForward(buf.data(), slot);
      } finally {
        buf.unlatch();
        buf.close();
      }
    } else {
      byte[] below = started ? nextBelow : bounds.backwardStart();
      boolean fromTop = !started && below == null;
      started = true;
      BTree.Landing at = tree.descendWithLow(fromTop ? null : below, true);
      Buffer buf = at.leaf();
      try {
        byte[] p = buf.data();
        int slot = fromTop ? BTreePage.count(p) - 1 : BTreePage.lowerBound(p, below) - 1;
        readBackward(p, slot, at.low());
      } finally {
        buf.unlatch();
        buf.close();
      }
    }
  }

  private void readForward(byte[] p, int slot) {
    int n = BTreePage.count(p);
    for (int s = slot; s < n; s++) {
      int off = BTreePage.itemOffset(p, s);
      int len = BTreePage.itemLength(p, s);
      if (!bounds.belowUpper(p, off, len)) {
        done = true;
        return;
      }
      if (bounds.aboveLower(p, off, len)) {
        add(Arrays.copyOfRange(p, off, off + len));
      }
    }
    if (BTreePage.isRightmost(p)
        || !bounds.belowUpper(p, BTreePage.itemOffset(p, 0), BTreePage.itemLength(p, 0))) {
      done = true;
    } else {
      nextBlock = BTreePage.rightLink(p);
    }
  }

  private void readBackward(byte[] p, int slot, byte[] low) {
    for (int s = slot; s >= BTreePage.firstData(p); s--) {
      int off = BTreePage.itemOffset(p, s);
      int len = BTreePage.itemLength(p, s);
      if (!bounds.aboveLower(p, off, len)) {
        done = true;
        return;
      }
      if (bounds.belowUpper(p, off, len)) {
        add(Arrays.copyOfRange(p, off, off + len));
      }
    }
    if (low == null || !bounds.aboveLower(low)) {
      done = true;
    } else {
      nextBelow = low;
    }
  }

  private void add(byte[] item) {
    if (size == batch.length) {
      batch = Arrays.copyOf(batch, size * 2);
    }
    batch[size++] = item;
  }
}
