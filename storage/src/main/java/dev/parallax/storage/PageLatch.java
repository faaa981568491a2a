package dev.parallax.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A page's content latch: shared / exclusive, its state a field of the {@link Frame} itself (Frame
 * extends this class), so that latching touches the frame's cache line and nothing else.
 *
 * <p>Why not {@code ReentrantReadWriteLock} (used before): latching it reads the lock object, its
 * Sync and, for a shared latch, the head of its wait queue and a per-thread hold counter (a
 * thread-local once two threads share pages). On a 10 M-entry B+tree those were separate cache
 * misses; {@code readerShouldBlock} alone was 18% of a lookup's samples. A reader here is one CAS.
 *
 * <h2>State word</h2>
 * <pre>
 *  bit 30: WRITER   held exclusively by {@code owner}
 *  bit 29: WAITERS  some thread may be waiting on {@code monitor}: releasers must notify
 *  bits 0-28:       shared holders
 * </pre>
 *
 * <h2>Semantics (those of the lock it replaces, as far as callers can tell)</h2>
 * <ul>
 *   <li>The exclusive latch is reentrant, and its owner may also take the shared latch;
 *       {@link #unlatch} releases the exclusive latch if this thread owns it, else a shared one.
 *   <li>Readers never wait for a queued writer, only for a held one, so a thread that already
 *       holds the shared latch can always take it again (the old lock allowed that too, by
 *       tracking hold counts per thread). The price: writers can be kept waiting by a stream of
 *       overlapping readers. Page latches are held for about a microsecond and readers of the
 *       tree hold one at a time, so the reader count falls to zero between readers.
 *   <li>Upgrading (shared to exclusive) deadlocks, as before; nobody does it.
 * </ul>
 *
 * <h2>Waiting</h2>
 * A blocked thread first retries {@link #SPINS} times ({@link Thread#onSpinWait}): a latch is
 * held for about a microsecond and parking costs several. Then it waits on {@code monitor}: under
 * the monitor it sets WAITERS (by CAS on the state it saw blocked) and calls {@code wait()}; a
 * releaser that clears a set WAITERS bit notifies all under the monitor. A wake-up cannot be lost:
 * the waiter holds the monitor from seeing the blocked state until it waits, and the releaser
 * needs the monitor to notify.
 */
abstract class PageLatch {
  private static final int WRITER = 1 << 30;
  private static final int WAITERS = 1 << 29;
  private static final int READERS = WAITERS - 1;
  static final int SPINS = 64;

  private static final VarHandle STATE;
  private static final VarHandle DERIVED;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(PageLatch.class, "latchState", int.class);
      DERIVED = MethodHandles.lookup().findVarHandle(PageLatch.class, "derived", long[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused")
  private volatile int latchState;
  /**
   * Data computed from the page (see {@link PageCopies}), set by {@link #attach}; marked stale
   * and cleared when the exclusive latch is taken or the frame takes another page. Nothing is
   * attached while the exclusive latch is held ({@link #attach} refuses its owner).
   */
  private volatile long[] derived;
  /** The exclusive holder; written by it only, so "is it me" needs no synchronisation. */
  private Thread owner;
  /** Reentrant exclusive holds; the owner's only. */
  private int ownerHolds;
  private final Object monitor = new Object();

  private int state() {
    return (int) STATE.getVolatile(this);
  }

  private boolean casState(int expected, int value) {
    return STATE.compareAndSet(this, expected, value);
  }

  public void latchShared() {
    if (!tryShared()) {
      Thread me = Thread.currentThread();
      if (owner == me) {
        STATE.getAndAdd(this, 1);
        return;
      }
      for (int i = 0; i < SPINS; i++) {
        Thread.onSpinWait();
        if (tryShared()) {
          return;
        }
      }
      await(false);
    }
  }

  /** One attempt; fails only while a writer holds the latch. */
  private boolean tryShared() {
    while (true) {
      int s = state();
      if ((s & WRITER) != 0) {
        return false;
      }
      if ((s & READERS) == READERS) {
        throw new IllegalStateException("too many shared latches");
      }
      if (casState(s, s + 1)) {
        return true;
      }
    }
  }

  public void latchExclusive() {
    if (!tryLatchExclusive()) {
      for (int i = 0; i < SPINS; i++) {
        Thread.onSpinWait();
        if (tryExclusive()) {
          return;
        }
      }
      await(true);
    }
  }

  public boolean tryLatchExclusive() {
    if (owner == Thread.currentThread()) {
      ownerHolds++;
      return true;
    }
    return tryExclusive();
  }

  private boolean tryExclusive() {
    int s = state();
    if ((s & (WRITER | READERS)) == 0 && casState(s, s | WRITER)) {
      owner = Thread.currentThread();
      ownerHolds = 1;
      dropDerived();
      return true;
    }
    return false;
  }

  private void await(boolean exclusive) {
    boolean interrupted = false;
    synchronized (monitor) {
      while (!(exclusive ? tryExclusive() : tryShared())) {
        int s = state();
        boolean blocked = exclusive ? (s & (WRITER | READERS)) != 0 : (s & WRITER) != 0;
        if (!blocked || (s & WAITERS) == 0 && !casState(s, s | WAITERS)) {
          continue;
        }
        try {
          monitor.wait();
        } catch (InterruptedException e) {
          interrupted = true; // latches are not interruptible (as lock() was not); keep the flag
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Releases the exclusive latch if this thread holds it, else one shared latch. */
  public void unlatch() {
    if (owner == Thread.currentThread()) {
      if (--ownerHolds > 0) {
        return;
      }
      owner = null;
      while (true) {
        int s = state();
        if (casState(s, s & ~(WRITER | WAITERS))) {
          if ((s & WAITERS) != 0) {
            wake();
          }
          return;
        }
      }
    }
    while (true) {
      int s = state();
      if ((s & READERS) == 0) {
        throw new IllegalMonitorStateException("latch not held by this thread");
      }
      int next = s - 1;
      boolean wake = (next & READERS) == 0 && (next & WAITERS) != 0;
      if (wake) {
        next &= ~WAITERS;
      }
      if (casState(s, next)) {
        if (wake) {
          wake();
        }
        return;
      }
    }
  }

  /** Marks the attached copy stale and detaches it: the page's bytes may change. */
  final void dropDerived() {
    long[] d = derived;
    if (d != null) {
      PageCopies.markStale(d);
      derived = null;
    }
  }

  public final long[] derived() {
    return derived;
  }

  /**
   * Attaches {@code d} if {@code expected} is still attached; the caller holds the shared latch
   * (not the exclusive one: the bytes may be half changed) and made {@code d} under it.
   */
  public final boolean attach(long[] expected, long[] d) {
    if (owner == Thread.currentThread()) {
      return false;
    }
    return DERIVED.compareAndSet(this, expected, d);
  }

  private void wake() {
    synchronized (monitor) {
      monitor.notifyAll();
    }
  }
}
