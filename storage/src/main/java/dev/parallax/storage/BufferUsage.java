package dev.parallax.storage;

/**
 * The buffer pins made by one thread, split into those that found the page in the pool (hit) and
 * those that had to read it from the store (read): PostgreSQL's per-backend {@code pgBufferUsage}.
 * EXPLAIN ANALYZE reads the counters before and after each call into a plan node and adds the
 * difference to the node, so a node's figure includes its children's and any work (index
 * descents, heap fetches, index insertions) done on its behalf on this thread.
 *
 * <p>Why per thread: the pin is the one place that knows hit from read, and it is called from
 * heap, index and session code that has no execution context to pass down. A thread-local
 * counter costs one lookup and a plain increment per pin (a seq scan pins once per page), and
 * since only its own thread writes it and reads it, it needs no synchronisation. A reader on
 * another thread may see a stale value; nothing does that except tests after a join.
 */
public final class BufferUsage {
  private static final ThreadLocal<BufferUsage> CURRENT = ThreadLocal.withInitial(BufferUsage::new);

  long sharedHit;
  long sharedRead;

  private BufferUsage() {}

  /** The counters of the calling thread (the same object for the thread's lifetime). */
  public static BufferUsage current() {
    return CURRENT.get();
  }

  /**
   * Counts {@code pages} read from memory without a pin: a B+tree lookup through search copies
   * reads pages as surely as a pinned descent does, and EXPLAIN's "shared hit" should say so. One
   * call per lookup, not per page, keeps the thread-local lookup off the per-level path.
   */
  public static void countHits(int pages) {
    if (pages > 0) {
      CURRENT.get().sharedHit += pages;
    }
  }

  /** Pins of this thread that found their page in the pool, since the thread started. */
  public long sharedHit() {
    return sharedHit;
  }

  /** Pins of this thread that read their page from the store, since the thread started. */
  public long sharedRead() {
    return sharedRead;
  }
}
