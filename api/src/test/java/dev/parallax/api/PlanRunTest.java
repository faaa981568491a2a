package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.AggFunction;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session.run: plans as statements, with snapshots, locks, parameters, errors and EXPLAIN ANALYZE. */
class PlanRunTest {
  @Test
  void aPlanRunsAsAStatementOfTheSession() {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession()) {
      Table t = s.createTable("t", Column.of("id", ColumnType.INTEGER), Column.of("a", ColumnType.INTEGER),
          Column.of("b", ColumnType.BIGINT));
      s.begin();
      long expectedSum = 0;
      long expectedCount = 0;
      for (int i = 0; i < 1000; i++) {
        s.insert("t", i, i * 3, (long) i);
        if (i * 3 % 7 == 3) {
          expectedSum += i;
          expectedCount++;
        }
      }
      PlanBuilder b = new PlanBuilder();
      Plan plan = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(),
              List.of(eq(mod(col(1, ColumnType.INTEGER), lit(7)), param(0, ColumnType.INTEGER))), null, 1000),
          List.of(AggCall.countStar(), AggCall.of(AggFunction.SUM, col(2, ColumnType.BIGINT))), List.of(), null);
      try (QueryCursor c = s.run(plan, 3)) {
        assertTrue(c.next(), "the transaction's own uncommitted rows are seen");
        assertEquals(expectedCount, c.get(0));
        assertEquals(java.math.BigDecimal.valueOf(expectedSum), c.get(1));
        assertEquals(SqlState.OBJECT_IN_USE, assertThrows(DatabaseException.class, () -> s.scan("t")).sqlState(),
            "one statement at a time");
      }
      s.commit();
      String explain = s.explainAnalyze(plan, 3);
      assertTrue(explain.contains("Aggregate") && explain.contains("Seq Scan on t") && explain.contains("loops=1"), explain);
      assertTrue(explain.contains("Rows Removed by Filter: " + (1000 - expectedCount)), explain);
      // a bad parameter is a typed error and the session goes on
      assertEquals(SqlState.DATATYPE_MISMATCH, assertThrows(DatabaseException.class, () -> s.run(plan, "three")).sqlState());
      assertEquals(SqlState.PROTOCOL_VIOLATION, assertThrows(DatabaseException.class, () -> s.run(plan)).sqlState());
      assertEquals(1000, s.scan("t").size());
      // an error while rows are fetched fails the statement; in autocommit it is rolled back
      Plan divide = b.seqScan(t.relation(), t.name(), t.columnTypes(),
          List.of(eq(dev.parallax.executor.plan.PlanBuilder.op(dev.parallax.executor.plan.BinaryOp.DIV,
              lit(1), col(0, ColumnType.INTEGER)), lit(1))), null, 1000);
      QueryCursor c = s.run(divide);
      assertEquals(SqlState.DIVISION_BY_ZERO, assertThrows(DatabaseException.class, () -> {
        while (c.next()) {
          // id 0 comes first and divides by zero
        }
      }).sqlState());
      c.close();
      assertEquals(1000, s.scan("t").size());
    }
  }

  private static List<Object[]> drain(QueryCursor c) {
    List<Object[]> out = new java.util.ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(c.row());
      }
    }
    return out;
  }

  @Test
  void indexScansAndAParameterisedNestedLoopThroughThePrimaryKey() {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession()) {
      Table t = s.createTable("k", List.of(Column.of("id", ColumnType.BIGINT), Column.of("grp", ColumnType.INTEGER),
          Column.of("v", ColumnType.TEXT)), List.of("id"));
      s.createIndex("k", List.of("grp", "id"), false);
      s.begin();
      for (long i = 0; i < 600; i++) {
        s.insert("k", i, (int) (i % 10), "v" + i);
      }
      s.commit();
      t = s.table("k").orElseThrow();
      Index pkey = t.index("k_pkey").orElseThrow();
      Index grp = t.index("k_grp_id_idx").orElseThrow();
      PlanBuilder b = new PlanBuilder();
      // grp = 3 AND id >= 300, backward, through (grp, id)
      Plan range = b.indexScan(t.relation(), t.name(), t.columnTypes(), grp.relation(), grp.name(), List.of(1, 0),
          List.of(lit(3), lit(300L)), true, List.of(lit(3)), true, false, false, List.of(), null, 30);
      List<Object[]> rows = drain(s.run(range));
      List<Long> ids = rows.stream().map(r -> (Long) r[0]).toList();
      List<Long> want = new java.util.ArrayList<>();
      for (long i = 599; i >= 300; i--) {
        if (i % 10 == 3) {
          want.add(i);
        }
      }
      assertEquals(want, ids);
      assertEquals(ids, s.indexScan("k", grp.name(), KeyRange.between(new Object[] {3, 300L}, new Object[] {3}), false)
          .stream().map(r -> (Long) r.get("id")).toList(), "the plan agrees with the session's index scan");
      // a NULL bound matches nothing, like "= NULL"
      Plan nullBound = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0),
          List.of(param(0, ColumnType.BIGINT)), true, List.of(param(0, ColumnType.BIGINT)), true, true, false, List.of(), null, 1);
      assertEquals(0, drain(s.run(nullBound, (Object) null)).size());
      assertEquals(1, drain(s.run(nullBound, 42L)).size());
      // for each outer key, a point lookup through the primary key with the key as internal parameter
      Plan outer = b.values(List.of(ColumnType.BIGINT), List.of(new Object[] {5L}, new Object[] {77L}, new Object[] {9999L},
          new Object[] {123L}), List.of(), null);
      Plan inner = b.indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(), List.of(0),
          List.of(new dev.parallax.executor.plan.Expr.OuterParam(0, ColumnType.BIGINT)), true,
          List.of(new dev.parallax.executor.plan.Expr.OuterParam(0, ColumnType.BIGINT)), true, true, false, List.of(), null, 1);
      Plan join = b.nestLoop(outer, inner, dev.parallax.executor.plan.JoinType.LEFT, List.of(),
          List.of(new dev.parallax.executor.plan.NestLoopPlan.NestParam(0, 0)), List.of(),
          List.of(col(0, ColumnType.BIGINT), col(3, ColumnType.TEXT)));
      List<String> got = drain(s.run(join)).stream().map(java.util.Arrays::toString).toList();
      assertEquals(List.of("[5, v5]", "[77, v77]", "[9999, null]", "[123, v123]"), got);
      String explain = s.explainAnalyze(join);
      assertTrue(explain.contains("Nested Loop Left Join") && explain.contains("Index Scan using k_pkey on k")
          && explain.contains("loops=4"), explain);
      // index-only: after vacuum the pages are all-visible and the heap is not visited
      Plan only = b.indexScan(t.relation(), t.name(), t.columnTypes(), grp.relation(), grp.name(), List.of(1, 0),
          List.of(lit(7)), true, List.of(lit(7)), true, true, true, List.of(), null, 60);
      assertEquals(60, drain(s.run(only)).size());
      db.vacuum();
      String analyzed = s.explainAnalyze(only);
      assertTrue(analyzed.contains("Index Only Scan using k_grp_id_idx on k") && analyzed.contains("Heap Fetches: 0"), analyzed);
      assertEquals(List.of(7, 7L), java.util.Arrays.asList(drain(s.run(only)).get(0)));
    }
  }
}
