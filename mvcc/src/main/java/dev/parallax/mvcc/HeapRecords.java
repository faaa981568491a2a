package dev.parallax.mvcc;

import dev.parallax.storage.SlottedPage;

/**
 * The heap's redo record types and their payloads. Each record describes the page bytes after the
 * change precisely enough that replay reproduces them (slot numbers included), so that tids held in
 * other records and in indexes stay right. Hint bits may differ after replay; they are only hints.
 *
 * <pre>
 * INSERT      pages [page]            | init u8 | slot u16 | item bytes (header + row data) |
 * SET_HEADER  pages [page]            | slot u16 | header state (24 bytes) |
 * UPDATE      pages [old] or [old,new]| old slot u16 | old header state (24) | init u8 | new slot u16 | new item |
 * VACUUM      pages [page]            | count u16 | count x (slot u16, action u8) |  then compaction
 * </pre>
 *
 * A header state is xmax (8), cid (4), infomask (2), ctid block (4), ctid slot (2), reserved (4).
 */
final class HeapRecords {
  private HeapRecords() {}

  static final int INSERT = 1;
  static final int SET_HEADER = 2;
  static final int UPDATE = 3;
  static final int VACUUM = 4;

  static final int HEADER_STATE = 24;

  static final int ACTION_UNUSED = 1;
  static final int ACTION_FREEZE = 2;
  static final int ACTION_CLEAR_XMAX = 3;

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

  /** Copies xmax, cid, ctid and infomask of the item at {@code off} into {@code out}. */
  private static void writeState(byte[] out, int pos, byte[] page, int off) {
    System.arraycopy(page, off + TupleHeader.OFF_XMAX, out, pos, HEADER_STATE);
  }

  /** Restores a header state written by {@link #writeState} onto the item at {@code off}. */
  static void applyState(byte[] payload, int pos, byte[] page, int off) {
    System.arraycopy(payload, pos, page, off + TupleHeader.OFF_XMAX, HEADER_STATE);
  }
}
