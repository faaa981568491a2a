package dev.parallax.storage;

import java.util.zip.CRC32C;

/**
 * Page checksums: CRC32C over the page with its checksum field taken as zero, mixed with the
 * page's relation and block number so that a page written to the wrong place also fails. An
 * all-zero page (extended, never written) is valid without a checksum.
 */
final class PageChecksum {
  private PageChecksum() {}

  static int compute(PageId id, byte[] page) {
    CRC32C crc = new CRC32C();
    crc.update(page, 0, SlottedPage.OFF_CHECKSUM);
    crc.update(ZERO4, 0, 4);
    crc.update(page, SlottedPage.OFF_CHECKSUM + 4, page.length - SlottedPage.OFF_CHECKSUM - 4);
    int v = (int) crc.getValue();
    return v ^ (id.relation() * 0x9E3779B1) ^ (id.block() * 0x85EBCA77);
  }

  static void set(PageId id, byte[] page) {
    SlottedPage.setChecksum(page, compute(id, page));
  }

  static void verify(PageId id, byte[] page) {
    int stored = SlottedPage.checksum(page);
    if (stored == compute(id, page)) {
      return;
    }
    if (allZero(page)) {
      return;
    }
    throw new DataCorruptedException(id, "page verification failed, calculated checksum "
        + Integer.toHexString(compute(id, page)) + " but expected " + Integer.toHexString(stored));
  }

  static boolean allZero(byte[] page) {
    for (byte b : page) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static final byte[] ZERO4 = new byte[4];
}
