package dev.parallax.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One buffer-pool frame; handed out as the {@link Buffer} of the page it currently holds.
 *
 * <p>State word {@code pins}: {@code > 0} pinned that many times, {@code 0} unpinned (evictable),
 * {@code -1} being evicted by the clock sweep (cannot be pinned). Pinning is a CAS on it, so a
 * frame is never evicted while pinned and never pinned while being evicted. After pinning, the
 * pinner re-checks that the frame still holds the page it looked up (it may have been recycled
 * between the map lookup and the CAS). The pin count is an int field of the frame itself (a
 * VarHandle), not an AtomicInteger, so that pinning touches one object less (one cache miss less
 * per page access on a large tree).
 *
 * <p>{@code pageKey} mirrors {@code id} as {@code relation << 32 | block} ({@link #NO_PAGE} when
 * the frame holds no page, or its relation was dropped). It lets {@link FrameHints} validate a
 * remembered frame after pinning it without reading the {@link PageId} object; it is written
 * together with {@code id}, under the same exclusive ownership, by {@link #setId}.
 *
 * <p>The content latch is inherited from {@link PageLatch}, so its state is in this object too.
 *
 * <p>{@code loadState} tells pinners whether the page bytes are there yet: the thread that maps
 * a page to a frame reads it in, then publishes VALID (or FAILED on a checksum error).
 */
final class Frame extends PageLatch implements Buffer {
  static final int LOADING = 0;
  static final int VALID = 1;
  static final int FAILED = 2;

  static final long NO_PAGE = -1;

  private static final VarHandle PINS;

  static {
    try {
      PINS = MethodHandles.lookup().findVarHandle(Frame.class, "pins", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final int index;
  final byte[] data = new byte[SlottedPage.PAGE_SIZE];
  /** Pin count and eviction state (see the class comment); accessed through {@link #PINS}. */
  @SuppressWarnings("unused")
  private volatile int pins;
  final ClockBufferPool pool;
  /** The page held; written only while the frame is exclusively owned (pins == -1 or fresh). */
  volatile PageId id;
  /** {@code id} as a number (see the class comment); written by {@link #setId} and on drop. */
  volatile long pageKey = NO_PAGE;
  volatile int loadState = VALID;
  volatile RuntimeException loadFailure;
  /** Clock-sweep usage count, capped; racy increments are fine (it is a heuristic). */
  volatile int usage;
  /** Set by logged changes and hints, cleared by write-back (before copying the page). */
  volatile boolean dirty;

  Frame(int index, ClockBufferPool pool) {
    this.index = index;
    this.pool = pool;
  }

  static long pageKey(int relation, int block) {
    return ((long) relation << 32) | (block & 0xFFFFFFFFL);
  }

  /** Sets the page held; only while the frame is exclusively owned (see {@link #id}). */
  void setId(PageId page) {
    dropDerived();
    id = page;
    pageKey = page == null ? NO_PAGE : pageKey(page.relation(), page.block());
  }

  int pins() {
    return (int) PINS.getVolatile(this);
  }

  boolean casPins(int expected, int value) {
    return PINS.compareAndSet(this, expected, value);
  }

  void setPins(int value) {
    PINS.setVolatile(this, value);
  }

  /** Pins if not being evicted. The caller re-checks {@link #id} (or {@link #pageKey}). */
  boolean tryPin() {
    while (true) {
      int p = (int) PINS.getVolatile(this);
      if (p < 0) {
        return false;
      }
      if (PINS.compareAndSet(this, p, p + 1)) {
        return true;
      }
    }
  }

  void unpin() {
    int p = (int) PINS.getAndAdd(this, -1) - 1;
    if (p < 0) {
      throw new IllegalStateException("unpinned more often than pinned: " + id);
    }
  }

  void awaitLoaded() {
    if (loadState == LOADING) {
      synchronized (this) {
        while (loadState == LOADING) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException(SqlState.QUERY_CANCELED, "interrupted while reading page " + id);
          }
        }
      }
    }
  }

  synchronized void finishLoad(int state, RuntimeException failure) {
    loadFailure = failure;
    loadState = state;
    notifyAll();
  }

  @Override
  public PageId id() {
    return id;
  }

  @Override
  public byte[] data() {
    return data;
  }

  @Override
  public long pageLsn() {
    return SlottedPage.lsn(data);
  }

  @Override
  public void markDirtyHint() {
    pool.hintChanged(this);
  }

  @Override
  public void close() {
    unpin();
  }

  @Override
  public String toString() {
    return "Frame[" + index + " " + id + " pins=" + pins() + "]";
  }
}
