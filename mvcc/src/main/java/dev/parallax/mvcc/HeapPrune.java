package dev.parallax.mvcc;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.SlottedPage;
import java.util.Arrays;

/**
 * Pruning one heap page: removing the versions of HOT chains (and lone versions) that are dead
 * to every transaction, under the page's exclusive latch, without touching any index.
 *
 * <h2>What is removed and what each slot becomes</h2>
 * For each root (see {@link HotChain}) the chain is walked to its end. Its longest prefix of
 * members whose vacuum verdict is DEAD (given the horizon, the oldest xmin of any snapshot) is
 * removed:
 * <ul>
 *   <li>removed heap-only members become UNUSED at once: no index entry names them, so their
 *       slots may be reused by the next insert;
 *   <li>the root slot, whose slot index entries name, becomes a REDIRECT to the first member that
 *       stays, or, when the whole chain is dead, DEAD (vacuum's index pass removes the entries
 *       and only then frees it), or UNUSED when the caller says no index can name it.
 * </ul>
 * Heap-only tuples that no chain reaches (left by an aborted update: the walk stops at a LIVE
 * member, whose link can only lead to versions of aborted updates) are removed when DEAD. A chain is removed from its start
 * only: a DEAD member after a member that is not DEAD stays (it cannot be needed by anyone, but
 * removing it would cut the chain before the members after it).
 *
 * <p>Why only a prefix: members are in version order, and a member some snapshot may see keeps
 * every member after it reachable only through its own ctid link. Removing the prefix and moving
 * the root's redirect keeps every surviving member reachable from the root.
 *
 * <p>Readers copy what they need under the page's shared latch (fetches copy the tuple, scans the
 * page), so the exclusive latch is enough to move bytes: no cleanup lock on pins is needed.
 *
 * <p>The actions are logged as one PRUNE record (see {@link HeapRecords}) and replay applies them
 * in the same order, then compacts the page as here; applying them again changes nothing, so
 * replay is idempotent.
 */
final class HeapPrune {
  private HeapPrune() {}

  /** Planned actions for one page, in the order they are applied and logged. */
  static final class Actions {
    int[] slots = new int[64];
    byte[] actions = new byte[64];
    int[] targets = new int[64];
    int count;
    /** Tuples whose storage the actions reclaim. */
    int removed;
    /** Root slots made DEAD (their tids must go through an index pass). */
    int markedDead;
    /** Slots made UNUSED. */
    int freed;
    /** Roots made (or moved as) REDIRECT. */
    int redirected;

    void add(int slot, int action, int target) {
      if (count == slots.length) {
        slots = Arrays.copyOf(slots, count * 2);
        actions = Arrays.copyOf(actions, count * 2);
        targets = Arrays.copyOf(targets, count * 2);
      }
      slots[count] = slot;
      actions[count] = (byte) action;
      targets[count++] = target;
    }

    void clear() {
      count = 0;
      removed = 0;
      markedDead = 0;
      freed = 0;
      redirected = 0;
    }
  }

  /**
   * Plans the pruning of page {@code p} (block {@code block}) into {@code out} (cleared first).
   * Sets hint bits (the caller holds the exclusive latch). Changes nothing else.
   *
   * @param deadRootsUnused true when no index can name a root (vacuum of a relation without
   *     indexes): wholly dead chains free their root at once instead of leaving it DEAD
   */
  static void plan(byte[] p, Buffer buf, int block, HeapVisibility visibility, long horizon, boolean deadRootsUnused,
      Actions out) {
    out.clear();
    if (SlottedPage.isNew(p)) {
      return;
    }
    int n = SlottedPage.slotCount(p);
    boolean[] visited = new boolean[n];
    int[] chain = new int[Math.min(n, HotChain.MAX_LENGTH)];
    for (int root = 0; root < n; root++) {
      if (!HotChain.isRoot(p, root)) {
        continue;
      }
      int len = 0;
      int dead = 0; // length of the chain's DEAD prefix
      for (int m = HotChain.firstMember(p, root); m >= 0 && len < chain.length && !visited[m];
          m = HotChain.next(p, block, m)) {
        visited[m] = true;
        chain[len++] = m;
        VacuumVerdict v = visibility.satisfiesVacuum(p, SlottedPage.offset(p, m), buf, horizon);
        if (v == VacuumVerdict.DEAD && dead == len - 1) {
          dead++;
        }
        if (v == VacuumVerdict.LIVE) {
          // Its xmax is none, aborted or a lock: whatever its link leads to was written by an
          // aborted update, so it is not part of the chain (the orphan pass below frees it).
          break;
        }
      }
      if (len == 0) {
        continue; // a REDIRECT to nothing valid: left alone (DatabaseCheck reports it)
      }
      if (dead == 0) {
        continue;
      }
      for (int i = 0; i < dead; i++) {
        out.removed++;
        if (chain[i] != root) {
          out.add(chain[i], HeapRecords.ACTION_UNUSED, 0);
          out.freed++;
        }
      }
      if (dead < len) {
        out.add(root, HeapRecords.ACTION_REDIRECT, chain[dead]);
        out.redirected++;
      } else if (deadRootsUnused) {
        out.add(root, HeapRecords.ACTION_UNUSED, 0);
        out.freed++;
      } else {
        out.add(root, HeapRecords.ACTION_DEAD, 0);
        out.markedDead++;
      }
    }
    for (int s = 0; s < n; s++) {
      if (!visited[s] && HotChain.isHeapOnlyTuple(p, s) && isDead(p, buf, s, visibility, horizon)) {
        out.add(s, HeapRecords.ACTION_UNUSED, 0);
        out.removed++;
        out.freed++;
      }
    }
  }

  private static boolean isDead(byte[] p, Buffer buf, int slot, HeapVisibility visibility, long horizon) {
    return visibility.satisfiesVacuum(p, SlottedPage.offset(p, slot), buf, horizon) == VacuumVerdict.DEAD;
  }

  /** Applies one action of a PRUNE record (prune, vacuum or their redo). */
  static void apply(byte[] p, int block, int slot, byte action, int target) {
    if (action == HeapRecords.ACTION_REDIRECT) {
      SlottedPage.setRedirect(p, slot, target);
    } else {
      HeapVacuum.apply(p, block, slot, action);
    }
  }

  /** Applies every planned action, then compacts the page (as replay does). */
  static void applyAll(byte[] p, int block, Actions a) {
    for (int i = 0; i < a.count; i++) {
      apply(p, block, a.slots[i], a.actions[i], a.targets[i]);
    }
    SlottedPage.compact(p);
  }
}
