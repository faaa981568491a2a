package dev.parallax.executor.exec;

import static dev.parallax.executor.exec.JoinReference.EXTRA;
import static dev.parallax.executor.exec.JoinReference.INNER_KEY;
import static dev.parallax.executor.exec.JoinReference.OUTER_KEY;
import static dev.parallax.executor.exec.JoinReference.T;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.HashJoinPlan;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.ValuesPlan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hash join beyond its memory limit (16 KiB work_mem, so 32 KiB of hash memory): every join
 * type against {@link JoinReference} over random tables with duplicate and null keys, with the
 * number of batches chosen up front from a good estimate and grown at run time from a bad one,
 * with a skewed key that no split can divide, under a nested loop's rescans, and with an error in
 * the middle of a spilled join; the temporary files are gone at the end every time.
 */
class HashJoinSpillTest {
  private static final long WORK_MEM = 16 * 1024;
  private static final Pattern HASH_LINE =
      Pattern.compile("Buckets: \\d+( \\(originally \\d+\\))?  Batches: (\\d+)( \\(originally (\\d+)\\))?  Memory Usage: \\d+kB");

  private static ExecContext ctx(boolean analyze) {
    return new ExecContext(null, null, null, null, analyze).withWorkMem(WORK_MEM);
  }

  /** A Values scan whose row estimate is {@code estimate} (the planner's guess, right or wrong). */
  private static Plan values(PlanBuilder b, List<Object[]> rows, double estimate) {
    ValuesPlan v = b.values(T, rows, List.of(), null);
    return new ValuesPlan(v.id(), T, rows, List.of(), null, estimate, v.estimatedCost());
  }

  private static HashJoinPlan hashJoin(PlanBuilder b, Plan outer, Plan inner, JoinType type) {
    return b.hashJoin(outer, inner, type, List.of(OUTER_KEY), List.of(INNER_KEY), List.of(EXTRA), List.of(), null);
  }

  @Test
  void everyJoinTypeSpillsIntoBatchesAndAgreesWithTheReference() {
    Random rnd = new Random(41);
    for (int round = 0; round < 8; round++) {
      List<Object[]> outer = JoinReference.table(rnd, 500 + rnd.nextInt(1500), 300, 7, 0);
      List<Object[]> inner = JoinReference.table(rnd, 1000 + rnd.nextInt(2000), 300, 7, 10_000);
      boolean goodEstimate = round % 2 == 0;
      for (JoinType type : JoinType.values()) {
        PlanBuilder b = new PlanBuilder();
        Plan plan = hashJoin(b, values(b, outer, outer.size()), values(b, inner, goodEstimate ? inner.size() : 1), type);
        PlanState s = Executor.start(plan, ctx(true));
        assertEquals(JoinReference.join(outer, inner, type), JoinReference.drainSorted(s), type + " round " + round);
        HashJoinState hj = (HashJoinState) s;
        assertTrue(hj.batches() > 1, "spilled into batches: " + hj.batches());
        if (goodEstimate) {
          assertTrue(hj.originalBatches() > 1, "a good estimate chooses batches up front");
        } else {
          assertEquals(1, hj.originalBatches());
        }
        assertTrue(hj.peakBytes() <= 2 * HashJoinState.HASH_MEM_MULTIPLIER * WORK_MEM,
            "the table stayed near its limit: " + hj.peakBytes());
        assertTrue(hj.tempFiles().created().size() > 2, "batches were written to files");
        String explain = Explain.analyzed(s);
        var m = HASH_LINE.matcher(explain);
        assertTrue(m.find(), explain);
        assertEquals(hj.batches(), Integer.parseInt(m.group(2)));
        assertEquals(hj.batches() != hj.originalBatches(), m.group(4) != null, "\"originally\" shown when the batches grew: " + explain);
        s.end();
        assertTrue(JoinReference.allDeleted(hj.tempFiles()), "temp files removed at the end");
      }
    }
  }

  @Test
  void aKeyTooCommonToSplitIsJoinedOverTheLimitCorrectly() {
    Random rnd = new Random(8);
    List<Object[]> inner = JoinReference.table(rnd, 3000, 400, 9, 10_000);
    for (int i = 0; i < 2000; i++) {
      inner.get(i)[0] = 7; // two thirds of the inner side share one key: no split can divide them
    }
    List<Object[]> outer = JoinReference.table(rnd, 600, 400, 9, 0);
    for (int i = 0; i < 30; i++) {
      outer.get(i * 20)[0] = 7;
    }
    for (JoinType type : JoinType.values()) {
      PlanBuilder b = new PlanBuilder();
      PlanState s = Executor.start(hashJoin(b, values(b, outer, 10), values(b, inner, 10), type), ctx(false));
      assertEquals(JoinReference.join(outer, inner, type), JoinReference.drainSorted(s), type.toString());
      HashJoinState hj = (HashJoinState) s;
      assertTrue(hj.batches() > 1);
      assertTrue(hj.peakBytes() > HashJoinState.HASH_MEM_MULTIPLIER * WORK_MEM, "the common key's batch exceeds the limit");
      s.end();
      assertTrue(JoinReference.allDeleted(hj.tempFiles()));
    }
  }

  @Test
  void multiColumnAndNormalisedKeysSpillCorrectly() {
    // keys (double, text): -0.0 = 0.0, NaN = NaN; a null in either column never matches
    List<ColumnType> types = List.of(ColumnType.DOUBLE, ColumnType.TEXT, ColumnType.INTEGER);
    Random rnd = new Random(3);
    double[] ds = {0.0, -0.0, 1.5, Double.NaN, 2.25, -7.0};
    List<Object[]> outer = new ArrayList<>();
    List<Object[]> inner = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      List<Object[]> side = i % 2 == 0 ? outer : inner;
      Double d = rnd.nextInt(10) == 0 ? null : ds[rnd.nextInt(ds.length)];
      String t = rnd.nextInt(10) == 0 ? null : "t" + rnd.nextInt(40);
      side.add(new Object[] {d, t, i});
    }
    for (JoinType type : JoinType.values()) {
      PlanBuilder b = new PlanBuilder();
      Plan plan = b.hashJoin(b.values(types, outer, List.of(), null), b.values(types, inner, List.of(), null), type,
          List.of(col(0, ColumnType.DOUBLE), col(1, ColumnType.TEXT)), List.of(col(0, ColumnType.DOUBLE), col(1, ColumnType.TEXT)),
          List.of(), List.of(), null);
      PlanState s = Executor.start(plan, ctx(false));
      List<String> got = JoinReference.drainSorted(s);
      HashJoinState hj = (HashJoinState) s;
      assertTrue(hj.batches() > 1);
      s.end();
      // the reference: SQL equality of doubles (-0 = 0, NaN = NaN in hashing as in PostgreSQL) and text
      List<String> want = new ArrayList<>();
      boolean[] innerMatched = new boolean[inner.size()];
      for (Object[] o : outer) {
        boolean matched = false;
        for (int j = 0; j < inner.size(); j++) {
          Object[] i = inner.get(j);
          if (o[0] != null && o[1] != null && i[0] != null && i[1] != null && o[1].equals(i[1])
              && (((Double) o[0]).doubleValue() == (Double) i[0] || ((Double) o[0]).isNaN() && ((Double) i[0]).isNaN())) {
            matched = true;
            innerMatched[j] = true;
            if (type != JoinType.SEMI && type != JoinType.ANTI) {
              want.add(JoinReference.row(o, i));
            }
          }
        }
        if (matched && type == JoinType.SEMI
            || !matched && (type == JoinType.ANTI || type == JoinType.LEFT || type == JoinType.FULL)) {
          want.add(JoinReference.row(o, new Object[3]));
        }
      }
      for (int j = 0; j < inner.size() && (type == JoinType.RIGHT || type == JoinType.FULL); j++) {
        if (!innerMatched[j]) {
          want.add(JoinReference.row(new Object[3], inner.get(j)));
        }
      }
      want.sort(null);
      assertEquals(want, got, type.toString());
    }
  }

  @Test
  void rescannedUnderANestedLoopWithAndWithoutAParameterChange() {
    Random rnd = new Random(12);
    List<Object[]> outer = JoinReference.table(rnd, 800, 200, 6, 0);
    List<Object[]> inner = JoinReference.table(rnd, 1500, 200, 6, 10_000);
    List<ColumnType> one = List.of(ColumnType.INTEGER);
    List<Object[]> drivers = List.of(new Object[] {0}, new Object[] {1}, new Object[] {2}, new Object[] {3});
    for (boolean spill : new boolean[] {true, false}) {
      for (boolean param : new boolean[] {false, true}) {
        for (JoinType type : JoinType.values()) {
          PlanBuilder b = new PlanBuilder();
          // with a parameter, the inner side keeps only rows with id % 4 = the driver's value
          List<Expr> innerQual = param ? List.of(eq(PlanBuilder.mod(col(1, ColumnType.INTEGER), lit(4)),
              new Expr.OuterParam(0, ColumnType.INTEGER))) : List.of();
          Plan innerScan = b.values(T, inner, innerQual, null);
          Plan join = hashJoin(b, b.values(T, outer, List.of(), null), innerScan, type);
          Plan loop = b.nestLoop(b.values(one, drivers, List.of(), null), join, JoinType.INNER, List.of(),
              List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
          ExecContext c = spill ? ctx(true) : new ExecContext(null, null, null, null, true);
          PlanState s = Executor.start(loop, c);
          List<String> want = new ArrayList<>();
          for (Object[] d : drivers) {
            List<Object[]> in = param ? inner.stream().filter(r -> (Integer) r[1] % 4 == (Integer) d[0]).toList() : inner;
            for (String r : JoinReference.join(outer, in, type)) {
              want.add("[" + d[0] + ", " + r.substring(1));
            }
          }
          want.sort(null);
          String what = type + (spill ? " spilling" : " in memory") + (param ? " with a parameter" : "");
          assertEquals(want, JoinReference.drainSorted(s), what);
          HashJoinState hj = (HashJoinState) s.children().get(1);
          assertEquals(spill, hj.batches() > 1, what);
          PlanState innerState = hj.children().get(1);
          long loops = innerState.metrics().loops();
          assertTrue(spill || param ? loops >= drivers.size() : loops == 1,
              what + ": the inner side is re-read only when the table cannot be kept, read " + loops + " times");
          assertNotNull(hj.hashDetail());
          s.end();
          if (hj.tempFiles() != null) {
            assertTrue(JoinReference.allDeleted(hj.tempFiles()), what);
          }
        }
      }
    }
  }

  @Test
  void anErrorPartWayThroughASpilledJoinLeavesNoTemporaryFiles() {
    Random rnd = new Random(77);
    List<Object[]> outer = JoinReference.table(rnd, 1500, 300, 0, 0);
    List<Object[]> inner = JoinReference.table(rnd, 2000, 300, 0, 10_000);
    PlanBuilder b = new PlanBuilder();
    // 1 / (o.id - 1400): division by zero when outer row 1400 is joined, part way through
    Expr failing = PlanBuilder.gt(PlanBuilder.op(BinaryOp.DIV, lit(1),
        PlanBuilder.op(BinaryOp.SUB, col(1, ColumnType.INTEGER), lit(1400))), lit(-5));
    Plan plan = b.hashJoin(b.values(T, outer, List.of(), null), b.values(T, inner, List.of(), null), JoinType.INNER,
        List.of(OUTER_KEY), List.of(INNER_KEY), List.of(failing), List.of(), null);
    HashJoinState hj;
    try (QueryCursor c = Executor.open(plan, ctx(false))) {
      hj = (HashJoinState) c.state();
      DatabaseException e = assertThrows(DatabaseException.class, () -> {
        while (c.next()) {
          // the error comes part way
        }
      });
      assertEquals(SqlState.DIVISION_BY_ZERO, e.sqlState());
      assertTrue(hj.batches() > 1 && hj.tempFiles().live() > 0, "files were in use when it failed");
    }
    assertTrue(JoinReference.allDeleted(hj.tempFiles()), "closing the failed cursor removed them");
  }

  @Test
  void explainAnalyzeInMemoryShowsOneBatch() {
    PlanBuilder b = new PlanBuilder();
    List<Object[]> rows = JoinReference.table(new Random(1), 50, 10, 5, 0);
    PlanState s = Executor.start(hashJoin(b, b.values(T, rows, List.of(), null), b.values(T, rows, List.of(), null),
        JoinType.INNER), new ExecContext(null, null, null, null, true));
    JoinReference.drainSorted(s);
    String text = Explain.analyzed(s);
    assertTrue(Pattern.compile("\n  Buckets: 1024  Batches: 1  Memory Usage: \\d+kB\n").matcher(text).find(), text);
    assertTrue(text.contains("  Hash Cond: ($0 = inner.$0)\n"), text);
    assertTrue(text.contains("  Join Filter: ((($1 + $4) % 5) <> 0)\n"), text);
    assertTrue(((HashJoinState) s).tempFiles().created().isEmpty(), "no files when it fits in memory");
    s.end();
  }
}
