package dev.parallax.sql.cost;

/**
 * The planner's prices, after PostgreSQL's cost model (the same parameters and defaults, so that
 * EXPLAIN's numbers read familiarly and the same plans win for the same reasons): a sequential
 * page read is 1, a random one {@code randomPageCost}, and per-row CPU work is priced by
 * {@code cpuTupleCost} (handing a row on), {@code cpuIndexTupleCost} (an index entry) and
 * {@code cpuOperatorCost} (one operator or function call).
 *
 * <p>An embedded database usually has its data in the buffer pool, so the default random page
 * cost is 1.1 (what PostgreSQL recommends for data in memory or on SSDs) rather than 4; the
 * Mackert-Lohman estimate of distinct pages an index scan touches uses
 * {@code effectiveCachePages} so that repeated visits to cached pages are not priced twice.
 *
 * <p>Every method returns a {@link Cost} for the operator alone, inputs excluded unless said.
 */
public record CostModel(double seqPageCost, double randomPageCost, double cpuTupleCost, double cpuIndexTupleCost,
    double cpuOperatorCost, double cpuHeapFetchCost, double effectiveCachePages, long workMemBytes) {

  /**
   * PostgreSQL's defaults but for two of ours: random_page_cost 1.1 (data in the buffer pool) and
   * {@code cpuHeapFetchCost} 0.05, the price of fetching one heap row through an index (pin,
   * latch, find the version visible to the snapshot). A sequential scan does that work once a
   * page; an index scan once a row, and with no bitmap heap scan in this engine a broad index
   * scan pays it for every row: measured here, a row fetched through an index costs about five
   * times one a Seq Scan hands on, which this parameter says.
   */
  public static CostModel defaults() {
    return new CostModel(1.0, 1.1, 0.01, 0.005, 0.0025, 0.05, 524_288, 4L << 20);
  }

  public CostModel withWorkMem(long bytes) {
    return new CostModel(seqPageCost, randomPageCost, cpuTupleCost, cpuIndexTupleCost, cpuOperatorCost,
        cpuHeapFetchCost, effectiveCachePages, bytes);
  }

  /** Reads every page in order and tests {@code qualOperators} operators on each of {@code tuples} rows. */
  public Cost seqScan(double pages, double tuples, double qualOperators) {
    return new Cost(0, pages * seqPageCost + tuples * (cpuTupleCost + qualOperators * cpuOperatorCost));
  }

  /**
   * An index scan fetching {@code selectivity} of a table of {@code tuples} rows in {@code pages}
   * heap pages through an index of {@code indexPages} pages. {@code correlation} (-1..1, of the
   * leading index column with the heap order) interpolates the heap I/O between one random read
   * per row (uncorrelated: Mackert-Lohman's count of distinct pages) and reading just the pages
   * the rows are packed into (correlated), by its square as PostgreSQL does. Index-only scans pay
   * heap I/O only for the {@code 1 - allVisibleFraction} of rows on pages not known all-visible.
   * {@code loops} > 1 prices one of several repeated scans (a nested loop's inner side), whose
   * pages stay cached across loops.
   */
  public Cost indexScan(double pages, double tuples, double indexPages, double selectivity, double correlation,
      double qualOperators, boolean indexOnly, double allVisibleFraction, double loops) {
    double fetched = Math.max(1, selectivity * tuples);
    double treeHeight = Math.max(1, Math.ceil(Math.log(Math.max(2, tuples)) / Math.log(256)));
    // Descent: a comparison per level and key, plus a page per level (cheap: upper levels are hot).
    double startup = (Math.ceil(Math.log(Math.max(2, tuples)) / Math.log(2)) + (treeHeight + 1) * 50) * cpuOperatorCost;
    double indexPagesRead = Math.max(1, Math.ceil(selectivity * indexPages));
    // Every entry read pays its index qual (at least one operator) and any further quals.
    double indexCost = indexPagesRead * randomPageCost
        + fetched * (cpuIndexTupleCost + (1 + qualOperators) * cpuOperatorCost);
    double heapFetches = indexOnly ? fetched * (1 - Math.max(0, Math.min(1, allVisibleFraction))) : fetched;
    double heapIo = 0;
    if (heapFetches > 0) {
      double uncorrelatedPages = pagesFetched(heapFetches * Math.max(1, loops), pages) / Math.max(1, loops);
      double maxIo = uncorrelatedPages * randomPageCost;
      double packedPages = Math.max(1, Math.ceil(selectivity * pages * heapFetches / fetched));
      double minIo = randomPageCost + (packedPages - 1) * seqPageCost;
      double c2 = correlation * correlation;
      heapIo = maxIo + c2 * (minIo - maxIo);
    }
    double cpu = heapFetches * cpuHeapFetchCost + fetched * cpuTupleCost;
    return new Cost(startup, startup + indexCost + heapIo + cpu);
  }

  /**
   * Page reads caused by {@code fetches} random row fetches from a table of {@code pages} pages
   * with {@code effectiveCachePages} of cache (Mackert and Lohman's approximation): at most the
   * table when it fits in the cache; beyond that, pages evicted and read again count again.
   */
  public double pagesFetched(double fetches, double pages) {
    double t = Math.max(1, pages);
    double b = Math.max(1, effectiveCachePages);
    double n = fetches;
    double result;
    if (t <= b) {
      result = 2 * t * n / (2 * t + n);
      result = Math.min(result, t);
    } else {
      double lim = 2 * t * b / (2 * t - b);
      if (n <= lim) {
        result = 2 * t * n / (2 * t + n);
      } else {
        result = b + (n - lim) * (t - b) / t;
      }
    }
    return Math.max(1, Math.ceil(result));
  }

  /** Sorting {@code tuples} rows of {@code width} bytes: in memory, or with runs on disk beyond work_mem. */
  public Cost sort(double tuples, double width) {
    double n = Math.max(2, tuples);
    double comparisons = 2 * cpuOperatorCost * n * (Math.log(n) / Math.log(2));
    double bytes = n * (width + 24);
    double disk = 0;
    if (bytes > workMemBytes) {
      double pages = Math.ceil(bytes / 8192);
      double runs = Math.max(2, bytes / workMemBytes);
      double mergePasses = Math.max(1, Math.ceil(Math.log(runs) / Math.log(Math.max(2, workMemBytes / (8192 * 3.0)))));
      // Write and read every page once per pass; three quarters sequential.
      disk = 2 * pages * mergePasses * (0.75 * seqPageCost + 0.25 * randomPageCost);
    }
    double startup = comparisons + disk;
    return new Cost(startup, startup + n * cpuOperatorCost);
  }

  /**
   * Hash join: build a table of {@code innerRows} rows of {@code innerWidth} bytes (in batches on
   * disk beyond work_mem), probe it with {@code outerRows}, test {@code keys} key operators per
   * probe, emit {@code outputRows}.
   */
  public Cost hashJoin(double outerRows, double innerRows, double innerWidth, double outerWidth, double outputRows,
      int keys) {
    double build = innerRows * (keys * cpuOperatorCost + cpuTupleCost);
    double probe = outerRows * keys * cpuOperatorCost + outputRows * cpuTupleCost;
    double innerBytes = innerRows * (innerWidth + 48);
    double disk = 0;
    if (innerBytes > workMemBytes) {
      // Both sides written to batch files and read back once.
      double pages = Math.ceil(innerBytes / 8192) + Math.ceil(outerRows * (outerWidth + 24) / 8192);
      disk = 2 * pages * seqPageCost;
    }
    return new Cost(build + disk / 2, build + probe + disk);
  }

  /**
   * Nested loop: for each of {@code outerRows} rows, rescan the inner side at {@code innerRescan}
   * (its cost per loop, as {@link #indexScan} with loops or a materialized scan) and test
   * {@code joinOperators} per inner row seen ({@code innerRowsPerLoop}).
   */
  public Cost nestLoop(double outerRows, Cost innerFirst, Cost innerRescan, double innerRowsPerLoop,
      double joinOperators, double outputRows) {
    double loops = Math.max(1, outerRows);
    double run = innerFirst.total() + (loops - 1) * innerRescan.total()
        + loops * innerRowsPerLoop * joinOperators * cpuOperatorCost + outputRows * cpuTupleCost;
    return new Cost(innerFirst.startup(), innerFirst.startup() + run);
  }

  /** Merge join over inputs already sorted on the keys: one comparison per row read on both sides. */
  public Cost mergeJoin(double outerRows, double innerRows, double outputRows, int keys) {
    return new Cost(0, (outerRows + innerRows) * keys * cpuOperatorCost + outputRows * cpuTupleCost);
  }

  /**
   * Hashed aggregation of {@code inputRows} into {@code groups} groups (spilling beyond work_mem):
   * per input row, hashing and then comparing each key, and each aggregate's step.
   */
  public Cost hashAggregate(double inputRows, double groups, int groupKeys, int aggregates, double groupWidth) {
    double build = inputRows * (2 * groupKeys + aggregates) * cpuOperatorCost;
    double bytes = groups * (groupWidth + 64);
    double disk = bytes > workMemBytes ? 2 * Math.ceil(inputRows * (groupWidth + 24) / 8192) * seqPageCost : 0;
    double startup = build + disk;
    return new Cost(startup, startup + groups * cpuTupleCost);
  }

  /** Aggregation over input sorted on the group keys (sort not included): one comparison per key and row, streams. */
  public Cost sortedAggregate(double inputRows, double groups, int groupKeys, int aggregates) {
    return new Cost(0, inputRows * (groupKeys + aggregates) * cpuOperatorCost + groups * cpuTupleCost);
  }
}
