package dev.parallax.sql.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The cost model's crossovers: each test names the plan choice a planner must make and checks
 * the prices lead to the right one on both sides of the crossover, so a change to a formula that
 * flips a well-known choice fails here.
 */
class CostModelTest {
  private final CostModel m = CostModel.defaults();
  // A 1 M-row table of ~100 rows a page, with a primary key of ~2,700 pages.
  private static final double ROWS = 1_000_000;
  private static final double PAGES = 10_000;
  private static final double INDEX_PAGES = 2_700;

  private double seq() {
    return m.seqScan(PAGES, ROWS, 1).total();
  }

  private double index(double sel, double correlation) {
    return m.indexScan(PAGES, ROWS, INDEX_PAGES, sel, correlation, 0, false, 0, 1).total();
  }

  @Test
  void indexScansWinForSelectiveQualsAndLoseForBroadOnes() {
    assertTrue(index(1 / ROWS, 0) < seq() / 1000, "a key lookup is far cheaper than a scan");
    assertTrue(index(0.001, 0) < seq());
    assertTrue(index(0.5, 0) > seq(), "half the table at random: scan it");
    // Somewhere between lies the crossover, and it moves up with correlation.
    double crossUncorrelated = crossover(0);
    double crossCorrelated = crossover(1);
    assertTrue(crossUncorrelated > 0.001 && crossUncorrelated < 0.5, "crossover " + crossUncorrelated);
    assertTrue(crossCorrelated > crossUncorrelated * 1.3, crossCorrelated + " vs " + crossUncorrelated);
  }

  private double crossover(double correlation) {
    double lo = 1e-7;
    double hi = 1;
    for (int i = 0; i < 60; i++) {
      double mid = Math.sqrt(lo * hi);
      if (index(mid, correlation) < seq()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void indexOnlyScansOfAllVisiblePagesSkipTheHeap() {
    double plain = m.indexScan(PAGES, ROWS, INDEX_PAGES, 0.05, 0, 0, false, 1, 1).total();
    double onlyAllVisible = m.indexScan(PAGES, ROWS, INDEX_PAGES, 0.05, 0, 0, true, 1, 1).total();
    double onlyNoneVisible = m.indexScan(PAGES, ROWS, INDEX_PAGES, 0.05, 0, 0, true, 0, 1).total();
    assertTrue(onlyAllVisible < plain / 3, onlyAllVisible + " vs " + plain);
    assertEquals(plain, onlyNoneVisible, 1e-9);
  }

  @Test
  void pagesFetchedNeverExceedsTheTableAndGrowsWithFetches() {
    double last = 0;
    for (double n = 1; n < 1e8; n *= 3) {
      double p = m.pagesFetched(n, PAGES);
      assertTrue(p >= last && p <= PAGES, n + " fetches: " + p);
      last = p;
    }
    assertEquals(PAGES, m.pagesFetched(1e9, PAGES), PAGES * 0.01);
    // A table 100 times the cache: nearly every fetch misses, so reads approach the fetches.
    CostModel small = new CostModel(1, 4, 0.01, 0.005, 0.0025, 0.05, 1000, 4 << 20);
    assertEquals(1e6 * 0.99, small.pagesFetched(1e6, 1e5), 1e6 * 0.01);
    assertTrue(small.pagesFetched(100, 1e5) <= 100);
  }

  @Test
  void nestedLoopOfKeyLookupsBeatsHashingABigTableOnlyForFewOuterRows() {
    Cost lookup = m.indexScan(PAGES, ROWS, INDEX_PAGES, 1 / ROWS, 0, 0, false, 0, 1);
    Cost innerSeq = m.seqScan(PAGES, ROWS, 0);
    for (double outer : new double[] {1, 10, 100}) {
      double nl = m.nestLoop(outer, lookup, lookup, 1, 0, outer).total();
      double hj = innerSeq.total() + m.hashJoin(outer, ROWS, 40, 40, outer, 1).total();
      assertTrue(nl < hj, outer + " outer rows: nest loop " + nl + " vs hash " + hj);
    }
    double outer = 1_000_000;
    Cost repeated = m.indexScan(PAGES, ROWS, INDEX_PAGES, 1 / ROWS, 0, 0, false, 0, outer);
    double nl = m.nestLoop(outer, lookup, repeated, 1, 0, outer).total();
    double hj = innerSeq.total() + m.hashJoin(outer, ROWS, 40, 40, outer, 1).total();
    assertTrue(hj < nl, "1 M outer rows: hash " + hj + " vs nest loop " + nl);
  }

  @Test
  void sortsAndHashesPayForSpillingBeyondWorkMem() {
    CostModel tiny = m.withWorkMem(64 << 10);
    assertTrue(tiny.sort(1e6, 40).total() > m.sort(1e6, 40).total());
    assertEquals(tiny.sort(100, 40).total(), m.sort(100, 40).total(), 1e-9);
    assertTrue(m.sort(2e6, 40).total() > 2 * m.sort(1e6, 40).total(), "n log n");
    assertTrue(tiny.hashJoin(1e6, 1e6, 40, 40, 1e6, 1).total() > m.withWorkMem(1L << 30).hashJoin(1e6, 1e6, 40, 40, 1e6, 1).total());
    Cost s = m.sort(1000, 8);
    assertTrue(s.startup() > 0 && s.startup() < s.total(), "a sort's work comes before its first row");
  }

  @Test
  void hashedAggregationWinsUnlessTheInputIsSortedAlready() {
    double input = 1e6;
    double groups = 100;
    double hashed = m.hashAggregate(input, groups, 1, 1, 8).total();
    double sortThenGroup = m.sort(input, 8).total() + m.sortedAggregate(input, groups, 1, 1).total();
    double alreadySorted = m.sortedAggregate(input, groups, 1, 1).total();
    assertTrue(hashed < sortThenGroup);
    assertTrue(alreadySorted < hashed);
    // Very many groups past work_mem: hashing spills and a sort becomes competitive.
    CostModel tiny = m.withWorkMem(64 << 10);
    assertTrue(tiny.hashAggregate(input, 1e6, 1, 1, 8).total() > m.withWorkMem(1L << 30).hashAggregate(input, 1e6, 1, 1, 8).total());
  }

  @Test
  void costsAreValidatedAndLimitable() {
    assertThrows(IllegalArgumentException.class, () -> new Cost(5, 1));
    assertThrows(IllegalArgumentException.class, () -> new Cost(Double.NaN, 1));
    Cost c = new Cost(10, 110);
    assertEquals(new Cost(10, 20), c.fraction(0.1));
    assertEquals(new Cost(11, 121), c.plus(new Cost(1, 11)));
  }
}
