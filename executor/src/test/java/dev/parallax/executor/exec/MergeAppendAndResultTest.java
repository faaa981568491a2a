package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.gt;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Merge Append against a sorted concatenation, with rescans; Result with and without a child. */
class MergeAppendAndResultTest {
  private static final List<ColumnType> T = List.of(ColumnType.INTEGER, ColumnType.TEXT);

  private static List<String> drain(PlanState s) {
    List<String> out = new ArrayList<>();
    for (TupleSlot r = s.next(); r != null; r = s.next()) {
      out.add(Arrays.toString(r.toArray()));
    }
    return out;
  }

  private static ExecContext ctx(Object... params) {
    return new ExecContext(null, null, null, params, true);
  }

  @Test
  void mergeAppendMergesSortedChildrenStablyAndRescans() {
    Random rnd = new Random(6);
    for (int round = 0; round < 40; round++) {
      boolean descending = round % 2 == 1;
      SortKey key = descending ? SortKey.desc(col(0, ColumnType.INTEGER)) : SortKey.asc(col(0, ColumnType.INTEGER));
      PlanBuilder b = new PlanBuilder();
      int children = 1 + rnd.nextInt(5);
      List<Plan> parts = new ArrayList<>();
      List<Object[]> all = new ArrayList<>();
      for (int c = 0; c < children; c++) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < rnd.nextInt(30); i++) {
          rows.add(new Object[] {rnd.nextInt(6) == 0 ? null : rnd.nextInt(10), "c" + c + "-" + i});
        }
        all.addAll(rows);
        parts.add(b.sort(b.values(T, rows, List.of(), null), key));
      }
      // the reference: one stable sort of the children's rows in child order
      Comparator<Integer> ints = descending ? Comparator.nullsFirst(Comparator.<Integer>reverseOrder())
          : Comparator.nullsLast(Comparator.<Integer>naturalOrder());
      List<Object[]> expected = new ArrayList<>(all);
      expected.sort(Comparator.comparing((Object[] r) -> (Integer) r[0], ints));
      List<String> want = expected.stream().map(Arrays::toString).toList();
      Plan merge = b.mergeAppend(List.of(key), parts.toArray(new Plan[0]));
      PlanState s = Executor.start(merge, ctx());
      assertEquals(want, drain(s), "round " + round);
      s.rescan();
      assertEquals(want, drain(s), "a rescan merges again, round " + round);
      for (PlanState part : s.children()) {
        assertEquals(1, part.children().get(0).metrics().loops(), "each child's Sort re-read its rows");
      }
      String explain = Explain.analyzed(s);
      assertTrue(explain.startsWith("Merge Append  (cost="), explain);
      assertTrue(explain.contains("\n  Sort Key: $0" + (descending ? " DESC" : "") + "\n"), explain);
      s.end();
    }
  }

  @Test
  void mergeAppendUnderANestedLoopFollowsItsParameter() {
    PlanBuilder b = new PlanBuilder();
    List<Object[]> left = List.of(new Object[] {1, "a"}, new Object[] {3, "b"}, new Object[] {5, "c"});
    List<Object[]> right = List.of(new Object[] {2, "d"}, new Object[] {4, "e"});
    Expr above = gt(col(0, ColumnType.INTEGER), new Expr.OuterParam(0, ColumnType.INTEGER));
    Plan merge = b.mergeAppend(List.of(SortKey.asc(col(0, ColumnType.INTEGER))),
        b.values(T, left, List.of(above), null), b.values(T, right, List.of(above), null));
    Plan loop = b.nestLoop(b.values(List.of(ColumnType.INTEGER), List.of(new Object[] {3}, new Object[] {0}), List.of(), null),
        merge, JoinType.INNER, List.of(), List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
    assertEquals(List.of("[3, 4, e]", "[3, 5, c]", "[0, 1, a]", "[0, 2, d]", "[0, 3, b]", "[0, 4, e]", "[0, 5, c]"),
        drain(Executor.start(loop, ctx())));
  }

  @Test
  void resultWithoutAChildReturnsOneRowOfConstants() {
    PlanBuilder b = new PlanBuilder();
    Plan one = b.result(null, List.of(), List.of(), List.of(add(lit(1), lit(2)), lit("x"), param(0, ColumnType.INTEGER)));
    PlanState s = Executor.start(one, ctx(41));
    assertEquals(List.of("[3, x, 41]"), drain(s));
    s.rescan();
    assertEquals(List.of("[3, x, 41]"), drain(s), "again after a rescan");
    String explain = Explain.analyzed(s);
    assertTrue(explain.startsWith("Result  (cost=") && explain.contains("rows=1 loops=2)"), explain);
  }

  @Test
  void aOneTimeFilterGatesTheRowAndTheChild() {
    PlanBuilder b = new PlanBuilder();
    Expr positive = gt(param(0, ColumnType.INTEGER), lit(0));
    Plan gated = b.result(null, List.of(positive), List.of(), List.of(lit(7)));
    assertEquals(List.of("[7]"), drain(Executor.start(gated, ctx(5))));
    assertEquals(List.of(), drain(Executor.start(gated, ctx(-5))));
    assertEquals(List.of(), drain(Executor.start(gated, ctx((Object) null))), "null is not true");
    Plan child = b.values(T, List.of(new Object[] {1, "a"}, new Object[] {2, "b"}, new Object[] {3, "c"}), List.of(), null);
    Plan projection = b.result(child, List.of(positive), List.of(gt(col(0, ColumnType.INTEGER), lit(1))),
        List.of(col(1, ColumnType.TEXT), add(col(0, ColumnType.INTEGER), lit(10))));
    PlanState on = Executor.start(projection, ctx(1));
    assertEquals(List.of("[b, 12]", "[c, 13]"), drain(on));
    String explain = Explain.analyzed(on);
    assertTrue(explain.contains("\n  One-Time Filter: ($p1 > 0)\n  Filter: ($0 > 1)\n  Rows Removed by Filter: 1\n"), explain);
    PlanState off = Executor.start(projection, ctx(0));
    assertEquals(List.of(), drain(off));
    assertEquals(0, off.children().get(0).metrics().rows(), "the child was never read");
  }

  @Test
  void aOneTimeFilterOnANestedLoopParameterIsCheckedAgainOnEachRescan() {
    PlanBuilder b = new PlanBuilder();
    Expr outerValue = new Expr.OuterParam(0, ColumnType.INTEGER);
    Plan child = b.values(T, List.of(new Object[] {1, "a"}, new Object[] {2, "b"}), List.of(), null);
    Plan gated = b.result(child, List.of(gt(outerValue, lit(1))), List.of(), List.of(add(col(0, ColumnType.INTEGER), outerValue)));
    List<Object[]> drivers = List.of(new Object[] {3}, new Object[] {0}, new Object[] {5}, new Object[] {1});
    Plan loop = b.nestLoop(b.values(List.of(ColumnType.INTEGER), drivers, List.of(), null), gated, JoinType.INNER,
        List.of(), List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
    PlanState s = Executor.start(loop, ctx());
    assertEquals(List.of("[3, 4]", "[3, 5]", "[5, 6]", "[5, 7]"), drain(s));
    assertEquals(4, s.children().get(1).children().get(0).metrics().rows(), "the child is read only when the filter passes");
  }

  @Test
  void aResultRejectsAOneTimeFilterOverColumnsOrNotBoolean() {
    PlanBuilder b = new PlanBuilder();
    Plan child = b.values(T, List.<Object[]>of(new Object[] {1, "a"}), List.of(), null);
    Plan bad = b.result(child, List.of(gt(col(0, ColumnType.INTEGER), lit(0))), List.of(), null);
    assertThrows(IllegalArgumentException.class, () -> Executor.start(bad, ctx()));
    assertThrows(DatabaseException.class, () -> b.result(null, List.of(lit(1)), List.of(), List.of(lit(1))));
    assertThrows(IllegalArgumentException.class, () -> b.result(null, List.of(), List.of(), null));
  }
}
