package dev.parallax.sql.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The join-order search against a brute-force enumeration of every bushy join tree over a toy
 * cost model (row counts and clause selectivities; a join costs its inputs plus its output), on
 * random join graphs: the dynamic programming answer must be exactly as cheap as the best tree,
 * never use a cross product when the clauses connect everything, and the greedy search must
 * cover every relation.
 */
class JoinSearchTest {
  /** A toy path: the relations it joins, its rows, its total cost and a readable shape. */
  record Toy(long set, double rows, double cost, String shape, boolean crossProduct) {}

  static final class Model implements JoinSearch.Paths<Toy> {
    final int n;
    final double[] rows;
    final double[][] selectivity; // 0 = no clause between i and j

    Model(int n, long seed, double edgeChance) {
      SplittableRandom r = new SplittableRandom(seed);
      this.n = n;
      rows = new double[n];
      selectivity = new double[n][n];
      for (int i = 0; i < n; i++) {
        rows[i] = Math.pow(10, 1 + r.nextInt(5));
      }
      for (int i = 1; i < n; i++) {
        // A random spanning tree keeps most graphs connected; extra edges make cycles.
        int j = r.nextInt(i);
        selectivity[i][j] = selectivity[j][i] = 1 / Math.max(rows[i], rows[j]) * (0.5 + r.nextDouble());
        for (int k = 0; k < i; k++) {
          if (k != j && r.nextDouble() < edgeChance) {
            selectivity[i][k] = selectivity[k][i] = r.nextDouble() * 0.01;
          }
        }
      }
    }

    @Override
    public Toy base(int r) {
      return new Toy(1L << r, rows[r], rows[r], "r" + r, false);
    }

    @Override
    public boolean joined(long left, long right) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if ((left >> i & 1) == 1 && (right >> j & 1) == 1 && selectivity[i][j] > 0) {
            return true;
          }
        }
      }
      return false;
    }

    @Override
    public Toy join(Toy outer, long outerSet, Toy inner, long innerSet) {
      double sel = 1;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if ((outerSet >> i & 1) == 1 && (innerSet >> j & 1) == 1 && selectivity[i][j] > 0) {
            sel *= selectivity[i][j];
          }
        }
      }
      double out = Math.max(1, outer.rows * inner.rows * sel);
      // Asymmetric, as a hash join is (the inner side is built): order matters.
      double cost = outer.cost + inner.cost + outer.rows + 2 * inner.rows + out;
      return new Toy(outerSet | innerSet, out, cost, "(" + outer.shape + " " + inner.shape + ")",
          outer.crossProduct || inner.crossProduct || !joined(outerSet, innerSet));
    }

    @Override
    public double cost(Toy p) {
      return p.cost;
    }

    /** The cheapest tree over {@code set} by trying every split, recursively (no pruning). */
    Toy brute(long set, boolean allowCross) {
      if (Long.bitCount(set) == 1) {
        return base(Long.numberOfTrailingZeros(set));
      }
      Toy best = null;
      for (long outer = (set - 1) & set; outer > 0; outer = (outer - 1) & set) {
        long inner = set & ~outer;
        if (!allowCross && !joined(outer, inner)) {
          continue;
        }
        Toy o = brute(outer, allowCross);
        Toy i = brute(inner, allowCross);
        if (o == null || i == null) {
          continue;
        }
        Toy p = join(o, outer, i, inner);
        if (best == null || p.cost < best.cost) {
          best = p;
        }
      }
      return best;
    }
  }

  @Test
  void dynamicProgrammingFindsTheCheapestTree() {
    for (int seed = 0; seed < 60; seed++) {
      int n = 2 + seed % 5;
      Model m = new Model(n, seed, 0.3);
      Toy found = new JoinSearch<>(m).search(n);
      Toy best = m.brute((1L << n) - 1, false);
      assertEquals((1L << n) - 1, found.set());
      assertEquals(best.cost(), found.cost(), best.cost() * 1e-12, "seed " + seed + ": " + found.shape()
          + " vs " + best.shape());
      assertFalse(found.crossProduct(), "seed " + seed + " used a cross product: " + found.shape());
    }
  }

  @Test
  void aConnectedStarNeverCrossJoinsItsSmallPoints() {
    // Two 10-row dimensions of a 1 M-row fact, each clause keeping 1/1000: under this cost model
    // the cross product of the dimensions first is cheaper, but with clauses connecting
    // everything the search must not consider it (as PostgreSQL does not).
    Model m = new Model(3, 1, 0);
    m.rows[0] = 10;
    m.rows[1] = 10;
    m.rows[2] = 1e6;
    for (double[] row : m.selectivity) {
      java.util.Arrays.fill(row, 0);
    }
    m.selectivity[0][2] = m.selectivity[2][0] = 1e-3;
    m.selectivity[1][2] = m.selectivity[2][1] = 1e-3;
    assertTrue(m.brute(7, true).crossProduct(), "the model should favour the cross product");
    Toy found = new JoinSearch<>(m).search(3);
    assertFalse(found.crossProduct(), found.shape());
    assertEquals(m.brute(7, false).cost(), found.cost(), found.cost() * 1e-12);
  }

  @Test
  void disconnectedGraphsGetTheNeededCrossProducts() {
    Model m = new Model(4, 7, 0);
    // Cut every clause of relation 3: it can only come in by a cross join.
    for (int i = 0; i < 4; i++) {
      m.selectivity[3][i] = m.selectivity[i][3] = 0;
    }
    Toy found = new JoinSearch<>(m).search(4);
    assertEquals(15, found.set());
    assertTrue(found.crossProduct());
    assertEquals(m.brute(15, true).cost(), found.cost(), found.cost() * 1e-12);
  }

  @Test
  void eightRelationsAreExhaustiveAndLargerOnesGreedy() {
    Model eight = new Model(8, 11, 0.2);
    JoinSearch<Toy> s8 = new JoinSearch<>(eight);
    Toy p8 = s8.search(8);
    assertEquals(255, p8.set());
    assertTrue(s8.splitsTried() <= 6561, "splits " + s8.splitsTried());
    assertEquals(eight.brute(255, false).cost(), p8.cost(), p8.cost() * 1e-12);

    for (int seed = 0; seed < 10; seed++) {
      Model big = new Model(14, 100 + seed, 0.1);
      Toy p = new JoinSearch<>(big).search(14);
      assertEquals((1L << 14) - 1, p.set());
      assertFalse(p.crossProduct(), p.shape());
      // Greedy is no optimum, but on these graphs it beats joining in FROM order, left-deep
      // (which needs no cross product here: relation i always has a clause to one before it).
      Toy fromOrder = big.base(0);
      for (int r = 1; r < 14; r++) {
        fromOrder = big.join(fromOrder, fromOrder.set(), big.base(r), 1L << r);
      }
      assertFalse(fromOrder.crossProduct());
      assertTrue(p.cost() <= fromOrder.cost(), "seed " + seed + ": greedy " + p.cost() + " vs FROM order "
          + fromOrder.cost());
    }
  }

  @Test
  void oneRelationIsItsBasePath() {
    Model m = new Model(1, 1, 0);
    assertEquals("r0", new JoinSearch<>(m).search(1).shape());
  }
}
