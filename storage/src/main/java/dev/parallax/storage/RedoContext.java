package dev.parallax.storage;

/** What a {@link RedoHandler} gets while replaying one record. */
public interface RedoContext {
  /**
   * The i-th page of the record, pinned and exclusively latched, or {@code null} when the page
   * already reflects this record (restored from a full-page image in the record, or its page LSN
   * is at or past the record). A page that does not exist yet (the relation was extended but the
   * page never reached disk) is created as an all-zero page. The storage layer sets the page LSN
   * and releases the page after the handler returns.
   */
  Buffer page(int index);

  BufferPool bufferPool();
}
