package dev.parallax.executor.exec;

import static dev.parallax.executor.exec.JoinReference.EXTRA;
import static dev.parallax.executor.exec.JoinReference.INNER_KEY;
import static dev.parallax.executor.exec.JoinReference.OUTER_KEY;
import static dev.parallax.executor.exec.JoinReference.T;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Merge join of every type over sorted inputs against {@link JoinReference}: random tables with
 * duplicate and null keys and an extra join qual, two-column keys with nulls in either column, a
 * run of equal inner keys larger than work_mem (kept in a temporary file and re-read for each
 * outer row with that key), and rescans under a nested loop.
 */
class MergeJoinTypesTest {
  private static Plan sorted(PlanBuilder b, List<Object[]> rows, List<Expr> quals, Expr... keys) {
    SortKey[] ks = new SortKey[keys.length];
    for (int i = 0; i < keys.length; i++) {
      ks[i] = SortKey.asc(keys[i]);
    }
    return b.sort(b.values(T, rows, quals, null), ks);
  }

  @Test
  void everyJoinTypeAgreesWithTheReference() {
    Random rnd = new Random(31);
    for (int round = 0; round < 80; round++) {
      List<Object[]> outer = JoinReference.table(rnd, rnd.nextInt(40), 8, 5, 0);
      List<Object[]> inner = JoinReference.table(rnd, rnd.nextInt(40), 8, 5, 100);
      for (JoinType type : JoinType.values()) {
        PlanBuilder b = new PlanBuilder();
        Plan merge = b.mergeJoin(sorted(b, outer, List.of(), OUTER_KEY), sorted(b, inner, List.of(), INNER_KEY), type,
            List.of(OUTER_KEY), List.of(INNER_KEY), List.of(EXTRA), List.of(), null);
        PlanState s = Executor.start(merge, new ExecContext(null, null, null, null, false));
        assertEquals(JoinReference.join(outer, inner, type), JoinReference.drainSorted(s), type + " round " + round);
        s.end();
      }
    }
  }

  @Test
  void twoColumnKeysWithNullsInEitherColumn() {
    Random rnd = new Random(2);
    Expr k0 = col(0, ColumnType.INTEGER);
    Expr k1 = col(1, ColumnType.INTEGER);
    for (int round = 0; round < 60; round++) {
      List<Object[]> outer = new ArrayList<>();
      List<Object[]> inner = new ArrayList<>();
      for (int i = 0; i < rnd.nextInt(50); i++) {
        for (List<Object[]> side : List.of(outer, inner)) {
          side.add(new Object[] {rnd.nextInt(5) == 0 ? null : rnd.nextInt(3), rnd.nextInt(5) == 0 ? null : rnd.nextInt(3),
              "r" + side.size()});
        }
      }
      for (JoinType type : JoinType.values()) {
        PlanBuilder b = new PlanBuilder();
        Plan merge = b.mergeJoin(sorted(b, outer, List.of(), k0, k1), sorted(b, inner, List.of(), k0, k1), type,
            List.of(k0, k1), List.of(k0, k1), List.of(), List.of(), null);
        List<String> want = JoinReference.join(outer, inner, type, 3,
            (o, i) -> o[0] != null && o[1] != null && Objects.equals(o[0], i[0]) && Objects.equals(o[1], i[1]));
        assertEquals(want, JoinReference.drainSorted(Executor.start(merge, new ExecContext(null, null, null, null, false))),
            type + " round " + round);
      }
    }
  }

  @Test
  void aRunLargerThanWorkMemIsKeptInAFileAndReadAgainForEachEqualOuterKey() {
    Random rnd = new Random(19);
    List<Object[]> inner = JoinReference.table(rnd, 2500, 50, 10, 10_000);
    for (int i = 0; i < 1200; i++) {
      inner.get(i * 2)[0] = 7; // a run of 1,200 rows, about 80 KB: far over 16 KiB
    }
    List<Object[]> outer = JoinReference.table(rnd, 300, 50, 10, 0);
    for (int i = 0; i < 12; i++) {
      outer.get(i * 25)[0] = 7; // twelve outer rows re-read that run
    }
    for (JoinType type : JoinType.values()) {
      PlanBuilder b = new PlanBuilder();
      Plan merge = b.mergeJoin(sorted(b, outer, List.of(), OUTER_KEY), sorted(b, inner, List.of(), INNER_KEY), type,
          List.of(OUTER_KEY), List.of(INNER_KEY), List.of(EXTRA), List.of(), null);
      PlanState s = Executor.start(merge, new ExecContext(null, null, null, null, true).withWorkMem(16 * 1024));
      assertEquals(JoinReference.join(outer, inner, type), JoinReference.drainSorted(s), type.toString());
      MergeJoinState mj = (MergeJoinState) s;
      assertTrue(mj.runsSpilled() > 0, "the run went to a file");
      assertTrue(!mj.tempFiles().created().isEmpty());
      assertTrue(Explain.analyzed(s).startsWith("Merge" + type.label() + " Join  (cost="), Explain.analyzed(s));
      assertTrue(Explain.analyzed(s).contains("\n  Merge Cond: ($0 = inner.$0)\n  Join Filter: "), Explain.analyzed(s));
      s.end();
      assertTrue(JoinReference.allDeleted(mj.tempFiles()), "run files removed at the end");
    }
  }

  @Test
  void rescannedUnderANestedLoop() {
    Random rnd = new Random(4);
    List<Object[]> outer = JoinReference.table(rnd, 60, 10, 6, 0);
    List<Object[]> inner = JoinReference.table(rnd, 80, 10, 6, 100);
    List<Object[]> drivers = List.of(new Object[] {0}, new Object[] {1}, new Object[] {2}, new Object[] {3});
    for (boolean param : new boolean[] {false, true}) {
      for (JoinType type : JoinType.values()) {
        PlanBuilder b = new PlanBuilder();
        List<Expr> innerQual = param ? List.of(eq(PlanBuilder.mod(col(1, ColumnType.INTEGER), lit(4)),
            new Expr.OuterParam(0, ColumnType.INTEGER))) : List.of();
        Plan merge = b.mergeJoin(sorted(b, outer, List.of(), OUTER_KEY), sorted(b, inner, innerQual, INNER_KEY), type,
            List.of(OUTER_KEY), List.of(INNER_KEY), List.of(EXTRA), List.of(), null);
        Plan loop = b.nestLoop(b.values(List.of(ColumnType.INTEGER), drivers, List.of(), null), merge, JoinType.INNER,
            List.of(), List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
        PlanState s = Executor.start(loop, new ExecContext(null, null, null, null, false));
        List<String> want = new ArrayList<>();
        for (Object[] d : drivers) {
          List<Object[]> in = param ? inner.stream().filter(r -> (Integer) r[1] % 4 == (Integer) d[0]).toList() : inner;
          for (String r : JoinReference.join(outer, in, type)) {
            want.add("[" + d[0] + ", " + r.substring(1));
          }
        }
        want.sort(null);
        assertEquals(want, JoinReference.drainSorted(s), type + (param ? " with a parameter" : ""));
        PlanState outerSort = s.children().get(1).children().get(0);
        assertEquals(1, outerSort.children().get(0).metrics().loops(), "the outer Sort re-reads its rows: sorted once");
        PlanState innerSort = s.children().get(1).children().get(1);
        assertEquals(param ? drivers.size() + 1 : 1, innerSort.children().get(0).metrics().loops(),
            "the inner Sort's input is read again only when its parameter changed");
      }
    }
  }
}
