package dev.parallax.txn.lock;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds cycles of lock waits. Run by a waiter that has waited {@code deadlock_timeout}.
 *
 * <h2>A consistent picture without a shared write on every acquire</h2>
 * Only one detector runs at a time ({@link #gate}, touched by waiters only). It collects the
 * entry of every owner's current wait ({@link LockOwner#waiting}, set under the entry's latch when
 * the request is queued) and then holds all those latches together while it works: none of those
 * entries can change, so the graph it sees is one moment of them. A request that starts waiting
 * after the collection is missing from the graph; that can hide a cycle, never invent one, and the
 * late waiter runs its own check after its own {@code deadlock_timeout}. The uncontended grant path
 * therefore writes nothing the detector needs (the old design locked all 16 partitions instead,
 * and every acquire wrote one of them).
 *
 * <h2>The graph</h2>
 * A node is a lock group (its leader; an owner outside any group is its own group), so parallel
 * workers and their leader count as one waiter, and waits inside a group are no edges. A waiting
 * member of group A has
 * <ul>
 *   <li>a <em>hard</em> edge to every group holding a mode that conflicts with the awaited one;
 *   <li>a <em>soft</em> edge to every group with a conflicting request queued ahead of it: it is
 *       blocked only by the queue order, which can be changed.
 * </ul>
 *
 * <h2>What it does with a cycle through the checking waiter</h2>
 * If the cycle has soft edges, it tries reordering queues (moving the waiter behind a soft edge to
 * just ahead of the request it waits behind, up to {@link #MAX_REARRANGEMENTS} moves deep) until no
 * cycle through the checker remains; a found order is installed and the changed queues are woken.
 * Otherwise the checker is the victim: it is removed from its queue here, still holding the
 * latches, so a second detector running right after sees the cycle already broken and exactly one
 * member of the cycle fails.
 */
final class DeadlockDetector {
  static final int MAX_REARRANGEMENTS = 4;

  /** One wait-for edge: {@code waiter}'s group waits for group {@code to} on {@code waiter.entry}. */
  private record Edge(Waiter waiter, LockOwner to, boolean soft, Waiter ahead) {}

  private final LockManager manager;
  private final LongAdder runs = new LongAdder();
  /** One detector at a time: it holds many latches, and two holding them in different orders could deadlock. */
  private final ReentrantLock gate = new ReentrantLock();

  DeadlockDetector(LockManager manager) {
    this.manager = manager;
  }

  long runs() {
    return runs.sum();
  }

  /**
   * Checks whether {@code w} is on a cycle of waits. Returns null when it is not (or a rearranged
   * queue order broke the cycle), else the error to raise; then {@code w} has already been taken
   * out of its queue.
   */
  DeadlockDetectedException check(Waiter w) {
    gate.lock();
    try {
      Set<LockEntry> waitedOn = Collections.newSetFromMap(new IdentityHashMap<>());
      waitedOn.add(w.entry);
      for (LockOwner o : manager.owners) {
        Waiter x = o.waiting;
        if (x != null) {
          waitedOn.add(x.entry);
        }
      }
      List<LockEntry> latched = new ArrayList<>(waitedOn.size());
      try {
        for (LockEntry e : waitedOn) {
          e.latch();
          latched.add(e);
        }
        return checkLatched(w, latched);
      } finally {
        for (int i = latched.size() - 1; i >= 0; i--) {
          latched.get(i).unlatch();
        }
      }
    } finally {
      gate.unlock();
    }
  }

  /** {@link #check} with the latches of {@code entries} held (every entry with a known waiter). */
  private DeadlockDetectedException checkLatched(Waiter w, List<LockEntry> entries) {
    if (w.state != Waiter.WAITING) {
      return null;
    }
    runs.increment();
    Map<LockEntry, List<Waiter>> queues = new IdentityHashMap<>();
    for (LockEntry e : entries) {
      if (!e.waiters.isEmpty()) {
        queues.put(e, new ArrayList<>(e.waiters));
      }
    }
    LockOwner me = w.owner.leader;
    Map<LockEntry, List<Waiter>> better = rearrange(me, queues, 0);
    if (better == queues) {
      return null; // no cycle through the checker as things stand
    }
    if (better != null) {
      for (Map.Entry<LockEntry, List<Waiter>> q : better.entrySet()) {
        LockEntry e = q.getKey();
        if (!e.waiters.equals(q.getValue())) {
          e.waiters.clear();
          e.waiters.addAll(q.getValue());
          e.wakeWaiters();
        }
      }
      return null;
    }
    List<LockInfo> view = new ArrayList<>();
    for (LockEntry e : entries) {
      e.addRows(view);
    }
    DeadlockDetectedException error = new DeadlockDetectedException(edges(findCycle(me, queues)), view);
    w.entry.removeWaiter(w);
    manager.table.dropIfUnused(w.entry);
    return error;
  }

  /**
   * A queue order with no cycle through {@code me} ({@code queues} itself when there is none to
   * break), or null if none within the move budget.
   */
  private Map<LockEntry, List<Waiter>> rearrange(LockOwner me, Map<LockEntry, List<Waiter>> queues, int depth) {
    List<Edge> cycle = findCycle(me, queues);
    if (cycle == null) {
      return queues;
    }
    if (depth >= MAX_REARRANGEMENTS) {
      return null;
    }
    for (Edge e : cycle) {
      if (!e.soft) {
        continue;
      }
      Map<LockEntry, List<Waiter>> moved = new IdentityHashMap<>(queues);
      List<Waiter> q = new ArrayList<>(queues.get(e.waiter.entry));
      q.remove(e.waiter);
      q.add(q.indexOf(e.ahead), e.waiter);
      moved.put(e.waiter.entry, q);
      Map<LockEntry, List<Waiter>> found = rearrange(me, moved, depth + 1);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** A cycle of edges from {@code me} back to {@code me}, or null. */
  private static List<Edge> findCycle(LockOwner me, Map<LockEntry, List<Waiter>> queues) {
    Map<LockOwner, List<Waiter>> waitingByGroup = new HashMap<>();
    for (List<Waiter> q : queues.values()) {
      for (Waiter x : q) {
        waitingByGroup.computeIfAbsent(x.owner.leader, k -> new ArrayList<>()).add(x);
      }
    }
    List<Edge> path = new ArrayList<>();
    return dfs(me, me, waitingByGroup, queues, path, new HashSet<>()) ? path : null;
  }

  private static boolean dfs(LockOwner node, LockOwner target, Map<LockOwner, List<Waiter>> waitingByGroup,
      Map<LockEntry, List<Waiter>> queues, List<Edge> path, Set<LockOwner> done) {
    for (Waiter x : waitingByGroup.getOrDefault(node, List.of())) {
      for (Edge e : edgesOf(x, queues.get(x.entry))) {
        path.add(e);
        if (e.to == target) {
          return true;
        }
        if (done.add(e.to) && dfs(e.to, target, waitingByGroup, queues, path, done)) {
          return true;
        }
        path.remove(path.size() - 1);
      }
    }
    return false;
  }

  private static List<Edge> edgesOf(Waiter x, List<Waiter> queue) {
    List<Edge> out = new ArrayList<>();
    LockOwner group = x.owner.leader;
    int conflicts = x.mode.conflicts();
    LockEntry e = x.entry;
    for (int i = 0; i < e.holderCount(); i++) {
      LockOwner holder = e.holderOwner(i).leader;
      if (holder != group && (e.holderMask(i) & conflicts) != 0) {
        out.add(new Edge(x, holder, false, null));
      }
    }
    for (Waiter ahead : queue) {
      if (ahead == x) {
        break;
      }
      if (ahead.owner.leader != group && (ahead.mode.bit() & conflicts) != 0) {
        out.add(new Edge(x, ahead.owner.leader, true, ahead));
      }
    }
    return out;
  }

  private static List<WaitEdge> edges(List<Edge> cycle) {
    List<WaitEdge> out = new ArrayList<>();
    for (Edge e : cycle) {
      Waiter x = e.waiter;
      out.add(new WaitEdge(x.owner.name(), x.owner.leader.name(), x.mode, x.entry.tag, e.to.name(), e.soft));
    }
    return out;
  }
}
