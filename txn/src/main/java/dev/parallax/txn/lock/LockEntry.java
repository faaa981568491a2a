package dev.parallax.txn.lock;

import java.util.ArrayList;
import java.util.List;

/**
 * One lockable object in the shared table: who holds which modes, and who waits in what order.
 * Every field is guarded by the lock of the partition the tag hashes to (the deadlock detector
 * holds all partitions).
 *
 * <h2>Granting</h2>
 * A request is granted when its mode conflicts neither with a mode held by an owner outside the
 * requester's lock group nor with a request already queued: queued requests come first, so a
 * stream of ACCESS SHARE readers cannot starve an ACCESS EXCLUSIVE waiter. The one exception is
 * {@link #enqueue}: a requester that already holds a mode some waiter needs goes ahead of that
 * waiter (it would block the waiter anyway, so letting it wait behind would be a deadlock), and is
 * granted at once if nothing ahead and nothing held stands in its way.
 */
final class LockEntry {
  /** One owner's granted modes. */
  static final class Holding {
    final LockOwner owner;
    int mask;

    Holding(LockOwner owner) {
      this.owner = owner;
    }
  }

  final LockTag tag;
  final List<Holding> holders = new ArrayList<>(2);
  final int[] grantedCounts = new int[LockMode.values().length];
  int grantedMask;
  final List<Waiter> waiters = new ArrayList<>(0);

  LockEntry(LockTag tag) {
    this.tag = tag;
  }

  boolean isUnused() {
    return holders.isEmpty() && waiters.isEmpty();
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
    for (Holding h : holders) {
      if (h.owner.leader == group) {
        m |= h.mask;
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
    for (Holding h : holders) {
      if (h.owner.leader != group && (h.mask & conflicts) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Whether a new request can be granted without waiting. */
  boolean grantableNow(LockOwner owner, LockMode mode) {
    return (mode.conflicts() & waitMask()) == 0 && !conflictsWithHolders(owner, mode);
  }

  void grant(LockOwner owner, LockMode mode) {
    Holding h = holding(owner);
    if (h == null) {
      h = new Holding(owner);
      holders.add(h);
    }
    if ((h.mask & mode.bit()) == 0) {
      h.mask |= mode.bit();
      grantedCounts[mode.ordinal()]++;
      grantedMask |= mode.bit();
    }
  }

  /** Removes {@code owner}'s hold on {@code mode}; false if it did not hold it. */
  boolean ungrant(LockOwner owner, LockMode mode) {
    Holding h = holding(owner);
    if (h == null || (h.mask & mode.bit()) == 0) {
      return false;
    }
    h.mask &= ~mode.bit();
    if (h.mask == 0) {
      holders.remove(h);
    }
    if (--grantedCounts[mode.ordinal()] == 0) {
      grantedMask &= ~mode.bit();
    }
    return true;
  }

  Holding holding(LockOwner owner) {
    for (Holding h : holders) {
      if (h.owner == owner) {
        return h;
      }
    }
    return null;
  }

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
    LockManager.addRows(this, rows);
    rows.add(new LockInfo(tag, mode, false, false, owner.name(), owner.leader.name(), System.nanoTime()));
    return rows;
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
}
