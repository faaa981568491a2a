package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.AggPlan;
import dev.parallax.executor.plan.AggStrategy;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.NestLoopPlan;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.executor.plan.ValuesPlan;
import dev.parallax.mvcc.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Plain, sorted (GroupAggregate) and hashed (HashAggregate) aggregation against a reference over
 * Java maps, with null group keys, DISTINCT and FILTER; the hashed one under a 16 KiB work_mem so
 * that it spills partitions (and partitions of partitions), under a nested loop's rescans, and
 * with EXPLAIN ANALYZE's figures.
 */
class AggStrategiesTest {
  /** (g1 integer, g2 text, v bigint, flag boolean), nulls in every column. */
  private static final List<ColumnType> T = List.of(ColumnType.INTEGER, ColumnType.TEXT, ColumnType.BIGINT, ColumnType.BOOLEAN);
  private static final List<Expr> KEYS = List.of(col(0, ColumnType.INTEGER), col(1, ColumnType.TEXT));
  private static final List<AggCall> CALLS = List.of(
      AggCall.countStar(),
      AggCall.of(AggFunction.COUNT, col(2, ColumnType.BIGINT)),
      AggCall.of(AggFunction.SUM, col(2, ColumnType.BIGINT)),
      AggCall.of(AggFunction.MIN, col(2, ColumnType.BIGINT)),
      AggCall.of(AggFunction.MAX, col(2, ColumnType.BIGINT)),
      new AggCall(AggFunction.COUNT, col(2, ColumnType.BIGINT), null, true, null),
      new AggCall(AggFunction.SUM, col(2, ColumnType.BIGINT), col(3, ColumnType.BOOLEAN)),
      new AggCall(AggFunction.STRING_AGG, col(1, ColumnType.TEXT), col(3, ColumnType.BOOLEAN), false, "|"));
  private static final long WORK_MEM = 16 * 1024;
  private static final Pattern SPILL_LINE = Pattern.compile("\n  Batches: (\\d+)  Memory Usage: \\d+kB  Disk Usage: \\d+kB\n");

  private static List<Object[]> rows(Random rnd, int n, int groups) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {rnd.nextInt(11) == 0 ? null : rnd.nextInt(groups),
          rnd.nextInt(9) == 0 ? null : "s" + rnd.nextInt(3),
          rnd.nextInt(7) == 0 ? null : (long) rnd.nextInt(50) - 10,
          rnd.nextInt(5) == 0 ? null : rnd.nextBoolean()});
    }
    return rows;
  }

  /** Per group, in first-seen order: key values, then each of {@link #CALLS}. */
  private static List<String> reference(List<Object[]> rows, boolean grouped) {
    return reference(rows, grouped, CALLS.size());
  }

  /** As above, with only the first {@code calls} aggregates. */
  private static List<String> reference(List<Object[]> rows, boolean grouped, int calls) {
    Map<List<Object>, List<Object[]>> groups = new LinkedHashMap<>();
    for (Object[] r : rows) {
      groups.computeIfAbsent(grouped ? Arrays.asList(r[0], r[1]) : List.of(), k -> new ArrayList<>()).add(r);
    }
    if (!grouped && groups.isEmpty()) {
      groups.put(List.of(), List.of());
    }
    List<String> out = new ArrayList<>();
    groups.forEach((key, members) -> {
      long count = members.size();
      long countV = 0;
      long sum = 0;
      Long min = null;
      Long max = null;
      Set<Long> distinct = new HashSet<>();
      Long filtered = null;
      StringBuilder agg = null;
      for (Object[] r : members) {
        Long v = (Long) r[2];
        boolean pass = Boolean.TRUE.equals(r[3]);
        if (v != null) {
          countV++;
          sum += v;
          min = min == null ? v : Math.min(min, v);
          max = max == null ? v : Math.max(max, v);
          distinct.add(v);
          if (pass) {
            filtered = (filtered == null ? 0 : filtered) + v;
          }
        }
        if (pass && r[1] != null) {
          agg = agg == null ? new StringBuilder((String) r[1]) : agg.append('|').append(r[1]);
        }
      }
      List<Object> row = new ArrayList<>(key);
      row.addAll(Arrays.asList(count, countV, countV == 0 ? null : BigDecimal.valueOf(sum), min, max, (long) distinct.size(),
          filtered == null ? null : BigDecimal.valueOf(filtered), agg == null ? null : agg.toString()));
      out.add(row.subList(0, key.size() + calls).toString());
    });
    return out;
  }

  private static List<String> drain(PlanState s) {
    List<String> out = new ArrayList<>();
    for (TupleSlot r = s.next(); r != null; r = s.next()) {
      out.add(Arrays.toString(r.toArray()));
    }
    return out;
  }

  private static List<String> sorted(List<String> rows) {
    List<String> copy = new ArrayList<>(rows);
    copy.sort(null);
    return copy;
  }

  private static ExecContext ctx(long workMem) {
    return new ExecContext(null, null, null, null, true).withWorkMem(workMem);
  }

  @Test
  void sortedHashedAndPlainAgreeWithTheReference() {
    Random rnd = new Random(23);
    for (int round = 0; round < 30; round++) {
      List<Object[]> rows = rows(rnd, rnd.nextInt(400), 1 + rnd.nextInt(30));
      PlanBuilder b = new PlanBuilder();
      Plan values = b.values(T, rows, List.of(), null);
      List<String> want = reference(rows, true);
      PlanState hashed = Executor.start(b.groupAggregate(values, KEYS, CALLS, List.of(), null), ctx(0));
      assertEquals(want, drain(hashed), "hashed: first-seen order, round " + round);
      // sorted on (g1, g2) ascending nulls last, stably: each group's rows keep their input order
      Plan sort = b.sort(values, SortKey.asc(KEYS.get(0)), SortKey.asc(KEYS.get(1)));
      PlanState grouped = Executor.start(b.sortedAggregate(sort, KEYS, CALLS, List.of(), null), ctx(0));
      List<String> got = drain(grouped);
      assertEquals(sorted(want), sorted(got), "sorted, round " + round);
      List<Object[]> inOrder = new ArrayList<>(rows);
      inOrder.sort((x, y) -> {
        int c = dev.parallax.executor.expr.Ordering.compare(x[0], y[0], false);
        return c != 0 ? c : dev.parallax.executor.expr.Ordering.compare(x[1], y[1], false);
      });
      assertEquals(reference(inOrder, true), got, "a GroupAggregate returns its groups in input order, round " + round);
      PlanState plain = Executor.start(b.aggregate(values, CALLS, List.of(), null), ctx(0));
      assertEquals(reference(rows, false), drain(plain), "plain, round " + round);
    }
  }

  @Test
  void aSortedAggregateStreamsOneGroupAtATime() {
    List<Object[]> rows = new ArrayList<>();
    for (int g = 0; g < 100; g++) {
      for (int i = 0; i < 5; i++) {
        rows.add(new Object[] {g, "x", (long) i, true});
      }
    }
    PlanBuilder b = new PlanBuilder();
    PlanState s = Executor.start(b.sortedAggregate(b.values(T, rows, List.of(), null), KEYS, CALLS, List.of(), null), ctx(0));
    assertEquals("[0, x, 5, 5, 10, 0, 4, 5, 10, x|x|x|x|x]", Arrays.toString(s.next().toArray()));
    assertEquals(6, s.children().get(0).metrics().rows(), "the first group is returned when the second one's first row arrives");
    assertEquals("[1, x, 5, 5, 10, 0, 4, 5, 10, x|x|x|x|x]", Arrays.toString(s.next().toArray()));
    assertEquals(11, s.children().get(0).metrics().rows());
    assertTrue(Explain.analyzed(s).startsWith("GroupAggregate  (cost="), Explain.analyzed(s));
    assertTrue(Explain.analyzed(s).contains("\n  Group Key: $0, $1\n"), Explain.analyzed(s));
  }

  @Test
  void aHashAggregateBeyondWorkMemSpillsPartitionsAndAgrees() {
    Random rnd = new Random(5);
    List<AggCall> fixedSize = CALLS.subList(0, 5); // no DISTINCT or string_agg: a group's state does not grow
    for (List<AggCall> calls : List.of(CALLS, fixedSize)) {
      for (boolean goodEstimate : new boolean[] {true, false}) {
        List<Object[]> rows = rows(rnd, 20_000, 3000);
        PlanBuilder b = new PlanBuilder();
        AggPlan agg = b.groupAggregate(b.values(T, rows, List.of(), null), KEYS, calls, List.of(), null);
        if (!goodEstimate) {
          agg = new AggPlan(agg.id(), agg.child(), KEYS, calls, List.of(), null, 1, agg.estimatedCost());
        }
        String what = calls.size() + " aggregates, estimate good: " + goodEstimate;
        PlanState s = Executor.start(agg, ctx(WORK_MEM));
        assertEquals(sorted(reference(rows, true, calls.size())), sorted(drain(s)), what);
        HashAggregation h = ((AggState) s).hashed();
        assertTrue(h.spilled(), "it spilled");
        assertTrue(h.batches() > 4, "several partitions: " + h.batches());
        if (!goodEstimate) {
          assertTrue(h.respilled() > 0, "with too few partitions, partitions spill again: " + h.detail());
        }
        if (calls == fixedSize) {
          // over the limit by at most the group that crossed it (the null-key groups' DISTINCT and
          // string_agg states grow past it in the other case, as they would in PostgreSQL)
          assertTrue(h.peakBytes() < HashJoinState.HASH_MEM_MULTIPLIER * WORK_MEM + 1024, what + ": " + h.detail());
        }
        String explain = Explain.analyzed(s);
        var m = SPILL_LINE.matcher(explain);
        assertTrue(m.find(), explain);
        assertEquals(h.batches(), Integer.parseInt(m.group(1)));
        assertTrue(explain.startsWith("HashAggregate  (cost="), explain);
        assertTrue(h.tempFiles().created().size() > 4);
        s.end();
        assertTrue(JoinReference.allDeleted(h.tempFiles()), "partition files removed at the end");
      }
    }
    PlanBuilder b = new PlanBuilder();
    PlanState small = Executor.start(b.groupAggregate(b.values(T, rows(rnd, 50, 5), List.of(), null), KEYS, CALLS,
        List.of(), null), ctx(0));
    drain(small);
    String explain = Explain.analyzed(small);
    assertTrue(Pattern.compile("\n  Batches: 1  Memory Usage: \\d+kB\n").matcher(explain).find(), explain);
    assertTrue(!explain.contains("Disk Usage"), explain);
  }

  @Test
  void rescansUnderANestedLoopReplayOrReaggregate() {
    Random rnd = new Random(9);
    List<Object[]> rows = rows(rnd, 6000, 1500);
    List<Object[]> drivers = List.of(new Object[] {0}, new Object[] {1}, new Object[] {2});
    for (AggStrategy strategy : new AggStrategy[] {AggStrategy.HASHED, AggStrategy.SORTED}) {
      for (boolean spill : new boolean[] {false, true}) {
        for (boolean param : new boolean[] {false, true}) {
          PlanBuilder b = new PlanBuilder();
          // with a parameter, the aggregate's input is the rows with v % 3 = the driver's value (nulls dropped)
          List<Expr> qual = param ? List.of(eq(PlanBuilder.mod(col(2, ColumnType.BIGINT), lit(3L)),
              new Expr.Cast(new Expr.OuterParam(0, ColumnType.INTEGER), ColumnType.BIGINT))) : List.of();
          Plan input = b.values(T, rows, qual, null);
          Plan agg = strategy == AggStrategy.HASHED ? b.groupAggregate(input, KEYS, CALLS, List.of(), null)
              : b.sortedAggregate(b.sort(input, SortKey.asc(KEYS.get(0)), SortKey.asc(KEYS.get(1))), KEYS, CALLS, List.of(), null);
          Plan loop = b.nestLoop(b.values(List.of(ColumnType.INTEGER), drivers, List.of(), null), agg, JoinType.INNER,
              List.of(), List.of(new NestLoopPlan.NestParam(0, 0)), List.of(), null);
          PlanState s = Executor.start(loop, ctx(spill ? WORK_MEM : 0));
          List<String> want = new ArrayList<>();
          for (Object[] d : drivers) {
            List<Object[]> in = param ? rows.stream().filter(r -> r[2] != null && (Long) r[2] % 3 == (Integer) d[0]).toList() : rows;
            for (String r : reference(in, true)) {
              want.add("[" + d[0] + ", " + r.substring(1));
            }
          }
          String what = strategy + (spill ? " spilling" : " in memory") + (param ? " with a parameter" : "");
          assertEquals(sorted(want), sorted(drain(s)), what);
          AggState a = (AggState) s.children().get(1);
          PlanState input0 = a.children().get(0);
          long loops = input0.metrics().loops();
          if (strategy == AggStrategy.HASHED && !spill && !param) {
            assertEquals(1, loops, what + ": the groups are replayed, the input is read once");
          } else {
            assertTrue(loops >= drivers.size(), what + ": aggregated again, input read " + loops + " times");
          }
          if (strategy == AggStrategy.HASHED) {
            assertEquals(spill, a.hashed().spilled(), what);
          }
          s.end();
          if (a.hashed() != null && a.hashed().tempFiles() != null) {
            assertTrue(JoinReference.allDeleted(a.hashed().tempFiles()), what);
          }
        }
      }
    }
  }

  @Test
  void strategiesMustFitTheGroupKeys() {
    PlanBuilder b = new PlanBuilder();
    ValuesPlan v = b.values(T, List.of(), List.of(), null);
    assertThrows(IllegalArgumentException.class, () -> b.sortedAggregate(v, List.of(), CALLS, List.of(), null));
    assertThrows(IllegalArgumentException.class,
        () -> new AggPlan(9, v, KEYS, CALLS, List.of(), null, 1, 1, AggStrategy.PLAIN));
    assertEquals("Aggregate", b.aggregate(v, CALLS, List.of(), null).label());
    assertEquals(List.of(), drain(Executor.start(b.sortedAggregate(v, KEYS, CALLS, List.of(), null), ctx(0))),
        "no groups over no input");
  }
}
