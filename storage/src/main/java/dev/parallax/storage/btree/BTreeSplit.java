package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.ResourceManagers;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.WriteAheadLog;
import java.util.ArrayList;
import java.util.List;

/**
 * Splitting a full page in two. The left page keeps its block (so the downlink and right link
 * pointing at it stay right); the right half goes to a new block linked in between the left page
 * and its old right sibling. Both pages are rewritten and logged as images in one record, and the
 * left page is flagged INCOMPLETE_SPLIT until its parent has a downlink to the right half.
 *
 * <p>Where to split: in the middle by bytes, except for an insert at the very end of the rightmost
 * page of a level (ascending keys, the usual load pattern), where the left page is left 90% full
 * so that a sequential load does not leave every page half empty.
 */
final class BTreeSplit {
  private BTreeSplit() {}

  /** The two halves (both still latched) and the separator: the right page's lowest key. */
  record Result(Buffer right, byte[] separator) {}

  private static final int CAPACITY = SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE - BTreePage.SPECIAL_SIZE;

  /**
   * Splits the exclusively latched {@code buf} while adding {@code item} at data position
   * {@code pos}. {@code child}, if not null, is the lower-level page whose split this item
   * completes; its flag is cleared in the same record.
   */
  static Result split(BTree tree, WriteAheadLog wal, Buffer buf, int pos, byte[] item, Buffer child) {
    byte[] p = buf.data();
    boolean leaf = BTreePage.isLeaf(p);
    int level = BTreePage.level(p);
    int oldRight = BTreePage.rightLink(p);
    byte[] highKey = BTreePage.isRightmost(p) ? null : BTreePage.item(p, 0);
    List<byte[]> items = new ArrayList<>();
    int first = BTreePage.firstData(p);
    int n = BTreePage.count(p);
    for (int s = first; s < n; s++) {
      if (s == pos) {
        items.add(item);
      }
      items.add(BTreePage.item(p, s));
    }
    if (pos == n) {
      items.add(item);
    }
    boolean append = highKey == null && pos == n;
    int k = splitPoint(items, append ? 0.9 : 0.5, leaf, highKey);

    byte[] sepItem = items.get(k);
    byte[] separator = leaf ? sepItem : java.util.Arrays.copyOf(sepItem, sepItem.length - BTreePage.CHILD_SIZE);
    Buffer right = tree.pool().extend(tree.relation());
    right.latchExclusive();
    byte[] r = right.data();
    BTreePage.init(r, leaf, level, oldRight);
    int slot = 0;
    if (highKey != null) {
      add(r, slot++, highKey);
    }
    for (int i = k; i < items.size(); i++) {
      add(r, slot++, items.get(i));
    }
    byte[] left = new byte[SlottedPage.PAGE_SIZE];
    BTreePage.init(left, leaf, level, right.id().block());
    BTreePage.setIncompleteSplit(left, true);
    add(left, 0, separator);
    for (int i = 0; i < k; i++) {
      add(left, i + 1, items.get(i));
    }
    // Everything but the LSN and checksum fields (bytes 0-11), which the log and the pool own.
    System.arraycopy(left, 12, p, 12, SlottedPage.PAGE_SIZE - 12);
    Buffer[] pages = child == null ? new Buffer[] {buf, right} : new Buffer[] {buf, right, child};
    if (child != null) {
      BTreePage.setIncompleteSplit(child.data(), false);
    }
    wal.logPageChange(pages, ResourceManagers.BTREE, BTreeRecords.SPLIT, 0, BTreeRecords.images(p, r));
    return new Result(right, separator);
  }

  private static void add(byte[] page, int slot, byte[] item) {
    if (!SlottedPage.insertOrdered(page, slot, item, 0, item.length)) {
      throw new IllegalStateException("btree split: item of " + item.length + " bytes does not fit");
    }
  }

  /**
   * The index of the first item of the right half: the left half gets about {@code fill} of the
   * bytes, both halves at least one item, and each half must fit with its high key.
   */
  private static int splitPoint(List<byte[]> items, double fill, boolean leaf, byte[] highKey) {
    int total = 0;
    for (byte[] it : items) {
      total += it.length + SlottedPage.LINE_POINTER_SIZE;
    }
    int target = (int) (total * fill);
    int acc = 0;
    int k = 1;
    for (int i = 0; i < items.size() - 1; i++) {
      acc += items.get(i).length + SlottedPage.LINE_POINTER_SIZE;
      k = i + 1;
      if (acc >= target) {
        break;
      }
    }
    while (!fits(items, k, leaf, highKey) && k > 1) {
      k--;
    }
    return k;
  }

  private static boolean fits(List<byte[]> items, int k, boolean leaf, byte[] highKey) {
    byte[] sep = items.get(k);
    int sepLen = leaf ? sep.length : sep.length - BTreePage.CHILD_SIZE;
    int left = sepLen + SlottedPage.LINE_POINTER_SIZE;
    for (int i = 0; i < k; i++) {
      left += items.get(i).length + SlottedPage.LINE_POINTER_SIZE;
    }
    int right = highKey == null ? 0 : highKey.length + SlottedPage.LINE_POINTER_SIZE;
    for (int i = k; i < items.size(); i++) {
      right += items.get(i).length + SlottedPage.LINE_POINTER_SIZE;
    }
    return left <= CAPACITY && right <= CAPACITY;
  }
}
