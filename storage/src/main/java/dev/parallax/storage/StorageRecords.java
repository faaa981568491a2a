package dev.parallax.storage;

/** Record types of the STORAGE resource manager. */
final class StorageRecords {
  private StorageRecords() {}

  /** payload: long redo start, then the upper layers' checkpoint extra. */
  static final int CHECKPOINT = 1;
  /** payload: int relation. */
  static final int CREATE_RELATION = 2;
  /** payload: int relation. */
  static final int DROP_RELATION = 3;
  /** one page with its image, no payload: a hint-bit change after a checkpoint. */
  static final int FULL_PAGE_IMAGE = 4;

  static byte[] relation(int relation) {
    byte[] b = new byte[4];
    SlottedPage.putInt(b, 0, relation);
    return b;
  }
}
