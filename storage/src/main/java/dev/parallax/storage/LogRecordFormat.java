package dev.parallax.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte layout of one log record:
 *
 * <pre>
 *  int   total length (header + body)
 *  int   CRC32C of the body, the record's own LSN and the length
 *  byte  resource manager      byte info      long xid      short page count
 *  per page:  int relation, int block, byte hasImage,
 *             [short holeStart, short holeLength, image bytes without the hole]
 *  int   payload length, payload bytes
 * </pre>
 *
 * Mixing the LSN into the CRC means a stale record left in a recycled or truncated file can never
 * pass as the record at another position, so replay stops exactly at the real end of the log.
 * The "hole" of a full-page image is the free space between a slotted page's line pointers and
 * its items: all zeros, not worth logging.
 */
final class LogRecordFormat {
  private LogRecordFormat() {}

  static final int HEADER = 8;
  static final int MAX_RECORD = 64 << 20;

  /** A page reference inside a record being built. */
  record PageRef(PageId id, byte[] image) {}

  static byte[] encode(long lsn, int rmgr, int info, long xid, PageRef[] pages, byte[] payload) {
    int size = HEADER + 1 + 1 + 8 + 2;
    for (PageRef p : pages) {
      size += 4 + 4 + 1;
      if (p.image() != null) {
        int[] hole = hole(p.image());
        size += 4 + SlottedPage.PAGE_SIZE - hole[1];
      }
    }
    size += 4 + payload.length;
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(size).putInt(0).put((byte) rmgr).put((byte) info).putLong(xid).putShort((short) pages.length);
    for (PageRef p : pages) {
      b.putInt(p.id().relation()).putInt(p.id().block()).put((byte) (p.image() == null ? 0 : 1));
      if (p.image() != null) {
        int[] hole = hole(p.image());
        b.putShort((short) hole[0]).putShort((short) hole[1]);
        b.put(p.image(), 0, hole[0]);
        b.put(p.image(), hole[0] + hole[1], SlottedPage.PAGE_SIZE - hole[0] - hole[1]);
      }
    }
    b.putInt(payload.length).put(payload);
    byte[] out = b.array();
    SlottedPage.putInt(out, 4, crc(out, size, lsn));
    return out;
  }

  /** [holeStart, holeLength] of a page image: the gap between lower and upper of a valid slotted page. */
  private static int[] hole(byte[] page) {
    int lower = SlottedPage.lower(page);
    int upper = SlottedPage.upper(page);
    if (SlottedPage.isNew(page) || lower < SlottedPage.HEADER_SIZE || upper > SlottedPage.PAGE_SIZE || lower > upper) {
      return new int[] {0, 0};
    }
    return new int[] {lower, upper - lower};
  }

  static int crc(byte[] rec, int size, long lsn) {
    CRC32C c = new CRC32C();
    c.update(rec, HEADER, size - HEADER);
    ByteBuffer tail = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(lsn).putInt(size);
    c.update(tail.array(), 0, 12);
    return (int) c.getValue();
  }

  /** A decoded record plus the full-page images it carries (null where none). */
  record Decoded(WalRecord record, byte[][] images) {}

  /** Decodes a record whose bytes were read at {@code lsn}; null if the CRC does not match. */
  static Decoded decode(byte[] rec, long lsn) {
    int size = SlottedPage.getInt(rec, 0);
    if (size != rec.length || crc(rec, size, lsn) != SlottedPage.getInt(rec, 4)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
    b.position(HEADER);
    int rmgr = b.get() & 0xFF;
    int info = b.get() & 0xFF;
    long xid = b.getLong();
    int n = b.getShort() & 0xFFFF;
    PageId[] ids = new PageId[n];
    byte[][] images = new byte[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = new PageId(b.getInt(), b.getInt());
      if (b.get() != 0) {
        int holeStart = b.getShort() & 0xFFFF;
        int holeLen = b.getShort() & 0xFFFF;
        byte[] img = new byte[SlottedPage.PAGE_SIZE];
        b.get(img, 0, holeStart);
        b.get(img, holeStart + holeLen, SlottedPage.PAGE_SIZE - holeStart - holeLen);
        images[i] = img;
      }
    }
    byte[] payload = new byte[b.getInt()];
    b.get(payload);
    return new Decoded(new WalRecord(lsn, lsn + size, rmgr, info, xid, ids, payload), images);
  }
}
