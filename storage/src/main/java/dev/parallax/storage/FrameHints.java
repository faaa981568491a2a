package dev.parallax.storage;

/**
 * Pins the pages of one relation through a block-indexed array of the frames that last held
 * them, falling back to the pool's page map. For hot, repeatedly descended structures (a B+tree):
 * the map lookup costs a {@link PageId} allocation, a hash-map node, the key's equals and then
 * the frame; a hint costs one array slot and the frame.
 *
 * <h2>Why a stale hint is harmless</h2>
 * A hint is only a guess. After pinning the remembered frame (which keeps it from being evicted,
 * see {@link Frame}), the frame's {@code pageKey} is checked to still be this page and its load
 * state VALID, exactly as {@link ClockBufferPool#pinFrame} re-checks {@code id} after pinning a
 * frame it found in the map. Eviction changes {@code pageKey} before the frame can be pinned
 * again, so a frame that passes the check holds this page, loaded, until it is unpinned.
 * Anything else (a recycled frame, a page still loading, a dropped relation) unpins and goes
 * through the map, which then updates the hint.
 *
 * <p>The array is read and written without synchronisation: a lost or torn-in-time update only
 * costs a map lookup, and frames are created once with the pool, so any frame reference read is
 * a fully constructed frame. It grows by copying (racing growers may lose hints, no more).
 */
public final class FrameHints {
  /** Blocks past this get no hint (4 M blocks is 32 GiB of relation). */
  private static final int MAX_HINTS = 1 << 22;

  private final ClockBufferPool pool;
  private final int relation;
  private volatile Frame[] frames = new Frame[64];
  /** Published page copies by block (see {@link #derived}). */
  private volatile long[][] copies = new long[64][];

  FrameHints(ClockBufferPool pool, int relation) {
    this.pool = pool;
    this.relation = relation;
  }

  /** Pins the block (as {@link BufferPool#pin}). */
  public Buffer pin(int block) {
    Frame[] hints = frames;
    if (block >= 0 && block < hints.length) {
      Frame f = hints[block];
      if (f != null && f.tryPin()) {
        if (f.pageKey == Frame.pageKey(relation, block) && f.loadState == Frame.VALID) {
          pool.hit(f);
          BufferUsage.current().sharedHit++;
          return f;
        }
        f.unpin();
      }
    }
    Frame f = pool.pinFrame(new PageId(relation, block), false, true);
    remember(block, f);
    return f;
  }

  /**
   * The copy last published for {@code block} ({@link #publish}) if it is still current (see
   * {@link PageCopies}), else null. Touches no frame: neither pins nor latches, nor counts as a
   * use for the clock sweep (a page read only this way ages out of a full pool; its copy goes
   * stale with the eviction, and the next latched read loads it again). The caller may use the
   * returned copy as the page's content at the moment of this call.
   */
  public long[] derived(int block) {
    long[][] all = copies;
    if (block < 0 || block >= all.length) {
      return null;
    }
    long[] d = all[block];
    if (d == null || !PageCopies.current(d, Frame.pageKey(relation, block))) {
      return null;
    }
    return d;
  }

  /**
   * Publishes {@code copy}, attached to the frame holding {@code block} of our relation, for
   * {@link #derived}; call under the latch hold that attached it. Racing publishers and growers
   * may lose a publication: the caller sees that by {@link #derived} and publishes again.
   */
  public void publish(int block, long[] copy) {
    if (block < 0 || block >= MAX_HINTS) {
      return;
    }
    long[][] all = copies;
    if (block >= all.length) {
      all = java.util.Arrays.copyOf(all, Math.min(MAX_HINTS, Math.max(block + 1, all.length * 2)));
      copies = all;
    }
    all[block] = copy;
  }

  private void remember(int block, Frame f) {
    Frame[] hints = frames;
    if (block >= hints.length) {
      if (block >= MAX_HINTS) {
        return;
      }
      hints = java.util.Arrays.copyOf(hints, Math.min(MAX_HINTS, Math.max(block + 1, hints.length * 2)));
      frames = hints;
    }
    hints[block] = f;
  }
}
