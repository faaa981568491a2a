package dev.parallax.storage;

/**
 * The redo log. Positions (LSNs) are byte offsets in an endless log, increasing.
 *
 * <p>Every change to a page is described by a record appended while the page is exclusively
 * latched; the append sets the page LSN to the record's end position and marks the frame dirty.
 * The first change to a page after a checkpoint also carries the full page image (taken after the
 * change), so a torn write is repaired on replay. A dirty page is written back only after the log
 * is flushed through its page LSN.
 */
public interface WriteAheadLog {
  /**
   * Appends a record describing a change already made to the given pages, which the caller holds
   * exclusively latched. Returns the record's end LSN (also now every page's LSN).
   */
  long logPageChange(Buffer[] pages, int resourceManager, int info, long xid, byte[] payload);

  /** Convenience for a single page. */
  default long logPageChange(Buffer page, int resourceManager, int info, long xid, byte[] payload) {
    return logPageChange(new Buffer[] {page}, resourceManager, info, xid, payload);
  }

  /** Appends a record that changes no page. Returns its end LSN. */
  long append(int resourceManager, int info, long xid, byte[] payload);

  /**
   * Waits until the log is durable through {@code lsn}. Concurrent callers are served by one
   * write + fsync (group commit).
   */
  void flush(long lsn);

  /** End of the last appended record. */
  long insertPosition();

  /** Everything before this position is durable. */
  long flushedPosition();

  /** True when commits should not wait for the flush (asynchronous commit setting). */
  boolean asynchronousCommit();

  WalStats stats();
}
