package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.gt;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Joins and grouping against references written over Java lists: random small tables with
 * duplicates and nulls, every join type through a hash join and (where it applies) a nested loop
 * with its inner side parameterised by the outer row, and GROUP BY with aggregates.
 */
class JoinAndGroupTest {
  private static final List<ColumnType> T = List.of(ColumnType.INTEGER, ColumnType.TEXT);

  private static List<Object[]> table(Random rnd, int n) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {rnd.nextInt(6) == 0 ? null : rnd.nextInt(8), "r" + i});
    }
    return rows;
  }

  private static List<String> run(Plan plan) {
    List<String> out = new ArrayList<>();
    try (QueryCursor c = Executor.open(plan, new ExecContext(null, null, null, null, false))) {
      while (c.next()) {
        out.add(Arrays.toString(c.row()));
      }
    }
    out.sort(null);
    return out;
  }

  /** Pairs with equal non-null keys and {@code outer.key > 2 OR inner.key < 6} as the extra join qual. */
  private static List<String> reference(List<Object[]> outer, List<Object[]> inner, JoinType type) {
    List<String> out = new ArrayList<>();
    boolean[] innerMatched = new boolean[inner.size()];
    for (Object[] o : outer) {
      boolean matched = false;
      for (int j = 0; j < inner.size(); j++) {
        Object[] i = inner.get(j);
        if (o[0] != null && Objects.equals(o[0], i[0]) && ((Integer) o[0] > 2 || (Integer) i[0] < 6)) {
          matched = true;
          innerMatched[j] = true;
          if (type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.RIGHT || type == JoinType.FULL) {
            out.add(Arrays.toString(new Object[] {o[0], o[1], i[0], i[1]}));
          }
        }
      }
      if (matched && type == JoinType.SEMI || !matched && (type == JoinType.ANTI || type == JoinType.LEFT
          || type == JoinType.FULL)) {
        out.add(Arrays.toString(new Object[] {o[0], o[1], null, null}));
      }
    }
    if (type == JoinType.RIGHT || type == JoinType.FULL) {
      for (int j = 0; j < inner.size(); j++) {
        if (!innerMatched[j]) {
          out.add(Arrays.toString(new Object[] {null, null, inner.get(j)[0], inner.get(j)[1]}));
        }
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void hashJoinAndParameterisedNestedLoopAgreeWithTheReference() {
    Random rnd = new Random(99);
    for (int round = 0; round < 60; round++) {
      List<Object[]> outer = table(rnd, rnd.nextInt(25));
      List<Object[]> inner = table(rnd, rnd.nextInt(25));
      for (JoinType type : JoinType.values()) {
        PlanBuilder b = new PlanBuilder();
        Expr extra = dev.parallax.executor.plan.PlanBuilder.or(gt(col(0, ColumnType.INTEGER), lit(2)),
            dev.parallax.executor.plan.PlanBuilder.lt(col(2, ColumnType.INTEGER), lit(6)));
        Plan hash = b.hashJoin(b.values(T, outer, List.of(), null), b.values(T, inner, List.of(), null), type,
            List.of(col(0, ColumnType.INTEGER)), List.of(col(0, ColumnType.INTEGER)), List.of(extra), List.of(), null);
        List<String> want = reference(outer, inner, type);
        assertEquals(want, run(hash), "hash " + type + " round " + round);
        if (type == JoinType.INNER || type == JoinType.LEFT) {
          Plan merge = b.mergeJoin(b.sort(b.values(T, outer, List.of(), null), SortKey.asc(col(0, ColumnType.INTEGER))),
              b.sort(b.values(T, inner, List.of(), null), SortKey.asc(col(0, ColumnType.INTEGER))), type,
              List.of(col(0, ColumnType.INTEGER)), List.of(col(0, ColumnType.INTEGER)), List.of(extra), List.of(), null);
          assertEquals(want, run(merge), "merge " + type + " round " + round);
        }
        if (type == JoinType.RIGHT || type == JoinType.FULL) {
          continue;
        }
        // the inner side filters on the outer row's key through an internal parameter
        Plan innerScan = b.values(T, inner, List.of(eq(col(0, ColumnType.INTEGER), new Expr.OuterParam(0, ColumnType.INTEGER))), null);
        Plan loop = b.nestLoop(b.values(T, outer, List.of(), null), innerScan, type, List.of(extra),
            List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
        assertEquals(want, run(loop), "nested loop " + type + " round " + round);
      }
    }
  }

  @Test
  void aRescannedSortIsReadAgainUnlessAParameterBelowItChanged() {
    Random rnd = new Random(5);
    List<Object[]> outer = table(rnd, 10);
    List<Object[]> inner = table(rnd, 30);
    PlanBuilder b = new PlanBuilder();
    Plan fixedSort = b.sort(b.values(T, inner, List.of(), null), SortKey.asc(col(1, ColumnType.TEXT)));
    Plan paramSort = b.sort(b.values(T, inner, List.of(eq(col(0, ColumnType.INTEGER),
        new Expr.OuterParam(0, ColumnType.INTEGER))), null), SortKey.asc(col(1, ColumnType.TEXT)));
    for (Plan inside : List.of(fixedSort, paramSort)) {
      Plan loop = b.nestLoop(b.values(T, outer, List.of(), null), inside, JoinType.INNER,
          List.of(eq(col(0, ColumnType.INTEGER), col(2, ColumnType.INTEGER))), List.of(new NestLoopPlan.NestParam(0, 0)),
          List.of(), null);
      PlanState s = Executor.start(loop, new ExecContext(null, null, null, null, false));
      while (s.next() != null) {
        // drain
      }
      PlanState sort = s.children().get(1);
      PlanState below = sort.children().get(0);
      assertEquals(outer.size(), sort.metrics().loops());
      if (inside == fixedSort) {
        assertEquals(1, below.metrics().loops(), "nothing below the sort reads the parameter: sorted once");
      } else {
        assertTrue(below.metrics().loops() > 1, "the parameter changed: the sort's input is read again");
      }
    }
  }

  @Test
  void groupByMatchesAReference() {
    Random rnd = new Random(17);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      rows.add(new Object[] {rnd.nextInt(5) == 0 ? null : rnd.nextInt(6), rnd.nextInt(4) == 0 ? null : (long) rnd.nextInt(100)});
    }
    List<ColumnType> types = List.of(ColumnType.INTEGER, ColumnType.BIGINT);
    PlanBuilder b = new PlanBuilder();
    Plan plan = b.groupAggregate(b.values(types, rows, List.of(), null), List.of(col(0, ColumnType.INTEGER)),
        List.of(AggCall.countStar(), AggCall.of(AggFunction.SUM, col(1, ColumnType.BIGINT)),
            AggCall.of(AggFunction.MAX, col(1, ColumnType.BIGINT))),
        List.of(gt(col(1, ColumnType.BIGINT), lit(50L))), null);
    Map<Integer, long[]> ref = new HashMap<>();
    Map<Integer, Long> max = new HashMap<>();
    Map<Integer, Boolean> anySum = new HashMap<>();
    for (Object[] r : rows) {
      long[] acc = ref.computeIfAbsent((Integer) r[0], k -> new long[2]);
      acc[0]++;
      if (r[1] != null) {
        acc[1] += (Long) r[1];
        anySum.put((Integer) r[0], true);
        max.merge((Integer) r[0], (Long) r[1], Math::max);
      }
    }
    List<String> want = new ArrayList<>();
    ref.forEach((k, acc) -> {
      if (acc[0] > 50) {
        want.add(Arrays.toString(new Object[] {k, acc[0], anySum.containsKey(k) ? new java.math.BigDecimal(acc[1]) : null,
            max.get(k)}));
      }
    });
    want.sort(null);
    assertEquals(want, run(plan));
    assertTrue(!want.isEmpty() && want.stream().anyMatch(w -> w.startsWith("[null")), "nulls form one group: " + want);
  }

  @Test
  void subqueryScanFiltersAndReshapesItsChildsRows() {
    PlanBuilder b = new PlanBuilder();
    Plan inner = b.values(T, List.of(new Object[] {1, "a"}, new Object[] {5, "b"}, new Object[] {null, "c"}), List.of(), null);
    Plan sub = b.subquery(inner, List.of(gt(col(0, ColumnType.INTEGER), lit(2))), List.of(col(1, ColumnType.TEXT)));
    assertEquals(List.of("[b]"), run(sub));
  }

  @Test
  void distinctBoolAndOrAndStringAgg() {
    List<ColumnType> types = List.of(ColumnType.INTEGER, ColumnType.BOOLEAN, ColumnType.TEXT);
    List<Object[]> rows = List.of(new Object[] {1, true, "a"}, new Object[] {1, false, "b"}, new Object[] {2, true, null},
        new Object[] {null, null, "c"}, new Object[] {2, true, "a"});
    PlanBuilder b = new PlanBuilder();
    Plan plan = b.aggregate(b.values(types, rows, List.of(), null), List.of(
        new AggCall(AggFunction.COUNT, col(0, ColumnType.INTEGER), null, true, null),
        new AggCall(AggFunction.SUM, col(0, ColumnType.INTEGER), null, true, null),
        AggCall.of(AggFunction.BOOL_AND, col(1, ColumnType.BOOLEAN)),
        AggCall.of(AggFunction.BOOL_OR, col(1, ColumnType.BOOLEAN)),
        new AggCall(AggFunction.STRING_AGG, col(2, ColumnType.TEXT), null, false, ", "),
        new AggCall(AggFunction.STRING_AGG, col(2, ColumnType.TEXT), null, true, "|")), List.of(), null);
    assertEquals(List.of("[2, 3, false, true, a, b, c, a, a|b|c]"), run(plan));
    Plan none = b.aggregate(b.values(types, List.of(), List.of(), null), List.of(
        AggCall.of(AggFunction.BOOL_AND, col(1, ColumnType.BOOLEAN)),
        new AggCall(AggFunction.STRING_AGG, col(2, ColumnType.TEXT), null, false, ",")), List.of(), null);
    assertEquals(List.of("[null, null]"), run(none));
  }
}
