package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** generate_series in FROM: values, steps both ways, ends, overflow, NULLs, errors, parameters and rescans. */
class FunctionScanTest {
  private static List<Object> run(Plan plan, Object... params) {
    List<Object> out = new ArrayList<>();
    try (QueryCursor c = Executor.open(plan, new ExecContext(null, null, null, params, false))) {
      while (c.next()) {
        Object[] r = c.row();
        out.add(r.length == 1 ? r[0] : Arrays.asList(r));
      }
    }
    return out;
  }

  private static Plan series(Object... args) {
    List<Expr> a = new ArrayList<>();
    for (Object x : args) {
      a.add(lit(x));
    }
    return new PlanBuilder().generateSeries(a, List.of(), null, 10);
  }

  @Test
  void seriesAgreeWithAReferenceLoop() {
    Random r = new Random(3);
    for (int i = 0; i < 500; i++) {
      int from = r.nextInt(41) - 20;
      int to = r.nextInt(41) - 20;
      int step = r.nextInt(11) - 5;
      if (step == 0) {
        continue;
      }
      List<Object> want = new ArrayList<>();
      for (long v = from; step > 0 ? v <= to : v >= to; v += step) {
        want.add((int) v);
      }
      assertEquals(want, run(series(from, to, step)), from + ".." + to + " by " + step);
    }
    assertEquals(List.of(1L, 2L, 3L), run(series(1L, 3L)));
    assertEquals(List.of(new BigDecimal("0.5"), new BigDecimal("1.0"), new BigDecimal("1.5")),
        run(series(new BigDecimal("0.5"), new BigDecimal("1.7"), new BigDecimal("0.5"))));
  }

  @Test
  void endsAtTheTypesLimitInsteadOfOverflowing() {
    assertEquals(List.of(Integer.MAX_VALUE - 1, Integer.MAX_VALUE), run(series(Integer.MAX_VALUE - 1, Integer.MAX_VALUE)));
    assertEquals(List.of(Long.MIN_VALUE + 1, Long.MIN_VALUE), run(series(Long.MIN_VALUE + 1, Long.MIN_VALUE, -1L)));
  }

  @Test
  void nullsZeroStepsAndWrongTypes() {
    Plan nullStop = new PlanBuilder().generateSeries(List.of(lit(1), PlanBuilder.nullOf(ColumnType.INTEGER)), List.of(),
        null, 1);
    assertEquals(List.of(), run(nullStop));
    DatabaseException e = assertThrows(DatabaseException.class, () -> run(series(1, 5, 0)));
    assertEquals(SqlState.INVALID_PARAMETER_VALUE, e.sqlState());
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class, () -> series(1, 5L)).sqlState());
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class, () -> series("a", "b")).sqlState());
    assertEquals(SqlState.UNDEFINED_FUNCTION, assertThrows(DatabaseException.class, () -> series(1)).sqlState());
  }

  @Test
  void parametersQualsTargetsAndRescanUnderANestedLoop() {
    PlanBuilder b = new PlanBuilder();
    // select count(*), sum(x) from generate_series(1, $1) x where x % 2 = 0
    Plan evens = b.aggregate(b.generateSeries(List.of(lit(1), param(0, ColumnType.INTEGER)),
        List.of(PlanBuilder.eq(PlanBuilder.mod(col(0, ColumnType.INTEGER), lit(2)), lit(0))), null, 100),
        List.of(AggCall.countStar(), AggCall.of(AggFunction.SUM, col(0, ColumnType.INTEGER))), List.of(), null);
    assertEquals(List.of(Arrays.asList(50L, 2550L)), run(evens, 100));
    // for n in 1..4: generate_series(1, n): the inner side restarts with each outer row's n.
    PlanBuilder c = new PlanBuilder();
    Plan outer = c.generateSeries(List.of(lit(1), lit(4)), List.of(), null, 4);
    Plan inner = c.generateSeries(List.of(lit(1), new Expr.OuterParam(0, ColumnType.INTEGER)), List.of(), null, 2);
    Plan loop = c.nestLoop(outer, inner, JoinType.INNER, List.of(),
        List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
    List<Object> pairs = run(loop);
    assertEquals(10, pairs.size());
    assertEquals(Arrays.asList(4, 4), pairs.get(9));
  }
}
