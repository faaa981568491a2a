package dev.parallax.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who writes and fsyncs the log, and who waits for whom: {@link FileWal#flush} is this class.
 *
 * <h2>Design</h2>
 * A committer that finds nobody syncing becomes the leader and syncs everything appended so far
 * itself (one thread committing alone pays no hand-off to another thread). Committers arriving
 * while a sync is in progress enter a list of waiters and park. When the sync ends the leader
 * publishes the new durable position, unparks exactly the waiters whose record it covers, and, if
 * some waiters are still not durable, unparks one of them as the next leader, then returns.
 *
 * <p>The next leader does not start at once. The committers just woken are about to run their
 * next transaction and come back for the next sync; a leader that started at once would miss all
 * of them, and committers fell into two alternating cohorts each syncing half of the sessions
 * (measured: 4.3 commits per fsync with 8 sessions). So a leader first waits until as many
 * committers have arrived as the last sync woke ("the cohort is back"), or until half the average
 * sync time has passed, whichever is first; the committer that completes the cohort unparks it.
 * The wait is bounded so that sessions that do not come back cost at most half a sync.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link #durable} only grows, and only to a position the syncer returned after its fsync
 *       of every segment holding bytes below it; a caller of {@link #flush} returns only when
 *       {@code durable >= lsn}.
 *   <li>At most one leader at a time ({@code leading}); whoever clears it, or hands it over,
 *       does so under {@code lock} in the same step as it looks at the waiters, so a waiter that
 *       entered the list is always either woken durable or woken as leader (no lost wake-up).
 *   <li>No lock of this class is held during the write or the fsync; appenders only meet the
 *       leader on the log's insert lock, for the copy of the pending bytes.
 *   <li>A failed sync wakes every waiter to try again (each then fails itself or becomes durable);
 *       nobody is left parked.
 * </ul>
 */
final class GroupCommit {
  /** Writes and fsyncs everything appended so far; returns the position now durable. */
  interface Syncer {
    long syncAppended();
  }

  private static final int WAITING = 0;
  /** The record is durable: return. */
  private static final int DURABLE = 1;
  /** Not durable yet, and this waiter is the next leader. */
  private static final int LEAD = 2;
  /** The sync failed: start over (and fail on one's own attempt if it fails again). */
  private static final int RETRY = 3;

  private static final class Waiter {
    final Thread thread = Thread.currentThread();
    final long lsn;
    volatile int state = WAITING;

    Waiter(long lsn) {
      this.lsn = lsn;
    }
  }

  private final Syncer syncer;
  private volatile long durable;

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock: a leader is gathering, writing or syncing
  private boolean leading;
  // guarded by lock: waiters not yet woken, in arrival order
  private final List<Waiter> waiters = new ArrayList<>();
  // guarded by lock: committers the last sync woke (the cohort the next leader waits for)
  private int cohort;
  // guarded by lock: committers that arrived since the last sync ended
  private int arrived;
  // guarded by lock: the leader while it waits for the cohort, else null
  private Thread gathering;
  // only the leader touches it: a moving average of write + fsync time
  private long averageSyncNanos;

  GroupCommit(Syncer syncer) {
    this.syncer = syncer;
  }

  /** After recovery: everything before {@code position} is durable. */
  void reset(long position) {
    durable = position;
  }

  long durable() {
    return durable;
  }

  /**
   * Returns once the log is durable through {@code lsn}, or through its end if {@code lsn} lies
   * beyond what was appended.
   */
  void flush(long lsn) {
    boolean interrupted = false;
    try {
      while (lsn > durable) {
        Waiter w = null;
        lock.lock();
        try {
          if (lsn <= durable) {
            return;
          }
          arrived++;
          if (gathering != null && arrived >= cohort) {
            LockSupport.unpark(gathering);
          }
          if (leading) {
            w = new Waiter(lsn);
            waiters.add(w);
          } else {
            leading = true;
          }
        } finally {
          lock.unlock();
        }
        if (w != null) {
          int s;
          while ((s = w.state) == WAITING) {
            LockSupport.park(this);
            // a committer must not give up waiting for durability: remember, keep waiting
            interrupted |= Thread.interrupted();
          }
          if (s != LEAD) {
            continue; // DURABLE: the loop condition sees it; RETRY: start over
          }
        }
        // The sync covers everything appended before it, so our record. Return even if lsn is
        // still ahead: then it lies past the end of the log (a page LSN met during replay, before
        // the log is started), and nothing more can be waited for.
        lead();
        return;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The leader's turn: gather the cohort, sync, wake the durable and hand over. */
  private void lead() {
    // FileChannel closes itself when an interrupted thread writes to it: sync uninterrupted.
    boolean interrupted = Thread.interrupted();
    try {
      interrupted |= gather();
      syncAndHandOver();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void syncAndHandOver() {
    long end;
    long started = System.nanoTime();
    try {
      end = syncer.syncAppended();
    } catch (RuntimeException | Error e) {
      failed();
      throw e;
    }
    long took = System.nanoTime() - started;
    averageSyncNanos = averageSyncNanos == 0 ? took : (averageSyncNanos * 7 + took) / 8;
    if (end > durable) {
      durable = end;
    }
    List<Waiter> woken = new ArrayList<>();
    Waiter next = null;
    lock.lock();
    try {
      long d = durable;
      int keep = 0;
      for (Waiter w : waiters) {
        if (w.lsn <= d) {
          woken.add(w);
        } else {
          waiters.set(keep++, w);
        }
      }
      waiters.subList(keep, waiters.size()).clear();
      cohort = woken.size() + 1; // and the leader itself
      arrived = 0;
      if (waiters.isEmpty()) {
        leading = false;
      } else {
        next = waiters.remove(0);
      }
    } finally {
      lock.unlock();
    }
    for (Waiter w : woken) {
      w.state = DURABLE;
      LockSupport.unpark(w.thread);
    }
    if (next != null) {
      next.state = LEAD;
      LockSupport.unpark(next.thread);
    }
  }

  /**
   * Waits until the committers the last sync woke have come back, at most half the average sync
   * time (so a sync is delayed by at most half of what it costs anyway). Returns whether the
   * thread was interrupted meanwhile (the flag is cleared).
   */
  private boolean gather() {
    long limit = averageSyncNanos / 2;
    boolean interrupted = false;
    if (limit <= 0) {
      return false;
    }
    long deadline = System.nanoTime() + limit;
    lock.lock();
    try {
      gathering = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    try {
      while (true) {
        lock.lock();
        try {
          if (arrived >= cohort) {
            return interrupted;
          }
        } finally {
          lock.unlock();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return interrupted;
        }
        LockSupport.parkNanos(this, left);
        interrupted |= Thread.interrupted();
      }
    } finally {
      lock.lock();
      try {
        gathering = null;
      } finally {
        lock.unlock();
      }
    }
  }

  /** A sync failed: nobody leads, and every waiter starts over. */
  private void failed() {
    List<Waiter> all;
    lock.lock();
    try {
      all = new ArrayList<>(waiters);
      waiters.clear();
      leading = false;
    } finally {
      lock.unlock();
    }
    for (Waiter w : all) {
      w.state = RETRY;
      LockSupport.unpark(w.thread);
    }
  }
}
