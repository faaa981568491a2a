package dev.parallax.sql.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The join-order search: given the relations of one FROM list (at most 64) and a way to make the
 * cheapest path joining two already-planned sets, finds a cheap order to join them all.
 *
 * <p>Up to {@link #DYNAMIC_PROGRAMMING_LIMIT} relations it is exhaustive: the cheapest path of
 * every connected subset is built from the cheapest paths of every way of splitting it in two
 * (bushy trees included), smallest subsets first, so the answer is optimal for the cost model.
 * Splits whose halves share no join clause are only tried when a subset has no connected split at
 * all (a real cross join), as PostgreSQL avoids clauseless joins while others remain. With 8
 * relations that is at most 3^8 = 6,561 splits. Above the limit the search is greedy: repeatedly
 * join the two sets whose join is cheapest, until one is left.
 *
 * <p>The search knows nothing of plans: {@link Paths} builds and prices them, so join methods
 * (nested loop, hash, merge, parameterised index scans) and, later, parallel paths are chosen
 * there, and this class stays the place where only the order is decided.
 *
 * @param <P> the planner's path type
 */
public final class JoinSearch<P> {
  /** Largest FROM list searched exhaustively (the "dynamic programming up to 8"). */
  public static final int DYNAMIC_PROGRAMMING_LIMIT = 8;

  /** What the planner supplies: base paths, join paths and their costs. */
  public interface Paths<P> {
    /** The cheapest path scanning relation {@code r} alone (its quals applied). */
    P base(int r);

    /** Whether some join clause links a relation of {@code left} to one of {@code right} (bit sets). */
    boolean joined(long left, long right);

    /**
     * The cheapest path joining {@code outer} (relations {@code outerSet}) to {@code inner}
     * ({@code innerSet}) in that order, or null if these cannot be joined this way (an outer
     * join whose order is fixed, say). Both orders of a pair are asked for.
     */
    P join(P outer, long outerSet, P inner, long innerSet);

    double cost(P path);
  }

  private final Paths<P> paths;
  private int splitsTried;

  public JoinSearch(Paths<P> paths) {
    this.paths = paths;
  }

  /** The cheapest path found joining relations 0..n-1. */
  public P search(int n) {
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException("a join search needs 1..64 relations, not " + n);
    }
    return n <= DYNAMIC_PROGRAMMING_LIMIT ? dynamic(n) : greedy(n);
  }

  /** Splits (outer, inner pairs) the last search priced: for tests and EXPLAIN VERBOSE-style output. */
  public int splitsTried() {
    return splitsTried;
  }

  @SuppressWarnings("unchecked")
  private P dynamic(int n) {
    int full = (1 << n) - 1;
    // First only sets that join clauses connect: with a connected join graph, a plan never needs
    // a cross product (a subset with no linked split stays unplanned). Only when the graph is not
    // connected, so that the whole set is unreachable that way, are clauseless joins allowed.
    for (boolean linkedOnly : new boolean[] {true, false}) {
      P[] best = (P[]) new Object[full + 1];
      for (int r = 0; r < n; r++) {
        best[1 << r] = paths.base(r);
      }
      for (int size = 2; size <= n; size++) {
        for (int set = 1; set <= full; set++) {
          if (Integer.bitCount(set) == size) {
            best[set] = bestSplit(best, set, linkedOnly);
          }
        }
      }
      if (best[full] != null) {
        return best[full];
      }
    }
    throw new IllegalStateException("no join order joins all " + n + " relations");
  }

  /** The cheapest join of {@code set} from two smaller planned subsets (optionally linked ones only). */
  private P bestSplit(P[] best, int set, boolean linkedOnly) {
    P cheapest = null;
    double cheapestCost = Double.POSITIVE_INFINITY;
    // Every non-empty proper subset as the outer side; its complement in set is the inner side.
    for (int outer = (set - 1) & set; outer > 0; outer = (outer - 1) & set) {
      int inner = set & ~outer;
      P o = best[outer];
      P i = best[inner];
      if (o == null || i == null || (linkedOnly && !paths.joined(outer, inner))) {
        continue;
      }
      splitsTried++;
      P p = paths.join(o, outer, i, inner);
      if (p != null) {
        double c = paths.cost(p);
        if (c < cheapestCost) {
          cheapest = p;
          cheapestCost = c;
        }
      }
    }
    return cheapest;
  }

  private P greedy(int n) {
    List<P> parts = new ArrayList<>();
    List<Long> sets = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      parts.add(paths.base(r));
      sets.add(1L << r);
    }
    while (parts.size() > 1) {
      P cheapest = null;
      double cheapestCost = Double.POSITIVE_INFINITY;
      int bi = -1;
      int bj = -1;
      for (int pass = 0; pass < 2 && cheapest == null; pass++) {
        boolean linkedOnly = pass == 0;
        for (int i = 0; i < parts.size(); i++) {
          for (int j = 0; j < parts.size(); j++) {
            if (i == j || (linkedOnly && !paths.joined(sets.get(i), sets.get(j)))) {
              continue;
            }
            splitsTried++;
            P p = paths.join(parts.get(i), sets.get(i), parts.get(j), sets.get(j));
            if (p != null && paths.cost(p) < cheapestCost) {
              cheapest = p;
              cheapestCost = paths.cost(p);
              bi = i;
              bj = j;
            }
          }
        }
      }
      if (cheapest == null) {
        throw new IllegalStateException("no join order joins all " + n + " relations");
      }
      long merged = sets.get(bi) | sets.get(bj);
      int hi = Math.max(bi, bj);
      int lo = Math.min(bi, bj);
      parts.remove(hi);
      sets.remove(hi);
      parts.set(lo, cheapest);
      sets.set(lo, merged);
    }
    return parts.get(0);
  }
}
