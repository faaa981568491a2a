package dev.parallax.storage.btree;

import dev.parallax.storage.Buffer;
import dev.parallax.storage.SlottedPage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a tree's structure, like PostgreSQL's amcheck: the metapage; each level walked left
 * to right along the right links from its leftmost page; on every page, items strictly ascending,
 * below the high key and not below the left neighbour's high key; the sequence of downlinks one
 * level up naming exactly the pages of the level in order (a page may lack one only while its left
 * neighbour is flagged INCOMPLETE_SPLIT), each separator equal to the left neighbour's high key;
 * levels and leaf flags consistent; every non-empty page of the relation reached.
 *
 * <p>Pages are copied under their shared latch and checked one at a time, so the check can run
 * beside writers but then may report a split in progress; run it on a quiet tree for a verdict.
 */
public final class BTreeCheck {
  /** What the check found. */
  public record Report(List<String> problems, int levels, int pages, long leafEntries, int incompleteSplits) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private final BTree tree;
  private final List<String> problems = new ArrayList<>();

  BTreeCheck(BTree tree) {
    this.tree = tree;
  }

  private record Downlink(byte[] low, int block) {}

  Report run() {
    long root = tree.root();
    int rootBlock = (int) root;
    int rootLevel = (int) (root >>> 32);
    List<Downlink> expected = List.of(new Downlink(null, rootBlock));
    Set<Integer> visited = new HashSet<>();
    long leafEntries = 0;
    int incomplete = 0;
    for (int level = rootLevel; level >= 0 && !expected.isEmpty(); level--) {
      List<Downlink> below = new ArrayList<>();
      int block = expected.get(0).block();
      int next = 0;
      byte[] prevHigh = null;
      boolean prevIncomplete = false;
      boolean first = true;
      while (block != 0) {
        if (!visited.add(block)) {
          problem(block, "reached twice (a cycle of right links, or a page on two levels)");
          break;
        }
        byte[] p = copy(block);
        if (SlottedPage.isNew(p) || BTreePage.isMeta(p)) {
          problem(block, "is linked into level " + level + " but is " + (SlottedPage.isNew(p) ? "uninitialised" : "the metapage"));
          break;
        }
        if (BTreePage.level(p) != level || BTreePage.isLeaf(p) != (level == 0)) {
          problem(block, "has level " + BTreePage.level(p) + (BTreePage.isLeaf(p) ? " (leaf)" : "") + ", expected " + level);
        }
        if (level == rootLevel && !BTreePage.isRightmost(p)) {
          problem(block, "is the root but has a right link");
        }
        if (next < expected.size() && expected.get(next).block() == block) {
          byte[] low = expected.get(next).low();
          if (!first && (low == null || prevHigh == null || !Arrays.equals(low, prevHigh))) {
            problem(block, "downlink separator differs from the left neighbour's high key");
          }
          next++;
        } else if (!prevIncomplete) {
          problem(block, "has no downlink on level " + (level + 1) + " and its left neighbour's split is complete");
        }
        checkItems(block, p, prevHigh);
        if (BTreePage.isLeaf(p)) {
          leafEntries += BTreePage.count(p) - BTreePage.firstData(p);
        } else {
          for (int s = BTreePage.firstData(p); s < BTreePage.count(p); s++) {
            byte[] sep = s == BTreePage.firstData(p) ? prevHigh : BTreePage.key(p, s);
            below.add(new Downlink(sep, BTreePage.child(p, s)));
          }
        }
        prevIncomplete = BTreePage.incompleteSplit(p);
        if (prevIncomplete) {
          incomplete++;
        }
        prevHigh = BTreePage.isRightmost(p) ? null : BTreePage.key(p, 0);
        block = BTreePage.rightLink(p);
        first = false;
      }
      if (next != expected.size()) {
        problem(expected.get(next).block(), "is named by a downlink on level " + (level + 1)
            + " but is not in order on level " + level);
      }
      expected = below;
    }
    int blocks = tree.pool().blockCount(tree.relation());
    for (int b = 1; b < blocks; b++) {
      if (!visited.contains(b) && !SlottedPage.isNew(copy(b))) {
        problem(b, "is not reachable from the root");
      }
    }
    return new Report(List.copyOf(problems), rootLevel + 1, visited.size(), leafEntries, incomplete);
  }

  private void checkItems(int block, byte[] p, byte[] prevHigh) {
    int first = BTreePage.firstData(p);
    int n = BTreePage.count(p);
    boolean leaf = BTreePage.isLeaf(p);
    for (int s = first; s < n; s++) {
      byte[] key = BTreePage.key(p, s);
      boolean minusInfinity = !leaf && s == first;
      if (s > first && !(minusInfinity) && !(!leaf && s - 1 == first && BTreePage.key(p, s - 1).length == 0)
          && Arrays.compareUnsigned(BTreePage.key(p, s - 1), key) >= 0) {
        problem(block, "items at positions " + (s - 1) + " and " + s + " are not in ascending order");
      }
      if (!BTreePage.isRightmost(p) && BTreePage.compare(key, p, 0) >= 0 && !(minusInfinity && key.length == 0)) {
        problem(block, "item at position " + s + " is not below the high key");
      }
      if (prevHigh != null && !minusInfinity && Arrays.compareUnsigned(key, prevHigh) < 0) {
        problem(block, "item at position " + s + " is below the left neighbour's high key");
      }
    }
  }

  private byte[] copy(int block) {
    try (Buffer b = tree.pin(block)) {
      b.latchShared();
      try {
        return b.data().clone();
      } finally {
        b.unlatch();
      }
    }
  }

  private void problem(int block, String what) {
    problems.add("index relation " + tree.relation() + " block " + block + ": " + what);
  }
}
