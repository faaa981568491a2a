package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.Expr.SubPlan.SubPlanKind;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sub-queries as expressions: EXISTS, scalar, ANY and ALL, correlated through internal
 * parameters or not (then run once), with SQL's three-valued answers checked against a
 * reference over random tables with NULLs; the 21000 of a scalar sub-query with two rows; and
 * the sub-query's state tree released at the end of the execution.
 */
class SubPlanTest {
  private static final List<ColumnType> INT = List.of(ColumnType.INTEGER);
  private static final int SLOT = 7;

  private static List<Object[]> rows(Integer... values) {
    List<Object[]> out = new ArrayList<>();
    for (Integer v : values) {
      out.add(new Object[] {v});
    }
    return out;
  }

  private static List<String> run(Plan plan) {
    List<String> out = new ArrayList<>();
    try (QueryCursor c = Executor.open(plan, new ExecContext(null, null, null, null, true))) {
      while (c.next()) {
        out.add(Arrays.toString(c.row()));
      }
    }
    return out;
  }

  /** (inner rows where b = $x) : the correlated inner side. */
  private static Plan innerMatching(PlanBuilder b, List<Object[]> inner) {
    return b.values(INT, inner, List.of(eq(col(0, ColumnType.INTEGER), new Expr.OuterParam(SLOT, ColumnType.INTEGER))),
        null);
  }

  private static Expr.SubPlan correlated(SubPlanKind kind, Plan sub) {
    return new Expr.SubPlan(kind, sub, List.of(col(0, ColumnType.INTEGER)), List.of(SLOT), null, null);
  }

  @Test
  void existsAndScalarSubQueriesCorrelatedToTheOuterRow() {
    PlanBuilder b = new PlanBuilder();
    List<Object[]> inner = rows(2, 3, 3, null);
    Plan exists = b.values(INT, rows(1, 2, 3, null), List.of(correlated(SubPlanKind.EXISTS, innerMatching(b, inner))),
        null);
    assertEquals(List.of("[2]", "[3]"), run(exists));
    Plan notExists = b.values(INT, rows(1, 2, 3, null),
        List.of(not(correlated(SubPlanKind.EXISTS, innerMatching(b, inner)))), null);
    assertEquals(List.of("[1]", "[null]"), run(notExists), "NULL = anything is never true, so NOT EXISTS keeps it");
    // (select count(*) from inner where b = a) per outer row.
    Plan count = b.aggregate(innerMatching(b, inner), List.of(AggCall.countStar()), List.of(), null);
    Plan scalar = b.values(INT, rows(1, 2, 3), List.of(),
        List.of(col(0, ColumnType.INTEGER), correlated(SubPlanKind.SCALAR, count)));
    assertEquals(List.of("[1, 0]", "[2, 1]", "[3, 2]"), run(scalar));
  }

  @Test
  void aScalarSubQueryReturnsNullWithoutRowsAndFailsWithTwo() {
    PlanBuilder b = new PlanBuilder();
    Plan none = b.values(INT, rows(1), List.of(), List.of(correlated(SubPlanKind.SCALAR, innerMatching(b, rows(5)))));
    assertEquals(List.of("[null]"), run(none));
    Plan two = b.values(INT, rows(3), List.of(), List.of(correlated(SubPlanKind.SCALAR, innerMatching(b, rows(3, 3)))));
    DatabaseException e = assertThrows(DatabaseException.class, () -> run(two));
    assertEquals(SqlState.CARDINALITY_VIOLATION, e.sqlState());
    assertThrows(DatabaseException.class, () -> new Expr.SubPlan(SubPlanKind.SCALAR,
        b.values(List.of(ColumnType.INTEGER, ColumnType.INTEGER), List.of(), List.of(), null), List.of(), List.of(), null,
        null), "a scalar sub-query of two columns");
  }

  @Test
  void anyAndAllAgreeWithThreeValuedLogicOnRandomTables() {
    Random r = new Random(11);
    BinaryOp[] ops = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE};
    for (int round = 0; round < 300; round++) {
      Integer[] outer = randomValues(r, 1 + r.nextInt(6));
      Integer[] inner = randomValues(r, r.nextInt(6));
      SubPlanKind kind = r.nextBoolean() ? SubPlanKind.ANY : SubPlanKind.ALL;
      BinaryOp op = ops[r.nextInt(ops.length)];
      boolean correlatedCase = r.nextBoolean();
      PlanBuilder b = new PlanBuilder();
      // Correlated: the inner side keeps b IS NULL OR b <> coalesce($x, 0) + 100, true of every row, so the
      // answer is the same as uncorrelated but the sub-query runs per outer row.
      Plan sub = correlatedCase
          ? b.values(INT, rows(inner), List.of(PlanBuilder.or(PlanBuilder.isNull(col(0, ColumnType.INTEGER)),
              new Expr.Binary(BinaryOp.NE, col(0, ColumnType.INTEGER),
                  new Expr.Binary(BinaryOp.ADD, new Expr.Coalesce(List.of(new Expr.OuterParam(SLOT, ColumnType.INTEGER),
                      PlanBuilder.lit(0))), PlanBuilder.lit(100))))), null)
          : b.values(INT, rows(inner), List.of(), null);
      Expr.SubPlan sp = new Expr.SubPlan(kind, sub, correlatedCase ? List.of(col(0, ColumnType.INTEGER)) : List.of(),
          correlatedCase ? List.of(SLOT) : List.of(), col(0, ColumnType.INTEGER), op);
      Plan plan = b.values(INT, rows(outer), List.of(), List.of(col(0, ColumnType.INTEGER), sp));
      List<String> want = new ArrayList<>();
      for (Integer a : outer) {
        want.add("[" + a + ", " + reference(kind, op, a, inner) + "]");
      }
      assertEquals(want, run(plan), () -> "round " + kind + " " + op + " outer " + Arrays.toString(outer) + " inner "
          + Arrays.toString(inner));
    }
  }

  private static Integer[] randomValues(Random r, int n) {
    Integer[] v = new Integer[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(5) == 0 ? null : r.nextInt(5);
    }
    return v;
  }

  private static Boolean reference(SubPlanKind kind, BinaryOp op, Integer a, Integer[] inner) {
    boolean any = kind == SubPlanKind.ANY;
    boolean sawNull = false;
    for (Integer v : inner) {
      if (a == null || v == null) {
        sawNull = true;
        continue;
      }
      boolean holds = op.holds(Integer.compare(a, v));
      if (holds == any) {
        return any;
      }
    }
    return sawNull ? null : !any;
  }

  @Test
  void anUncorrelatedSubQueryRunsOnceAndACorrelatedOneOncePerRow() {
    PlanBuilder b = new PlanBuilder();
    Plan once = b.values(INT, rows(1, 2, 3), List.of(), null);
    Expr.SubPlan initPlan = new Expr.SubPlan(SubPlanKind.ANY, once, List.of(), List.of(), col(0, ColumnType.INTEGER),
        BinaryOp.EQ);
    Plan perRow = innerMatching(b, rows(1, 2, 3));
    Plan plan = b.values(INT, rows(1, 2, 3, 4, 5), List.of(initPlan, correlated(SubPlanKind.EXISTS, perRow)), null);
    ExecContext ctx = new ExecContext(null, null, null, null, true);
    PlanState root = Executor.start(plan, ctx);
    List<String> out = new ArrayList<>();
    for (TupleSlot t = root.next(); t != null; t = root.next()) {
      out.add(Arrays.toString(t.toArray()));
    }
    assertEquals(List.of("[1]", "[2]", "[3]"), out);
    // The ANY ran once (an initplan); the EXISTS for each row the ANY let through (AND stops at
    // the first false): rows 1, 2, 3 — its first run is its init, two rescans follow.
    assertEquals(2, root.subPlans.size());
    assertEquals(1, root.subPlans.get(0).state().metrics().loops());
    assertEquals(3, root.subPlans.get(1).state().metrics().loops());
    String explain = Explain.analyzed(root);
    assertTrue(explain.contains("SubPlan " + once.id()) && explain.contains("SubPlan " + perRow.id()), explain);
    assertTrue(Explain.plan(plan).contains("SubPlan " + perRow.id()), Explain.plan(plan));
    Executor.end(root);
  }

  @Test
  void theSubQueryTreeIsEndedWithTheExecution() throws IOException {
    // A sub-query whose Sort spills under a tiny work_mem: its runs are deleted at the end.
    PlanBuilder b = new PlanBuilder();
    Integer[] many = new Integer[4000];
    for (int i = 0; i < many.length; i++) {
      many[i] = (i * 7919) % 4000;
    }
    Plan sorted = b.limit(b.sort(b.values(INT, rows(many), List.of(), null), SortKey.asc(col(0, ColumnType.INTEGER))), 1, 0);
    Expr.SubPlan min = new Expr.SubPlan(SubPlanKind.SCALAR, sorted, List.of(), List.of(), null, null);
    Plan plan = b.values(INT, rows(1, 2), List.of(), List.of(min));
    long before = tempRuns();
    try (QueryCursor c = Executor.open(plan, new ExecContext(null, null, null, null, false).withWorkMem(16 * 1024))) {
      assertTrue(c.next());
      assertEquals(0, c.get(0));
      assertTrue(tempRuns() > before, "the sub-query's sort spilled");
      assertTrue(c.next());
      assertEquals(0, c.get(0));
    }
    assertEquals(before, tempRuns(), "the sub-query's runs are gone after the cursor closed");
  }

  private static long tempRuns() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("parallax-sort-")).count();
    }
  }
}
