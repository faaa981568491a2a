package dev.parallax.storage;

/**
 * Where pages live when they are not in the buffer pool: relation files on disk, or byte arrays in
 * memory. Reads past the end of what was written return an all-zero page (a block that was
 * extended but never written back). Implementations are thread-safe.
 */
interface PageStore {
  void read(PageId id, byte[] into);

  void write(PageId id, byte[] page);

  void create(int relation);

  void drop(int relation);

  boolean exists(int relation);

  /** Blocks the relation had when it was last written, or as known from its file at open. */
  int storedBlocks(int relation);

  /** Makes every write so far durable (fsync); a no-op in memory. */
  void sync();

  /** Whether pages need checksums on the way out and verification on the way in. */
  boolean checksums();

  void close();
}
