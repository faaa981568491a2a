package dev.parallax.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who writes and fsyncs the log, and who waits for whom: {@link FileWal#flush} is this class.
 *
 * <h2>Design</h2>
 * One committer at a time (the leader) writes and fsyncs everything appended so far, itself: a
 * session committing alone pays no hand-off to another thread. Committers arriving meanwhile
 * enter a list of waiters and park. When the sync ends the leader publishes the new durable
 * position and unparks exactly the waiters whose record it covers (not a notifyAll: each woken
 * thread has its answer and runs its next transaction at once).
 *
 * <p>The next sync does not start at once. The committers just woken are about to run their next
 * transaction and come back; a sync started at once would miss all of them, and committers fell
 * into two alternating cohorts each syncing half of the sessions (measured: 4.3 commits per fsync
 * with 8 sessions). So the next sync starts when as many committers have arrived as the last one
 * woke ("the cohort is back"): the arrival that completes the cohort leads, at once, without
 * waking anybody. The wait is bounded: the first committer to wait while no sync runs is the
 * timer; it parks until half the average sync time has passed and then leads if nobody did, so
 * sessions that do not come back cost at most half a sync.
 *
 * <p>Measured with 8 sessions on 2 cores: 7.9 commits per fsync, 59-66 us between the end of one
 * fsync and the start of the next. Rejected: a designated next leader that parks and is woken by
 * the cohort's last arrival (one more wake-up: 131 us between fsyncs); woken waiters waking the
 * rest as a tree (the leader's unparks halved, the gap did not shrink). Not tried: a dedicated
 * flusher thread, which costs a lone session two hand-offs per commit.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link #durable} only grows, and only to a position the syncer returned after its fsync
 *       of every segment holding bytes below it; a caller of {@link #flush} returns only when
 *       {@code durable >= lsn} (or its lsn is past the end of the log, see there).
 *   <li>At most one sync at a time ({@code syncing}).
 *   <li>No lost wake-up: whenever no sync runs and the list of waiters is not empty, {@code timer}
 *       is one of them; a sync that ends wakes every waiter it made durable. Both are decided
 *       under {@code lock} in the step that changes {@code syncing}.
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
  /** The sync failed: start over (and fail on one's own attempt if it fails again). */
  private static final int RETRY = 2;

  private static final class Waiter {
    final Thread thread = Thread.currentThread();
    final long lsn;
    volatile int state = WAITING;
    /** Set (under lock) for the timer: when it leads if no sync started; 0 for other waiters. */
    volatile long deadline;
    // guarded by lock: in the list of waiters. A sync's end takes its waiters out of the list
    // before it marks them DURABLE; a timer whose deadline passes in between must not lead.
    private boolean listed;

    Waiter(long lsn) {
      this.lsn = lsn;
    }
  }

  private final Syncer syncer;
  private volatile long durable;

  private final ReentrantLock lock = new ReentrantLock();
  // guarded by lock: a leader is writing and syncing
  private boolean syncing;
  // guarded by lock: waiters not yet woken, in arrival order
  private final List<Waiter> waiters = new ArrayList<>();
  // guarded by lock: the waiter that leads when its deadline passes, if no sync started before
  private Waiter timer;
  // guarded by lock: committers the last sync woke, the leader included (the cohort)
  private int cohort;
  // guarded by lock: committers that arrived since the last sync ended
  private int arrived;
  // written by the leader only, read under lock: a moving average of write + fsync time
  private volatile long averageSyncNanos;

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
        Waiter w;
        lock.lock();
        try {
          if (lsn <= durable) {
            return;
          }
          arrived++;
          if (!syncing && arrived >= cohort) {
            syncing = true;
            w = null;
          } else {
            w = new Waiter(lsn);
            w.listed = true;
            waiters.add(w);
            if (!syncing && timer == null) {
              becomeTimer(w);
            }
          }
        } finally {
          lock.unlock();
        }
        if (w != null) {
          int s;
          boolean leads = false;
          while ((s = w.state) == WAITING) {
            long deadline = w.deadline;
            if (deadline == 0) {
              LockSupport.park(this);
            } else if (deadline - System.nanoTime() > 0) {
              LockSupport.parkNanos(this, deadline - System.nanoTime());
            } else if (leads = timedOut(w)) {
              break;
            }
            // a committer must not give up waiting for durability: remember, keep waiting
            interrupted |= Thread.interrupted();
          }
          if (!leads) {
            continue; // DURABLE: the loop condition sees it; RETRY: start over
          }
        }
        // The sync covers everything appended before it, so our record. Return even if lsn is
        // still ahead: then it lies past the end of the log (a page LSN met during replay, before
        // the log is started), and nothing more can be waited for.
        interrupted |= Thread.interrupted(); // an interrupted thread's FileChannel write closes it
        sync();
        return;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // guarded by lock
  private void becomeTimer(Waiter w) {
    timer = w;
    w.deadline = System.nanoTime() + Math.max(1, averageSyncNanos / 2);
  }

  /** The timer's deadline passed: it leads if no sync runs, else it waits like the others. */
  private boolean timedOut(Waiter w) {
    lock.lock();
    try {
      w.deadline = 0;
      if (!w.listed) {
        return false; // taken out by a sync's end or a failure: DURABLE or RETRY and an unpark are coming
      }
      if (timer == w) {
        timer = null;
      }
      if (syncing) {
        return false; // that sync's end wakes us or names a new timer
      }
      syncing = true;
      waiters.remove(w);
      w.listed = false;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The leader's turn: write and fsync, publish, wake the waiters now durable. */
  private void sync() {
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
    Waiter newTimer = null;
    lock.lock();
    try {
      long d = durable;
      int keep = 0;
      for (Waiter w : waiters) {
        if (w.lsn <= d) {
          w.listed = false;
          woken.add(w);
        } else {
          waiters.set(keep++, w);
        }
      }
      waiters.subList(keep, waiters.size()).clear();
      cohort = woken.size() + 1; // and the leader itself
      arrived = 0;
      syncing = false;
      if (timer != null && timer.lsn <= d) {
        timer = null;
      }
      if (timer == null && !waiters.isEmpty()) {
        newTimer = waiters.get(0);
        becomeTimer(newTimer);
      }
    } finally {
      lock.unlock();
    }
    for (Waiter w : woken) {
      w.state = DURABLE;
      LockSupport.unpark(w.thread);
    }
    if (newTimer != null) {
      LockSupport.unpark(newTimer.thread); // to park again, with its deadline
    }
  }

  /** A sync failed: nobody syncs, and every waiter starts over. */
  private void failed() {
    List<Waiter> all;
    lock.lock();
    try {
      all = new ArrayList<>(waiters);
      all.forEach(w -> w.listed = false);
      waiters.clear();
      timer = null;
      syncing = false;
    } finally {
      lock.unlock();
    }
    for (Waiter w : all) {
      w.state = RETRY;
      LockSupport.unpark(w.thread);
    }
  }
}
