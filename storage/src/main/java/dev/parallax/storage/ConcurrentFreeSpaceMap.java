package dev.parallax.storage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The free-space map: per relation, free bytes per block as last reported, kept in a max-tree so
 * that finding a block with room is logarithmic in the relation size (a linear walk made bulk
 * loads quadratic). In memory only: lost at restart and refilled as inserts and vacuum report.
 * Callers re-check the page they are given, so a stale answer costs a retry, never correctness.
 */
final class ConcurrentFreeSpaceMap implements FreeSpaceMap {
  private final Map<Integer, RelationTree> relations = new ConcurrentHashMap<>();

  @Override
  public int findPage(int relation, int bytesNeeded) {
    RelationTree t = relations.get(relation);
    return t == null ? -1 : t.find(bytesNeeded);
  }

  @Override
  public void record(int relation, int block, int freeBytes) {
    relations.computeIfAbsent(relation, r -> new RelationTree()).set(block, Math.max(0, freeBytes));
  }

  @Override
  public void forget(int relation) {
    relations.remove(relation);
  }

  /**
   * A complete binary tree over blocks: leaves hold free bytes, inner nodes the maximum of their
   * children. {@link #find} descends to the lowest-numbered block with enough room, so inserts fill
   * the front of a relation first. One monitor per relation: each operation is O(log blocks).
   */
  private static final class RelationTree {
    private int capacity = 64; // leaves; a power of two. guarded by this
    private int[] tree = new int[2 * capacity]; // guarded by this; tree[1] is the root

    synchronized void set(int block, int free) {
      while (block >= capacity) {
        grow();
      }
      int i = capacity + block;
      tree[i] = free;
      for (i >>>= 1; i >= 1; i >>>= 1) {
        int m = Math.max(tree[2 * i], tree[2 * i + 1]);
        if (tree[i] == m) {
          break;
        }
        tree[i] = m;
      }
    }

    synchronized int find(int needed) {
      if (tree[1] < needed) {
        return -1;
      }
      int i = 1;
      while (i < capacity) {
        i = tree[2 * i] >= needed ? 2 * i : 2 * i + 1;
      }
      return i - capacity;
    }

    private void grow() {
      int newCapacity = capacity * 2;
      int[] t = new int[2 * newCapacity];
      System.arraycopy(tree, capacity, t, newCapacity, capacity);
      for (int i = newCapacity - 1; i >= 1; i--) {
        t[i] = Math.max(t[2 * i], t[2 * i + 1]);
      }
      capacity = newCapacity;
      tree = t;
    }
  }
}
