package dev.parallax.storage;

/**
 * A fixed array of page frames shared by all sessions: pin / unpin, content latches, clock-sweep
 * eviction of unpinned frames, write-back of a dirty frame only after the log is durable through
 * the page's LSN. Pages read from disk are checksum-verified; a mismatch raises
 * {@link DataCorruptedException}.
 */
public interface BufferPool {
  /** Pins the page, reading it if it is not cached. The block must exist. */
  Buffer pin(PageId id);

  /**
   * A cache of the frames holding the relation's pages, for pinning them by block number faster
   * than {@link #pin} (see {@link FrameHints}). Each caller keeps its own.
   */
  FrameHints hints(int relation);

  /**
   * Appends a new all-zero page to the relation and returns it pinned (not latched). The caller
   * initialises it (for example with {@link SlottedPage#init}) under the exclusive latch and logs
   * that. Concurrent extenders get distinct blocks.
   */
  Buffer extend(int relation);

  /** Number of blocks in the relation, including extended pages not yet written. */
  int blockCount(int relation);

  /** Creates an empty relation; logged, so it is re-created on replay. Idempotent. */
  void createRelation(int relation);

  /** Drops the relation, its cached pages and its file; logged. */
  void dropRelation(int relation);

  boolean relationExists(int relation);

  /** Number of frames (the buffer pool size setting). */
  int frameCount();

  BufferPoolStats stats();
}
