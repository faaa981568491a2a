package dev.parallax.storage;

/**
 * The layout of every 8 KiB page: a header, an array of line pointers growing forward, item data
 * growing backward from the special space, and an optional special space at the end (index pages
 * keep their sibling links there).
 *
 * <pre>
 *  0      8        12     14      16      18        20        24
 *  | lsn  | checksum| flags| lower | upper | special | reserved | line pointers ... -> free <- ... items | special |
 * </pre>
 *
 * <p>A line pointer is one int: {@code offset:15 | state:2 | length:15}. Items are addressed by
 * slot number (0-based), which never changes while the item lives: compaction moves bytes, not
 * slots, so a tuple id (block, slot) stays valid. A slot can be UNUSED (free for reuse), NORMAL,
 * REDIRECT (its offset field holds another slot of the same page) or DEAD (the item is gone but
 * something may still point at the slot).
 *
 * <p>All methods are static over the raw page bytes, so they work on a buffer frame in place. The
 * caller holds the appropriate content latch. The checksum field is owned by the storage layer,
 * which sets it on write-out and verifies it on read-in.
 */
public final class SlottedPage {
  private SlottedPage() {}

  public static final int PAGE_SIZE = 8192;
  public static final int HEADER_SIZE = 24;
  public static final int LINE_POINTER_SIZE = 4;
  /** Largest item that fits on an empty page with no special space. */
  public static final int MAX_ITEM_SIZE = PAGE_SIZE - HEADER_SIZE - LINE_POINTER_SIZE;

  public static final int UNUSED = 0;
  public static final int NORMAL = 1;
  public static final int REDIRECT = 2;
  public static final int DEAD = 3;

  static final int OFF_LSN = 0;
  static final int OFF_CHECKSUM = 8;
  static final int OFF_FLAGS = 12;
  static final int OFF_LOWER = 14;
  static final int OFF_UPPER = 16;
  static final int OFF_SPECIAL = 18;

  /** Clears the page and sets it up empty with {@code specialSize} bytes reserved at the end. */
  public static void init(byte[] p, int specialSize) {
    java.util.Arrays.fill(p, (byte) 0);
    putShort(p, OFF_LOWER, HEADER_SIZE);
    putShort(p, OFF_UPPER, PAGE_SIZE - specialSize);
    putShort(p, OFF_SPECIAL, PAGE_SIZE - specialSize);
  }

  /** True for a page that was extended but never initialised (all zero header). */
  public static boolean isNew(byte[] p) {
    return getShort(p, OFF_UPPER) == 0;
  }

  public static long lsn(byte[] p) {
    return getLong(p, OFF_LSN);
  }

  public static void setLsn(byte[] p, long lsn) {
    putLong(p, OFF_LSN, lsn);
  }

  public static int checksum(byte[] p) {
    return getInt(p, OFF_CHECKSUM);
  }

  public static void setChecksum(byte[] p, int checksum) {
    putInt(p, OFF_CHECKSUM, checksum);
  }

  public static int flags(byte[] p) {
    return getShort(p, OFF_FLAGS);
  }

  public static void setFlags(byte[] p, int flags) {
    putShort(p, OFF_FLAGS, flags);
  }

  public static int lower(byte[] p) {
    return getShort(p, OFF_LOWER);
  }

  public static int upper(byte[] p) {
    return getShort(p, OFF_UPPER);
  }

  public static int specialStart(byte[] p) {
    return getShort(p, OFF_SPECIAL);
  }

  /** Number of line pointers (slots), whatever their state. */
  public static int slotCount(byte[] p) {
    return (lower(p) - HEADER_SIZE) / LINE_POINTER_SIZE;
  }

  /** Bytes available for one more item, counting the line pointer it may need. */
  public static int freeSpace(byte[] p) {
    int free = upper(p) - lower(p) - LINE_POINTER_SIZE;
    return Math.max(free, 0);
  }

  /** Bytes that {@link #compact} would make available (free space plus dead item storage). */
  public static int freeSpaceAfterCompaction(byte[] p) {
    int used = 0;
    int n = slotCount(p);
    for (int s = 0; s < n; s++) {
      if (state(p, s) == NORMAL) {
        used += length(p, s);
      }
    }
    int free = specialStart(p) - used - lower(p) - LINE_POINTER_SIZE;
    return Math.max(free, 0);
  }

  public static int state(byte[] p, int slot) {
    return (linePointer(p, slot) >>> 15) & 0x3;
  }

  public static int offset(byte[] p, int slot) {
    return linePointer(p, slot) >>> 17;
  }

  public static int length(byte[] p, int slot) {
    return linePointer(p, slot) & 0x7FFF;
  }

  /** For a REDIRECT slot: the slot it points to. */
  public static int redirectTarget(byte[] p, int slot) {
    return offset(p, slot);
  }

  /**
   * Adds an item, reusing the first UNUSED slot if any. Returns the slot, or -1 if the item does
   * not fit (the caller may {@link #compact} and retry, or use another page).
   */
  public static int addItem(byte[] p, byte[] item, int off, int len) {
    int n = slotCount(p);
    int slot = n;
    for (int s = 0; s < n; s++) {
      if (state(p, s) == UNUSED) {
        slot = s;
        break;
      }
    }
    return placeItem(p, slot, item, off, len) ? slot : -1;
  }

  public static int addItem(byte[] p, byte[] item) {
    return addItem(p, item, 0, item.length);
  }

  /**
   * Adds an item at a given slot, which must be UNUSED or at or past the end of the line-pointer
   * array (missing slots in between become UNUSED). Replay uses this to put an item exactly where
   * the original change put it. Returns false if it does not fit.
   */
  public static boolean addItemAt(byte[] p, int slot, byte[] item, int off, int len) {
    if (slot < slotCount(p) && state(p, slot) != UNUSED) {
      throw new IllegalStateException("slot " + slot + " is in use");
    }
    return placeItem(p, slot, item, off, len);
  }

  private static boolean placeItem(byte[] p, int slot, byte[] item, int off, int len) {
    if (len <= 0 || len > 0x7FFF) {
      throw new IllegalArgumentException("bad item length " + len);
    }
    int n = slotCount(p);
    int newLower = Math.max(lower(p), HEADER_SIZE + (slot + 1) * LINE_POINTER_SIZE);
    int newUpper = upper(p) - len;
    if (newUpper < newLower) {
      return false;
    }
    System.arraycopy(item, off, p, newUpper, len);
    for (int s = n; s < slot; s++) {
      setLinePointer(p, s, 0, UNUSED, 0);
    }
    putShort(p, OFF_LOWER, newLower);
    putShort(p, OFF_UPPER, newUpper);
    setLinePointer(p, slot, newUpper, NORMAL, len);
    return true;
  }

  // ---- ordered pages (index pages: items kept in key order, slot numbers shift) ----------

  /**
   * Inserts an item at position {@code slot}, shifting the line pointers at and after it up by
   * one (index pages keep items in key order, so their slot numbers are positions, not names).
   * Returns false if the item and its line pointer do not fit.
   */
  public static boolean insertOrdered(byte[] p, int slot, byte[] item, int off, int len) {
    if (len <= 0 || len > 0x7FFF) {
      throw new IllegalArgumentException("bad item length " + len);
    }
    int n = slotCount(p);
    if (slot < 0 || slot > n) {
      throw new IndexOutOfBoundsException("position " + slot + " of " + n);
    }
    int newLower = lower(p) + LINE_POINTER_SIZE;
    int newUpper = upper(p) - len;
    if (newUpper < newLower) {
      return false;
    }
    System.arraycopy(item, off, p, newUpper, len);
    int lp = HEADER_SIZE + slot * LINE_POINTER_SIZE;
    System.arraycopy(p, lp, p, lp + LINE_POINTER_SIZE, (n - slot) * LINE_POINTER_SIZE);
    putShort(p, OFF_LOWER, newLower);
    putShort(p, OFF_UPPER, newUpper);
    setLinePointer(p, slot, newUpper, NORMAL, len);
    return true;
  }

  /**
   * Removes the item at position {@code slot} of an ordered page, shifting later line pointers
   * down. The item's bytes stay until {@link #compact}.
   */
  public static void deleteOrdered(byte[] p, int slot) {
    int n = slotCount(p);
    if (slot < 0 || slot >= n) {
      throw new IndexOutOfBoundsException("position " + slot + " of " + n);
    }
    int lp = HEADER_SIZE + slot * LINE_POINTER_SIZE;
    System.arraycopy(p, lp + LINE_POINTER_SIZE, p, lp, (n - slot - 1) * LINE_POINTER_SIZE);
    putShort(p, OFF_LOWER, lower(p) - LINE_POINTER_SIZE);
  }

  public static void setDead(byte[] p, int slot) {
    setLinePointer(p, slot, 0, DEAD, 0);
  }

  public static void setUnused(byte[] p, int slot) {
    setLinePointer(p, slot, 0, UNUSED, 0);
  }

  public static void setRedirect(byte[] p, int slot, int targetSlot) {
    setLinePointer(p, slot, targetSlot, REDIRECT, 0);
  }

  /**
   * Moves the NORMAL items together at the end of the page, reclaiming the storage of items whose
   * slots are no longer NORMAL, and trims trailing UNUSED slots. Slot numbers do not change.
   */
  public static void compact(byte[] p) {
    int n = slotCount(p);
    while (n > 0 && state(p, n - 1) == UNUSED) {
      n--;
    }
    byte[] copy = p.clone();
    int top = specialStart(p);
    for (int s = 0; s < n; s++) {
      if (state(copy, s) == NORMAL) {
        int len = length(copy, s);
        top -= len;
        System.arraycopy(copy, offset(copy, s), p, top, len);
        setLinePointer(p, s, top, NORMAL, len);
      }
    }
    putShort(p, OFF_LOWER, HEADER_SIZE + n * LINE_POINTER_SIZE);
    putShort(p, OFF_UPPER, top);
  }

  private static int linePointer(byte[] p, int slot) {
    if (slot < 0 || slot >= slotCount(p)) {
      throw new IndexOutOfBoundsException("slot " + slot + " of " + slotCount(p));
    }
    return getInt(p, HEADER_SIZE + slot * LINE_POINTER_SIZE);
  }

  private static void setLinePointer(byte[] p, int slot, int offset, int state, int length) {
    putInt(p, HEADER_SIZE + slot * LINE_POINTER_SIZE, (offset << 17) | (state << 15) | length);
  }

  // Little-endian primitive access shared by page formats of the upper layers.

  public static int getShort(byte[] p, int off) {
    return (p[off] & 0xFF) | (p[off + 1] & 0xFF) << 8;
  }

  public static void putShort(byte[] p, int off, int v) {
    p[off] = (byte) v;
    p[off + 1] = (byte) (v >>> 8);
  }

  public static int getInt(byte[] p, int off) {
    return (int) INT.get(p, off);
  }

  public static void putInt(byte[] p, int off, int v) {
    INT.set(p, off, v);
  }

  public static long getLong(byte[] p, int off) {
    return (long) LONG.get(p, off);
  }

  public static void putLong(byte[] p, int off, long v) {
    LONG.set(p, off, v);
  }

  private static final java.lang.invoke.VarHandle INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
}
