package dev.parallax.storage;

/**
 * A pinned buffer-pool frame holding one page.
 *
 * <p>Protocol: {@link BufferPool#pin} returns a pinned buffer; read its {@link #data()} only while
 * holding the shared or exclusive content latch, modify it only under the exclusive latch, then
 * describe the change to the {@link WriteAheadLog} (which sets the page LSN and marks the frame
 * dirty) before releasing the latch. {@link #close()} unpins. A pinned frame is never evicted; a
 * latched frame is never written out half-changed.
 */
public interface Buffer extends AutoCloseable {
  PageId id();

  /** The page bytes ({@link SlottedPage#PAGE_SIZE} long). Valid while pinned; guarded by the latch. */
  byte[] data();

  void latchShared();

  void latchExclusive();

  /** Tries the exclusive latch without waiting (used by opportunistic pruning). */
  boolean tryLatchExclusive();

  /** Releases whichever content latch this thread holds. */
  void unlatch();

  /** The copy attached by {@link #attach} (see {@link PageCopies}), current while the caller holds the latch; or null. */
  long[] derived();

  /**
   * Attaches a copy made from the page's bytes (see {@link PageCopies}) if {@code expected} is still the attached one
   * (null for none). Call while holding the shared latch, with {@code d} made under that hold;
   * refused (false) to a thread that holds the exclusive latch.
   */
  boolean attach(long[] expected, long[] d);

  /** The log position of the last logged change to this page. */
  long pageLsn();

  /**
   * Marks the page dirty for a change that is not logged and safe to lose (hint bits). Must be
   * called with at least the shared latch held. If the page has not been logged since the last
   * checkpoint, the storage layer logs a full-page image first so that a torn write of this page
   * can still be repaired by replay (checksums would otherwise turn a lost hint into corruption).
   */
  void markDirtyHint();

  /** Unpins. The buffer must not be used afterwards. */
  @Override
  void close();
}
