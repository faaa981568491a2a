package dev.parallax.mvcc;

import dev.parallax.storage.SlottedPage;

/**
 * The fixed header at the start of every heap item: who created the version, who deleted, updated
 * or locked it, the command id(s) involved, hint and state bits, and the link to the next version.
 *
 * <pre>
 *  0        8        16     20           24          26         28         32
 *  | xmin   | xmax   | cid  | ctid block | ctid slot | infomask | reserved | row data (RowCodec) ...
 * </pre>
 *
 * <p>{@code cid} holds the inserting command id (cmin) while the version is only inserted; the
 * deleting command id (cmax) once another transaction deletes it; and a combo id (flag
 * {@link #COMBO_CID}) when the inserting transaction itself deletes it, since then both numbers
 * matter to that transaction. A lock-only xmax never touches {@code cid}.
 *
 * <p>{@code ctid} points at the version itself until an update links it to the newer version.
 *
 * <p>Heap-only tuples (HOT, see {@link HotChain}): {@link #HEAP_ONLY} on a version that has no
 * index entries of its own, {@link #HOT_UPDATED} on the version it replaced (same page).
 *
 * <p>Hint bits ({@code XMIN_COMMITTED}, {@code XMIN_INVALID}, {@code XMAX_COMMITTED},
 * {@code XMAX_INVALID}) cache commit-log answers. They are not logged and may be lost; every other
 * bit and field changes only under the page's exclusive latch through a logged record. Hint bits
 * may be written under a shared latch: two readers racing on the same hint can at worst lose one,
 * which is harmless, and they never race with a logged change (that needs the exclusive latch).
 *
 * <p>All methods are static over (page bytes, item offset) so that they work in place on a frame.
 */
public final class TupleHeader {
  private TupleHeader() {}

  public static final int SIZE = 32;

  static final int OFF_XMIN = 0;
  static final int OFF_XMAX = 8;
  static final int OFF_CID = 16;
  static final int OFF_CTID_BLOCK = 20;
  static final int OFF_CTID_SLOT = 24;
  static final int OFF_INFOMASK = 26;

  /** Hint: xmin is known committed. */
  public static final int XMIN_COMMITTED = 0x0001;
  /** Hint: xmin is known aborted; the version never existed. */
  public static final int XMIN_INVALID = 0x0002;
  /** Hint: xmax is known committed. */
  public static final int XMAX_COMMITTED = 0x0004;
  /** Hint: xmax is known aborted (or cleared); treat as no xmax. */
  public static final int XMAX_INVALID = 0x0008;
  /** {@code cid} is a combo id of the inserting transaction. */
  public static final int COMBO_CID = 0x0010;
  /** xmax only locks the row; it does not delete it. */
  public static final int XMAX_LOCK_ONLY = 0x0020;
  /** xmax replaced this version by an update; ctid points at the newer version. */
  public static final int UPDATED = 0x0040;
  /** xmin is committed and older than every snapshot: visible to all, no commit-log lookup. */
  public static final int XMIN_FROZEN = 0x0080;
  /**
   * xmax deleted the row or changed its key columns: a FOR KEY SHARE locker conflicts with it.
   * Without unique keys yet every delete and every update sets it (the safe answer); issue 3 and 4
   * narrow it to updates that change a unique-index column.
   */
  public static final int KEYS_UPDATED = 0x0100;
  /**
   * Heap-only tuple: the new version of a HOT update (same page, no indexed column changed). No
   * index entry names it; it is reached only by following the chain from its root line pointer.
   */
  public static final int HEAP_ONLY = 0x0200;
  /**
   * Set with {@link #UPDATED} when the newer version (ctid) is heap-only, on this page. Cleared
   * whenever xmax is replaced or cleared; meaningful only while xmax is that update's.
   */
  public static final int HOT_UPDATED = 0x0400;

  static final int HINT_BITS = XMIN_COMMITTED | XMIN_INVALID | XMAX_COMMITTED | XMAX_INVALID;

  /** Writes a fresh header for a version inserted by {@code xmin} at command {@code cid}. */
  static void init(byte[] p, int off, long xmin, int cid, int block, int slot) {
    SlottedPage.putLong(p, off + OFF_XMIN, xmin);
    SlottedPage.putLong(p, off + OFF_XMAX, 0);
    SlottedPage.putInt(p, off + OFF_CID, cid);
    SlottedPage.putInt(p, off + OFF_CTID_BLOCK, block);
    SlottedPage.putShort(p, off + OFF_CTID_SLOT, slot);
    SlottedPage.putShort(p, off + OFF_INFOMASK, XMAX_INVALID);
    SlottedPage.putInt(p, off + 28, 0);
  }

  public static long xmin(byte[] p, int off) {
    return SlottedPage.getLong(p, off + OFF_XMIN);
  }

  public static long xmax(byte[] p, int off) {
    return SlottedPage.getLong(p, off + OFF_XMAX);
  }

  public static int rawCid(byte[] p, int off) {
    return SlottedPage.getInt(p, off + OFF_CID);
  }

  public static int infomask(byte[] p, int off) {
    return SlottedPage.getShort(p, off + OFF_INFOMASK);
  }

  public static boolean has(byte[] p, int off, int bit) {
    return (infomask(p, off) & bit) != 0;
  }

  public static Tid ctid(byte[] p, int off) {
    return new Tid(SlottedPage.getInt(p, off + OFF_CTID_BLOCK), SlottedPage.getShort(p, off + OFF_CTID_SLOT));
  }

  static void setXmax(byte[] p, int off, long xmax) {
    SlottedPage.putLong(p, off + OFF_XMAX, xmax);
  }

  static void setCid(byte[] p, int off, int cid) {
    SlottedPage.putInt(p, off + OFF_CID, cid);
  }

  static void setCtid(byte[] p, int off, Tid t) {
    SlottedPage.putInt(p, off + OFF_CTID_BLOCK, t.block());
    SlottedPage.putShort(p, off + OFF_CTID_SLOT, t.slot());
  }

  static void setInfomask(byte[] p, int off, int mask) {
    SlottedPage.putShort(p, off + OFF_INFOMASK, mask);
  }

  /** Sets hint bits (only {@link #HINT_BITS}); the caller marks the buffer dirty as a hint. */
  static void addHint(byte[] p, int off, int hint) {
    assert (hint & ~HINT_BITS) == 0;
    setInfomask(p, off, infomask(p, off) | hint);
  }

  /** True when xmax is unset, known aborted, or only a lock: the version is not deleted by it. */
  static boolean xmaxIsNotDelete(byte[] p, int off) {
    int m = infomask(p, off);
    return xmax(p, off) == 0 || (m & (XMAX_INVALID | XMAX_LOCK_ONLY)) != 0;
  }

  /** The inserting command id, decoding a combo id through the inserting transaction's table. */
  static int cmin(byte[] p, int off, dev.parallax.txn.ComboCommandIds combos) {
    int cid = rawCid(p, off);
    return has(p, off, COMBO_CID) ? combos.cmin(cid) : cid;
  }

  /** The deleting command id, decoding a combo id through the current transaction's table. */
  static int cmax(byte[] p, int off, dev.parallax.txn.ComboCommandIds combos) {
    int cid = rawCid(p, off);
    return has(p, off, COMBO_CID) ? combos.cmax(cid) : cid;
  }
}
