package dev.parallax.txn.lock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * One lockable object in the shared table: who holds which modes, and who waits in what order.
 *
 * <h2>Concurrency</h2>
 * Every field is guarded by the entry's own latch ({@link #latch} / {@link #unlatch}), so requests
 * on different tags touch no common memory. The entry is its own latch (an exclusive, non-reentrant
 * {@link AbstractQueuedSynchronizer}: one CAS to take, one volatile write to release, no extra
 * object) rather than a {@code synchronized} monitor because the deadlock detector must hold the
 * latches of many entries at once, which a block-structured monitor cannot do.
 *
 * <p>An entry is created latched by the thread that publishes it in the table. It is removed only
 * while latched and unused, and is then marked {@link #dead} before the latch is released; a
 * requester that found the entry in the table and latched it after that sees it dead and looks the
 * tag up again (by then the table holds a newer entry or none). So a grant never goes to an entry
 * that has left the table.
 *
 * <h2>Granting</h2>
 * A request is granted when its mode conflicts neither with a mode held by an owner outside the
 * requester's lock group nor with a request already queued: queued requests come first, so a
 * stream of ACCESS SHARE readers cannot starve an ACCESS EXCLUSIVE waiter. The one exception is
 * {@link #enqueue}: a requester that already holds a mode some waiter needs goes ahead of that
 * waiter (it would block the waiter anyway, so letting it wait behind would be a deadlock), and is
 * granted at once if nothing ahead and nothing held stands in its way.
 *
 * <h2>Holders</h2>
 * The first holder lives in two fields of the entry itself and further holders in arrays made when
 * a second one comes: the common case (one holder) writes only this object, which keeps a
 * lock + release to one cache line and allocates nothing.
 */
final class LockEntry extends AbstractQueuedSynchronizer {
  final LockTag tag;
  /** Set, under the latch, when the entry leaves the table; a dead entry is never used again. */
  boolean dead;
  /** Holder slot 0. Left in place when the last holder goes, so re-granting to the same owner writes no reference. */
  private LockOwner owner0;
  private int mask0;
  /** Holder slots 1..: null until two owners hold at once. */
  private LockOwner[] moreOwners;
  private int[] moreMasks;
  private int holderCount;
  private int grantedMask;
  final List<Waiter> waiters = new ArrayList<>(0);

  /** A new entry, latched by the calling thread (which is about to publish it). */
  LockEntry(LockTag tag) {
    this.tag = tag;
    setState(1);
  }

  // ---- the latch ----

  void latch() {
    acquire(1);
  }

  /** Latches the entry unless it has left the table; false (and not latched) if it has. */
  boolean latchIfLive() {
    acquire(1);
    if (!dead) {
      return true;
    }
    release(1);
    return false;
  }

  void unlatch() {
    release(1);
  }

  @Override
  protected boolean tryAcquire(int ignored) {
    return compareAndSetState(0, 1);
  }

  @Override
  protected boolean tryRelease(int ignored) {
    setState(0);
    return true;
  }

  // ---- holders ----

  int holderCount() {
    return holderCount;
  }

  LockOwner holderOwner(int i) {
    return i == 0 ? owner0 : moreOwners[i - 1];
  }

  int holderMask(int i) {
    return i == 0 ? mask0 : moreMasks[i - 1];
  }

  private void setHolder(int i, LockOwner owner, int mask) {
    if (i == 0) {
      if (owner0 != owner) {
        owner0 = owner;
      }
      mask0 = mask;
    } else {
      moreOwners[i - 1] = owner;
      moreMasks[i - 1] = mask;
    }
  }

  private int holderIndex(LockOwner owner) {
    for (int i = 0; i < holderCount; i++) {
      if (holderOwner(i) == owner) {
        return i;
      }
    }
    return -1;
  }

  boolean isUnused() {
    return holderCount == 0 && waiters.isEmpty();
  }

  int waitMask() {
    int m = 0;
    for (Waiter w : waiters) {
      m |= w.mode.bit();
    }
    return m;
  }

  /** Modes held by owners in {@code owner}'s lock group (including itself). */
  int groupHeldMask(LockOwner owner) {
    LockOwner group = owner.leader;
    int m = 0;
    for (int i = 0; i < holderCount; i++) {
      if (holderOwner(i).leader == group) {
        m |= holderMask(i);
      }
    }
    return m;
  }

  /** Whether {@code mode} conflicts with a mode held outside {@code owner}'s lock group. */
  boolean conflictsWithHolders(LockOwner owner, LockMode mode) {
    int conflicts = mode.conflicts();
    if ((conflicts & grantedMask) == 0) {
      return false;
    }
    LockOwner group = owner.leader;
    for (int i = 0; i < holderCount; i++) {
      if (holderOwner(i).leader != group && (holderMask(i) & conflicts) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether a new request can be granted without waiting. */
  boolean grantableNow(LockOwner owner, LockMode mode) {
    return (waiters.isEmpty() || (mode.conflicts() & waitMask()) == 0) && !conflictsWithHolders(owner, mode);
  }

  void grant(LockOwner owner, LockMode mode) {
    int i = holderIndex(owner);
    if (i < 0) {
      i = holderCount++;
      if (i > 0 && (moreOwners == null || moreOwners.length < i)) {
        int n = moreOwners == null ? 2 : moreOwners.length * 2;
        moreOwners = moreOwners == null ? new LockOwner[n] : Arrays.copyOf(moreOwners, n);
        moreMasks = moreMasks == null ? new int[n] : Arrays.copyOf(moreMasks, n);
      }
      setHolder(i, owner, 0);
    }
    setHolder(i, owner, holderMask(i) | mode.bit());
    grantedMask |= mode.bit();
  }

  /** Removes {@code owner}'s hold on {@code mode}; false if it did not hold it. */
  boolean ungrant(LockOwner owner, LockMode mode) {
    int i = holderIndex(owner);
    if (i < 0 || (holderMask(i) & mode.bit()) == 0) {
      return false;
    }
    int mask = holderMask(i) & ~mode.bit();
    if (mask != 0) {
      setHolder(i, owner, mask);
    } else {
      int last = --holderCount;
      if (i != last) {
        setHolder(i, holderOwner(last), holderMask(last));
      }
      if (last > 0) {
        moreOwners[last - 1] = null;
      }
    }
    int g = 0;
    for (int k = 0; k < holderCount; k++) {
      g |= holderMask(k);
    }
    grantedMask = g;
    return true;
  }

  /** The modes {@code owner} itself holds here (0 if none). */
  int heldBy(LockOwner owner) {
    int i = holderIndex(owner);
    return i < 0 ? 0 : holderMask(i);
  }

  // ---- the queue ----

  /**
   * Queues a request that cannot be granted now. Returns null when it was granted after all
   * (it may jump the queue, see the class comment), or the queued waiter. Throws
   * {@link DeadlockDetectedException} when the requester holds a mode a waiter needs and that
   * waiter holds a mode the requester needs: neither could ever go first.
   */
  Waiter enqueue(LockOwner owner, LockMode mode) {
    int myHeld = groupHeldMask(owner);
    int position = waiters.size();
    if (myHeld != 0) {
      int ahead = 0;
      for (int i = 0; i < waiters.size(); i++) {
        Waiter w = waiters.get(i);
        if (w.owner.leader != owner.leader && (w.mode.conflicts() & myHeld) != 0) {
          if ((mode.conflicts() & groupHeldMask(w.owner)) != 0) {
            throw new DeadlockDetectedException(List.of(
                new WaitEdge(owner.name(), owner.leader.name(), mode, tag, w.owner.leader.name(), false),
                new WaitEdge(w.owner.name(), w.owner.leader.name(), w.mode, tag, owner.leader.name(), false)),
                viewWithRequest(owner, mode));
          }
          if ((mode.conflicts() & ahead) == 0 && !conflictsWithHolders(owner, mode)) {
            grant(owner, mode);
            return null;
          }
          position = i;
          break;
        }
        ahead |= w.mode.bit();
      }
    }
    Waiter w = new Waiter(owner, mode, this);
    waiters.add(position, w);
    return w;
  }

  /** This entry's rows, plus the request being refused as a waiting row (for an early deadlock). */
  private List<LockInfo> viewWithRequest(LockOwner owner, LockMode mode) {
    List<LockInfo> rows = new ArrayList<>();
    addRows(rows);
    rows.add(new LockInfo(tag, mode, false, false, owner.name(), owner.leader.name(), System.nanoTime()));
    return rows;
  }

  /** This entry's rows of the lock view: holders, then waiters in queue order. The caller holds the latch. */
  void addRows(List<LockInfo> out) {
    for (int i = 0; i < holderCount; i++) {
      LockOwner o = holderOwner(i);
      for (LockMode mode : LockMode.values()) {
        if ((holderMask(i) & mode.bit()) != 0) {
          out.add(new LockInfo(tag, mode, true, false, o.name(), o.leader.name(), 0));
        }
      }
    }
    for (Waiter w : waiters) {
      out.add(new LockInfo(tag, w.mode, false, false, w.owner.name(), w.owner.leader.name(), w.waitStartNanos));
    }
  }

  /**
   * Grants every waiter that no longer has to wait, in queue order: a waiter is granted when it
   * conflicts neither with the holders (outside its group) nor with a waiter still ahead of it.
   */
  void wakeWaiters() {
    int ahead = 0;
    for (int i = 0; i < waiters.size(); ) {
      Waiter w = waiters.get(i);
      if ((w.mode.conflicts() & ahead) == 0 && !conflictsWithHolders(w.owner, w.mode)) {
        grant(w.owner, w.mode);
        waiters.remove(i);
        w.state = Waiter.GRANTED;
        w.wake();
      } else {
        ahead |= w.mode.bit();
        i++;
      }
    }
  }

  /** Takes a still-queued waiter out of the queue; false if it was granted meanwhile. */
  boolean removeWaiter(Waiter w) {
    if (w.state != Waiter.WAITING) {
      return w.state == Waiter.REMOVED;
    }
    waiters.remove(w);
    w.state = Waiter.REMOVED;
    wakeWaiters();
    return true;
  }

  @Override
  public String toString() {
    return "lock entry for " + tag;
  }
}
