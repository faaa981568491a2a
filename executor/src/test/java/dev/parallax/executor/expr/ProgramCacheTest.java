package dev.parallax.executor.expr;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.parallax.executor.exec.VirtualSlot;
import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The program cache: one program per expression object, the right one under collisions and races. */
class ProgramCacheTest {
  @Test
  void anExpressionIsCompiledOnceAndAnEqualButDistinctOneGetsItsOwn() {
    Expr e = add(col(0, ColumnType.INTEGER), param(0, ColumnType.INTEGER));
    ExprProgram first = ProgramCache.program(e);
    assertSame(first, ProgramCache.program(e), "the same expression object: the cached program");
    Expr twin = add(col(0, ColumnType.INTEGER), param(0, ColumnType.INTEGER));
    assertEquals(e, twin);
    ExprProgram other = ProgramCache.program(twin);
    assertEquals(first.toString(), other.toString());
    // the shared program gives each state its own registers and parameters
    ExprState a = new ExprState(first, new Object[] {1});
    ExprState b = new ExprState(ProgramCache.program(e), new Object[] {100});
    VirtualSlot row = VirtualSlot.of(new Object[] {5});
    assertEquals(6L, ((Number) a.value(row)).longValue());
    assertEquals(105L, ((Number) b.value(row)).longValue());
    assertNotSame(first, ExprCompiler.compile(e), "the compiler itself does not cache");
  }

  @Test
  void manyThreadsOverMoreExpressionsThanSlotsAlwaysGetTheirOwnExpressionsProgram() throws Exception {
    // more distinct expressions than slots, so entries collide and are replaced while others read
    List<Expr> exprs = new ArrayList<>();
    for (int i = 0; i < ProgramCache.SLOTS * 2; i++) {
      exprs.add(add(col(0, ColumnType.INTEGER), lit(i)));
    }
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      results.add(pool.submit(() -> {
        go.await();
        java.util.Random rnd = new java.util.Random(seed);
        int checked = 0;
        VirtualSlot row = VirtualSlot.of(new Object[] {1000});
        for (int n = 0; n < 20_000; n++) {
          int i = rnd.nextInt(exprs.size());
          ExprProgram p = ProgramCache.program(exprs.get(i));
          long v = ((Number) new ExprState(p, new Object[0]).value(row)).longValue();
          if (v != 1000 + i) {
            throw new AssertionError("expression " + i + " got the program of " + p + ": " + v);
          }
          checked++;
        }
        return checked;
      }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : results) {
      total += f.get();
    }
    pool.shutdown();
    assertEquals(threads * 20_000, total);
  }
}
