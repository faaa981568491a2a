package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.gt;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.Heap;
import dev.parallax.mvcc.RowCodec;
import dev.parallax.storage.StorageEngine;
import dev.parallax.storage.StorageSettings;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import dev.parallax.txn.TransactionManager;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nodes over a real heap: scans with quals and target lists, limits, sorts, aggregates, rescans, EXPLAIN. */
class ExecutorNodesTest {
  static final int REL = 1000;
  static final List<ColumnType> TYPES = List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.TEXT);

  StorageEngine storage;
  TransactionManager tm;
  Heap heap;
  List<Object[]> rows = new ArrayList<>();
  PlanBuilder b = new PlanBuilder();

  @BeforeEach
  void fill() {
    storage = StorageEngine.inMemory(StorageSettings.defaults().withBufferPoolPages(1024));
    tm = new TransactionManager(storage);
    heap = new Heap(storage, tm.status());
    tm.afterRecovery(storage.recover());
    storage.bufferPool().createRelation(REL);
    Random rnd = new Random(4);
    Transaction w = tm.begin(IsolationLevel.READ_COMMITTED, false);
    for (int i = 0; i < 2000; i++) {
      Object[] r = {i, rnd.nextInt(10) == 0 ? null : rnd.nextInt(50), (long) rnd.nextInt(1000) - 500, "row" + (i % 37)};
      heap.insert(REL, w, RowCodec.encode(TYPES.toArray(new ColumnType[0]), r));
      rows.add(r);
    }
    w.commit();
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private List<Object[]> run(Plan plan, Object... params) {
    Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, true);
    try (QueryCursor c = Executor.open(plan, new ExecContext(heap, t, t.statementSnapshot(), params, false))) {
      List<Object[]> out = new ArrayList<>();
      while (c.next()) {
        out.add(c.row());
      }
      return out;
    } finally {
      t.commit();
    }
  }

  private Plan scan(List<Expr> quals, List<Expr> targets) {
    return b.seqScan(REL, "t", TYPES, quals, targets, rows.size());
  }

  @Test
  void scanFiltersAndProjects() {
    Expr a = col(1, ColumnType.INTEGER);
    List<Object[]> got = run(scan(List.of(eq(mod(a, lit(7)), lit(3))), List.of(col(0, ColumnType.INTEGER), add(a, lit(1)))));
    List<Object[]> want = new ArrayList<>();
    for (Object[] r : rows) {
      if (r[1] != null && (Integer) r[1] % 7 == 3) {
        want.add(new Object[] {r[0], (Integer) r[1] + 1});
      }
    }
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      assertArrayEquals(want.get(i), got.get(i));
    }
  }

  @Test
  void aggregatesFollowPostgresTypesAndNulls() {
    Expr a = col(1, ColumnType.INTEGER);
    Expr c = col(2, ColumnType.BIGINT);
    AggPlan agg = b.aggregate(scan(List.of(), null), List.of(AggCall.countStar(), AggCall.of(AggFunction.COUNT, a),
        AggCall.of(AggFunction.SUM, a), AggCall.of(AggFunction.SUM, c), AggCall.of(AggFunction.AVG, a),
        AggCall.of(AggFunction.MIN, col(3, ColumnType.TEXT)), AggCall.of(AggFunction.MAX, c),
        new AggCall(AggFunction.COUNT, null, gt(a, lit(40)))), List.of(), null);
    Object[] got = run(agg).get(0);
    long count = 0;
    long nonNull = 0;
    long sumA = 0;
    long sumC = 0;
    long maxC = Long.MIN_VALUE;
    long over40 = 0;
    String minD = null;
    for (Object[] r : rows) {
      count++;
      if (r[1] != null) {
        nonNull++;
        sumA += (Integer) r[1];
        over40 += (Integer) r[1] > 40 ? 1 : 0;
      }
      sumC += (Long) r[2];
      maxC = Math.max(maxC, (Long) r[2]);
      minD = minD == null || ((String) r[3]).compareTo(minD) < 0 ? (String) r[3] : minD;
    }
    assertEquals(count, got[0]);
    assertEquals(nonNull, got[1]);
    assertEquals(sumA, got[2], "sum(integer) is bigint");
    assertEquals(new BigDecimal(sumC), got[3], "sum(bigint) is numeric");
    assertEquals(new BigDecimal(sumA).divide(new BigDecimal(nonNull), 16, java.math.RoundingMode.HALF_UP), got[4]);
    assertEquals(minD, got[5]);
    assertEquals(maxC, got[6]);
    assertEquals(over40, got[7], "FILTER (WHERE a > 40)");
    // over no rows: count 0, the others null, and HAVING can reject the one row
    Object[] empty = run(b.aggregate(scan(List.of(lit(false)), null), List.of(AggCall.countStar(),
        AggCall.of(AggFunction.SUM, a)), List.of(), null)).get(0);
    assertEquals(0L, empty[0]);
    assertNull(empty[1]);
    assertEquals(0, run(b.aggregate(scan(List.of(), null), List.of(AggCall.countStar()),
        List.of(gt(col(0, ColumnType.BIGINT), lit(1_000_000L))), null)).size());
  }

  @Test
  void sortOrdersWithNullsAndLimitSkipsAndStops() {
    Expr a = col(1, ColumnType.INTEGER);
    Plan sorted = b.sort(scan(List.of(), null), SortKey.desc(a), SortKey.asc(col(0, ColumnType.INTEGER)));
    List<Object[]> got = run(b.limit(sorted, 30, 5));
    List<Object[]> want = new ArrayList<>(rows);
    want.sort(Comparator.comparing((Object[] r) -> (Integer) r[1], Comparator.nullsFirst(Comparator.<Integer>reverseOrder()))
        .thenComparing(r -> (Integer) r[0]));
    assertEquals(30, got.size());
    for (int i = 0; i < 30; i++) {
      assertArrayEquals(want.get(i + 5), got.get(i), "row " + i);
    }
    assertNull(want.get(0)[1], "DESC puts nulls first by default");
    assertEquals(0, run(b.limit(scan(List.of(), null), 0, 0)).size());
  }

  @Test
  void rescanStartsOverAndSortDoesNotRereadItsChild() {
    Plan sort = b.sort(scan(List.of(gt(col(1, ColumnType.INTEGER), param(0, ColumnType.INTEGER))), null),
        SortKey.asc(col(0, ColumnType.INTEGER)));
    Transaction t = tm.begin(IsolationLevel.READ_COMMITTED, true);
    PlanState s = Executor.start(sort, new ExecContext(heap, t, t.statementSnapshot(), new Object[] {45}, true));
    int first = 0;
    while (s.next() != null) {
      first++;
    }
    s.rescan();
    int second = 0;
    while (s.next() != null) {
      second++;
    }
    assertEquals(first, second);
    assertEquals(2, s.metrics().loops());
    assertEquals(1, s.children().get(0).metrics().loops(), "the scan under the sort ran once");
    assertEquals(rows.stream().filter(r -> r[1] != null && (Integer) r[1] > 45).count(), first);
    String explain = Explain.analyzed(s);
    assertTrue(explain.startsWith("Sort  (cost="), explain);
    assertTrue(explain.contains("->  Seq Scan on t"), explain);
    assertTrue(explain.contains("rows=" + first + " loops=2"), explain);
    assertTrue(explain.contains("Rows Removed by Filter: " + (rows.size() - first)), explain);
    s.end();
    t.commit();
    assertFalse(Explain.plan(sort).contains("actual"));
  }

  @Test
  void valuesAndDuplicateNodeIdsAreRefused() {
    Plan v = b.values(List.of(ColumnType.TEXT), List.of(new Object[] {"x"}, new Object[] {null}), List.of(), null);
    assertEquals(2, run(v).size());
    Plan bad = new dev.parallax.executor.plan.LimitPlan(v.id(), v, 1, 0, 1, 1);
    assertThrows(IllegalArgumentException.class, () -> run(bad));
  }
}
