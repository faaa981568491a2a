package dev.parallax.storage.btree;

import dev.parallax.storage.SlottedPage;
import java.util.Arrays;

/**
 * The B+tree's redo record types and payloads. Structural changes (creation, splits, a new root,
 * bulk build) log whole page images, which makes their replay trivially deterministic and costs
 * little: a split happens once per page-full of inserts. Single-item inserts and vacuum deletions
 * log just what changed.
 *
 * <pre>
 * CREATE    pages [meta, root leaf]          | (none)                                      |
 * INSERT    pages [page] or [page, child]    | slot u16 | item bytes                      |  child: clear its INCOMPLETE_SPLIT
 * SPLIT     pages [left, right] (+ [child])  | image(left) | image(right)                  |  child: clear its INCOMPLETE_SPLIT
 * NEW_ROOT  pages [root, meta, left]         | image(root)                                |  meta points at root; left's flag cleared
 * DELETE    pages [leaf]                     | count u16 | count x slot u16 (ascending)    |  then compaction
 * IMAGE     pages [page]                     | image(page)                                |  bulk build, one record per page
 * </pre>
 *
 * An image is {@code lower u16 | upper u16 | bytes [0, lower) | bytes [upper, page end)}: the free
 * hole between line pointers and items is not stored.
 */
final class BTreeRecords {
  private BTreeRecords() {}

  static final int CREATE = 1;
  static final int INSERT = 2;
  static final int SPLIT = 3;
  static final int NEW_ROOT = 4;
  static final int DELETE = 5;
  static final int IMAGE = 6;

  static byte[] insert(int slot, byte[] item) {
    byte[] out = new byte[2 + item.length];
    SlottedPage.putShort(out, 0, slot);
    System.arraycopy(item, 0, out, 2, item.length);
    return out;
  }

  static int imageSize(byte[] p) {
    return 4 + SlottedPage.lower(p) + SlottedPage.PAGE_SIZE - SlottedPage.upper(p);
  }

  static int writeImage(byte[] p, byte[] out, int pos) {
    int lower = SlottedPage.lower(p);
    int upper = SlottedPage.upper(p);
    SlottedPage.putShort(out, pos, lower);
    SlottedPage.putShort(out, pos + 2, upper);
    System.arraycopy(p, 0, out, pos + 4, lower);
    System.arraycopy(p, upper, out, pos + 4 + lower, SlottedPage.PAGE_SIZE - upper);
    return pos + 4 + lower + SlottedPage.PAGE_SIZE - upper;
  }

  /** Restores an image written at {@code pos}; returns the position after it. */
  static int readImage(byte[] in, int pos, byte[] p) {
    int lower = SlottedPage.getShort(in, pos);
    int upper = SlottedPage.getShort(in, pos + 2);
    Arrays.fill(p, (byte) 0);
    System.arraycopy(in, pos + 4, p, 0, lower);
    System.arraycopy(in, pos + 4 + lower, p, upper, SlottedPage.PAGE_SIZE - upper);
    return pos + 4 + lower + SlottedPage.PAGE_SIZE - upper;
  }

  static byte[] images(byte[]... pages) {
    int size = 0;
    for (byte[] p : pages) {
      size += imageSize(p);
    }
    byte[] out = new byte[size];
    int pos = 0;
    for (byte[] p : pages) {
      pos = writeImage(p, out, pos);
    }
    return out;
  }

  static byte[] delete(int[] slots, int count) {
    byte[] out = new byte[2 + 2 * count];
    SlottedPage.putShort(out, 0, count);
    for (int i = 0; i < count; i++) {
      SlottedPage.putShort(out, 2 + 2 * i, slots[i]);
    }
    return out;
  }

  /** Removes the listed slots (ascending) and compacts; shared by vacuum and its replay. */
  static void applyDelete(byte[] p, int[] slots, int count) {
    for (int i = count - 1; i >= 0; i--) {
      SlottedPage.deleteOrdered(p, slots[i]);
    }
    SlottedPage.compact(p);
  }
}
