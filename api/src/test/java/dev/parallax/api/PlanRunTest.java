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
}
