package dev.parallax.storage.btree;

import dev.parallax.storage.SlottedPage;
import java.util.Arrays;

/**
 * The layout of a B+tree page: a {@link SlottedPage} whose items are kept in key order (slot
 * numbers are positions), with a 16-byte special space.
 *
 * <pre>
 *  special: | flags u16 | level u16 | right link i32 | reserved (8) |
 * </pre>
 *
 * <ul>
 *   <li>Block 0 is the metapage (flag {@link #META}); its special space holds the root's block and
 *       level instead (see {@link #metaRoot}). So a right link of 0 means "no right sibling".
 *   <li>A page that is not the rightmost of its level keeps its <em>high key</em> in slot 0: an
 *       upper bound, strictly greater than every item on the page and not greater than every item
 *       of its right sibling (Lehman and Yao). Its data items start at slot 1.
 *   <li>Leaf item: key bytes followed by the heap TID (block u32, slot u16, big-endian), so that
 *       comparing whole items as unsigned bytes orders by key, then by TID: every item of a tree
 *       is distinct, and a duplicate key is simply a run of items.
 *   <li>Internal item: separator bytes followed by the child's block (i32, little-endian, not
 *       part of the comparison). The child holds the items from its separator (inclusive) up to
 *       the next separator. The first data item of an internal page is "minus infinity": its
 *       separator is never compared (it is empty on the leftmost page of a level).
 *   <li>{@link #INCOMPLETE_SPLIT} on a page means it was split and its right sibling has no
 *       downlink in the parent yet (a crash between the two records). Searches do not care: the
 *       right link reaches the sibling. Writers finish such a split before they go on.
 * </ul>
 *
 * All methods are static over the page bytes; callers hold the page's latch.
 */
final class BTreePage {
  private BTreePage() {}

  static final int SPECIAL_SIZE = 16;
  static final int TID_SIZE = 6;
  static final int CHILD_SIZE = 4;

  static final int LEAF = 1;
  static final int META = 2;
  static final int INCOMPLETE_SPLIT = 4;

  static final int META_MAGIC = 0x42545245; // "BTRE"

  /** Items up to this size fit three to a page with their high key, as B+trees need. */
  static final int MAX_ITEM_SIZE = (SlottedPage.PAGE_SIZE - SlottedPage.HEADER_SIZE - SPECIAL_SIZE) / 3
      - SlottedPage.LINE_POINTER_SIZE - CHILD_SIZE;

  static void init(byte[] p, boolean leaf, int level, int rightLink) {
    SlottedPage.init(p, SPECIAL_SIZE);
    setFlags(p, leaf ? LEAF : 0);
    setLevel(p, level);
    setRightLink(p, rightLink);
  }

  private static int special(byte[] p) {
    return SlottedPage.PAGE_SIZE - SPECIAL_SIZE;
  }

  static int flags(byte[] p) {
    return SlottedPage.getShort(p, special(p));
  }

  static void setFlags(byte[] p, int flags) {
    SlottedPage.putShort(p, special(p), flags);
  }

  static boolean isLeaf(byte[] p) {
    return (flags(p) & LEAF) != 0;
  }

  static boolean isMeta(byte[] p) {
    return (flags(p) & META) != 0;
  }

  static boolean incompleteSplit(byte[] p) {
    return (flags(p) & INCOMPLETE_SPLIT) != 0;
  }

  static void setIncompleteSplit(byte[] p, boolean on) {
    setFlags(p, on ? flags(p) | INCOMPLETE_SPLIT : flags(p) & ~INCOMPLETE_SPLIT);
  }

  static int level(byte[] p) {
    return SlottedPage.getShort(p, special(p) + 2);
  }

  static void setLevel(byte[] p, int level) {
    SlottedPage.putShort(p, special(p) + 2, level);
  }

  static int rightLink(byte[] p) {
    return SlottedPage.getInt(p, special(p) + 4);
  }

  static void setRightLink(byte[] p, int block) {
    SlottedPage.putInt(p, special(p) + 4, block);
  }

  static boolean isRightmost(byte[] p) {
    return rightLink(p) == 0;
  }

  // ---- the metapage ---------------------------------------------------------------------------

  static void initMeta(byte[] p, int root, int rootLevel) {
    SlottedPage.init(p, SPECIAL_SIZE);
    setFlags(p, META);
    SlottedPage.putInt(p, special(p) + 4, META_MAGIC);
    setMetaRoot(p, root, rootLevel);
  }

  static int metaRoot(byte[] p) {
    return SlottedPage.getInt(p, special(p) + 8);
  }

  static int metaRootLevel(byte[] p) {
    return SlottedPage.getInt(p, special(p) + 12);
  }

  static void setMetaRoot(byte[] p, int root, int level) {
    SlottedPage.putInt(p, special(p) + 8, root);
    SlottedPage.putInt(p, special(p) + 12, level);
  }

  static boolean isValidMeta(byte[] p) {
    return !SlottedPage.isNew(p) && isMeta(p) && SlottedPage.getInt(p, special(p) + 4) == META_MAGIC;
  }

  // ---- items ----------------------------------------------------------------------------------

  /** Slot of the first data item (after the high key, if any). */
  static int firstData(byte[] p) {
    return isRightmost(p) ? 0 : 1;
  }

  static int count(byte[] p) {
    return SlottedPage.slotCount(p);
  }

  static int itemOffset(byte[] p, int slot) {
    return SlottedPage.offset(p, slot);
  }

  static int itemLength(byte[] p, int slot) {
    return SlottedPage.length(p, slot);
  }

  /** Length of the compared part of an item: all of a leaf item or high key, an internal item less its child. */
  static int keyLength(byte[] p, int slot) {
    int len = SlottedPage.length(p, slot);
    return isLeaf(p) || slot < firstData(p) ? len : len - CHILD_SIZE;
  }

  static byte[] item(byte[] p, int slot) {
    int off = itemOffset(p, slot);
    return Arrays.copyOfRange(p, off, off + itemLength(p, slot));
  }

  /** The compared bytes of the item at {@code slot}. */
  static byte[] key(byte[] p, int slot) {
    int off = itemOffset(p, slot);
    return Arrays.copyOfRange(p, off, off + keyLength(p, slot));
  }

  static int child(byte[] p, int slot) {
    int off = itemOffset(p, slot);
    return SlottedPage.getInt(p, off + itemLength(p, slot) - CHILD_SIZE);
  }

  static long tid(byte[] p, int slot) {
    int end = itemOffset(p, slot) + itemLength(p, slot);
    return decodeTid(p, end - TID_SIZE);
  }

  /** Compares {@code key} with the compared part of the item at {@code slot}. */
  static int compare(byte[] key, byte[] p, int slot) {
    int off = itemOffset(p, slot);
    return Arrays.compareUnsigned(key, 0, key.length, p, off, off + keyLength(p, slot));
  }

  /** True if the item at {@code slot} begins with {@code prefix}. */
  static boolean startsWith(byte[] p, int slot, byte[] prefix) {
    int len = keyLength(p, slot);
    if (len < prefix.length) {
      return false;
    }
    int off = itemOffset(p, slot);
    return Arrays.equals(prefix, 0, prefix.length, p, off, off + prefix.length);
  }

  /** True when {@code key} belongs to a page to the right of this one ({@code key >= high key}). */
  static boolean beyondHighKey(byte[] key, byte[] p) {
    return !isRightmost(p) && compare(key, p, 0) >= 0;
  }

  /** First data slot whose item is {@code >= key} ({@code count} if none). */
  static int lowerBound(byte[] p, byte[] key) {
    int lo = firstData(p);
    int hi = count(p);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(key, p, mid) > 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** First data slot whose item is {@code > key}. */
  static int upperBound(byte[] p, byte[] key) {
    int lo = firstData(p);
    int hi = count(p);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(key, p, mid) >= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * On an internal page: the slot of the downlink to follow for {@code key}, the last data item
   * whose separator is {@code <= key} ({@code strict}: {@code < key}), the first counting as
   * minus infinity.
   */
  static int childSlot(byte[] p, byte[] key, boolean strict) {
    int first = firstData(p);
    int lo = first + 1;
    int hi = count(p);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(key, p, mid);
      if (c > 0 || c == 0 && !strict) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  // ---- TIDs -----------------------------------------------------------------------------------

  /** Packs a heap TID as {@code block << 16 | slot}. */
  static long packTid(int block, int slot) {
    return ((long) block << 16) | (slot & 0xFFFF);
  }

  static void encodeTid(long tid, byte[] out, int off) {
    int block = (int) (tid >>> 16);
    out[off] = (byte) (block >>> 24);
    out[off + 1] = (byte) (block >>> 16);
    out[off + 2] = (byte) (block >>> 8);
    out[off + 3] = (byte) block;
    out[off + 4] = (byte) (tid >>> 8);
    out[off + 5] = (byte) tid;
  }

  static long decodeTid(byte[] p, int off) {
    long block = ((p[off] & 0xFFL) << 24) | ((p[off + 1] & 0xFFL) << 16) | ((p[off + 2] & 0xFFL) << 8)
        | (p[off + 3] & 0xFFL);
    int slot = ((p[off + 4] & 0xFF) << 8) | (p[off + 5] & 0xFF);
    return (block << 16) | slot;
  }

  /** A leaf item: {@code key} then the TID. */
  static byte[] leafItem(byte[] key, long tid) {
    byte[] item = Arrays.copyOf(key, key.length + TID_SIZE);
    encodeTid(tid, item, key.length);
    return item;
  }

  /** An internal item: {@code separator} then the child block. */
  static byte[] internalItem(byte[] separator, int child) {
    byte[] item = Arrays.copyOf(separator, separator.length + CHILD_SIZE);
    SlottedPage.putInt(item, separator.length, child);
    return item;
  }
}
