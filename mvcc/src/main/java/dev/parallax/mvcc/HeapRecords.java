package dev.parallax.mvcc;

import dev.parallax.storage.SlottedPage;

/**
 * The heap's redo record types and their payloads. Each record describes the page bytes after the
 * change precisely enough that replay reproduces them (slot numbers included), so that tids held in
 * other records and in indexes stay right. Hint bits may differ after replay; they are only hints.
 *
 * <pre>
 * INSERT      pages [page] (+ map)         | init u8 | slot u16 | item bytes (header + row data) |
 * SET_HEADER  pages [page] (+ map)         | slot u16 | header state (24 bytes) |
 * UPDATE      pages [old] or [old,new]     | old slot u16 | old header state (24) | init u8 | new slot u16 | new item |
 *             (+ map pages)
 * VACUUM      pages [page]                 | count u16 | count x (slot u16, action u8) |  then compaction
 * SET_ALL_VISIBLE pages [heap page, map page] | no payload |
 * PRUNE       pages [page]                 | count u16 | count x (slot u16, action u8, target u16) | then compaction
 * </pre>
 *
 * <p>PRUNE (page pruning, and vacuum's first phase): the actions of a VACUUM record plus REDIRECT
 * (the slot becomes a redirect line pointer to {@code target}, a heap-only tuple of the same
 * page; see {@link HeapPrune}). Replay applies them in order and compacts, like the original.
 *
 * A header state is xmax (8), cid (4), infomask (2), ctid block (4), ctid slot (2), reserved (4).
 *
 * <p>Vacuum actions: UNUSED (the slot is free for reuse), DEAD (the item is gone, the line pointer
 * stays until index entries pointing at it are removed; never reused), FREEZE, CLEAR_XMAX. One
 * vacuum of a page with indexes logs its pruning, freezing and clearing (phase 1) in a PRUNE record
 * and later UNUSED actions on the DEAD slots (phase 3) in a VACUUM record; both end with the same
 * compaction as at run time. (Logs written before PRUNE existed have phase 1 as a VACUUM record,
 * which replay still reads.)
 *
 * <p>Visibility map ({@link VisibilityMap}): INSERT, SET_HEADER and UPDATE clear the all-visible
 * flag of every heap page they name. When a flag was set, the map pages holding those pages' bits
 * follow the heap pages in the page list (relation {@code heap | 1 << 30}; replay tells them
 * apart by that bit), and replay clears, on each, the bits of the record's heap pages it covers.
 * SET_ALL_VISIBLE sets the heap page's flag and its bit on the map page (initialising an all-zero
 * map page first); the heap block comes from page 0's id.
 */
final class HeapRecords {
  private HeapRecords() {}

  static final int INSERT = 1;
  static final int SET_HEADER = 2;
  static final int UPDATE = 3;
  static final int VACUUM = 4;
  static final int SET_ALL_VISIBLE = 5;
  static final int PRUNE = 6;

  static final int HEADER_STATE = 24;

  static final int ACTION_UNUSED = 1;
  static final int ACTION_FREEZE = 2;
  static final int ACTION_CLEAR_XMAX = 3;
  static final int ACTION_DEAD = 4;
  static final int ACTION_REDIRECT = 5;

  static byte[] insert(boolean init, int slot, byte[] page, int off, int len) {
    byte[] out = new byte[3 + len];
    out[0] = (byte) (init ? 1 : 0);
    SlottedPage.putShort(out, 1, slot);
    System.arraycopy(page, off, out, 3, len);
    return out;
  }

  static byte[] setHeader(int slot, byte[] page, int off) {
    byte[] out = new byte[2 + HEADER_STATE];
    SlottedPage.putShort(out, 0, slot);
    writeState(out, 2, page, off);
    return out;
  }

  static byte[] update(int oldSlot, byte[] oldPage, int oldOff, boolean init, int newSlot, byte[] newPage, int newOff,
      int newLen) {
    byte[] out = new byte[2 + HEADER_STATE + 3 + newLen];
    SlottedPage.putShort(out, 0, oldSlot);
    writeState(out, 2, oldPage, oldOff);
    int pos = 2 + HEADER_STATE;
    out[pos] = (byte) (init ? 1 : 0);
    SlottedPage.putShort(out, pos + 1, newSlot);
    System.arraycopy(newPage, newOff, out, pos + 3, newLen);
    return out;
  }

  static byte[] vacuum(int[] slots, byte[] actions, int count) {
    byte[] out = new byte[2 + 3 * count];
    SlottedPage.putShort(out, 0, count);
    for (int i = 0; i < count; i++) {
      SlottedPage.putShort(out, 2 + 3 * i, slots[i]);
      out[4 + 3 * i] = actions[i];
    }
    return out;
  }

  static byte[] prune(int[] slots, byte[] actions, int[] targets, int count) {
    byte[] out = new byte[2 + 5 * count];
    SlottedPage.putShort(out, 0, count);
    for (int i = 0; i < count; i++) {
      SlottedPage.putShort(out, 2 + 5 * i, slots[i]);
      out[4 + 5 * i] = actions[i];
      SlottedPage.putShort(out, 5 + 5 * i, targets[i]);
    }
    return out;
  }

  /** Copies xmax, cid, ctid and infomask of the item at {@code off} into {@code out}. */
  private static void writeState(byte[] out, int pos, byte[] page, int off) {
    System.arraycopy(page, off + TupleHeader.OFF_XMAX, out, pos, HEADER_STATE);
  }

  /** Restores a header state written by {@link #writeState} onto the item at {@code off}. */
  static void applyState(byte[] payload, int pos, byte[] page, int off) {
    System.arraycopy(payload, pos, page, off + TupleHeader.OFF_XMAX, HEADER_STATE);
  }
}
