package dev.parallax.storage;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One buffer-pool frame; handed out as the {@link Buffer} of the page it currently holds.
 *
 * <p>State word {@code pins}: {@code > 0} pinned that many times, {@code 0} unpinned (evictable),
 * {@code -1} being evicted by the clock sweep (cannot be pinned). Pinning is a CAS on it, so a
 * frame is never evicted while pinned and never pinned while being evicted. After pinning, the
 * pinner re-checks that the frame still holds the page it looked up (it may have been recycled
 * between the map lookup and the CAS).
 *
 * <p>{@code loadState} tells pinners whether the page bytes are there yet: the thread that maps
 * a page to a frame reads it in, then publishes VALID (or FAILED on a checksum error).
 */
final class Frame implements Buffer {
  static final int LOADING = 0;
  static final int VALID = 1;
  static final int FAILED = 2;

  final int index;
  final byte[] data = new byte[SlottedPage.PAGE_SIZE];
  final AtomicInteger pins = new AtomicInteger();
  final ReentrantReadWriteLock latch = new ReentrantReadWriteLock();
  final ClockBufferPool pool;
  /** The page held; written only while the frame is exclusively owned (pins == -1 or fresh). */
  volatile PageId id;
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

  /** Pins if not being evicted. The caller re-checks {@link #id}. */
  boolean tryPin() {
    while (true) {
      int p = pins.get();
      if (p < 0) {
        return false;
      }
      if (pins.compareAndSet(p, p + 1)) {
        return true;
      }
    }
  }

  void unpin() {
    int p = pins.decrementAndGet();
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
  public void latchShared() {
    latch.readLock().lock();
  }

  @Override
  public void latchExclusive() {
    latch.writeLock().lock();
  }

  @Override
  public boolean tryLatchExclusive() {
    return latch.writeLock().tryLock();
  }

  @Override
  public void unlatch() {
    if (latch.isWriteLockedByCurrentThread()) {
      latch.writeLock().unlock();
    } else {
      latch.readLock().unlock();
    }
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
    return "Frame[" + index + " " + id + " pins=" + pins.get() + "]";
  }
}
