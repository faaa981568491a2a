package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.excluded;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.MergeAction;
import dev.parallax.executor.plan.OnConflict;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CHECK constraints hold on the write paths ON CONFLICT and MERGE take (they write rows
 * through their own code, not the plain insert and update): a new row, an ON CONFLICT DO UPDATE
 * row and a MERGE UPDATE row that break the check fail with 23514 and change nothing.
 */
class ChecksOnUpsertAndMergeTest {
  static final List<Column> COLS = List.of(Column.of("id", ColumnType.BIGINT), Column.of("v", ColumnType.BIGINT));

  private static void drain(QueryCursor c) {
    try (c) {
      while (c.next()) {
        // no rows wanted
      }
    }
  }

  @Test
  void upsertAndMergeRowsAreChecked() {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
        Session s = db.openSession()) {
      Table t = s.createTable("c", COLS, List.of("id"),
          List.of(CheckConstraint.named("v_small", lt(CheckConstraint.column(COLS, "v"), lit(100L)))));
      List<ColumnType> types = t.columnTypes();
      s.insert("c", 1L, 50L);
      PlanBuilder b = new PlanBuilder();

      // INSERT ... ON CONFLICT (id) DO UPDATE SET v = c.v + excluded.v: 50 + 60 breaks v < 100.
      Plan upsert = b.insertOnConflict(b.values(types, List.<Object[]>of(new Object[] {1L, 60L}), List.of(), null),
          t.relation(), t.name(), types, OnConflict.doUpdate(List.of("c_pkey"),
              assign(types, Map.of(1, add(col(1, ColumnType.BIGINT), excluded(types, 1)))), null), null);
      DatabaseException e = assertThrows(DatabaseException.class, () -> drain(s.run(upsert)));
      assertEquals(SqlState.CHECK_VIOLATION, e.sqlState());
      // A new row through the upsert path is checked too.
      Plan fresh = b.insertOnConflict(b.values(types, List.<Object[]>of(new Object[] {2L, 500L}), List.of(), null),
          t.relation(), t.name(), types, OnConflict.doNothing(List.of()), null);
      assertEquals(SqlState.CHECK_VIOLATION, assertThrows(DatabaseException.class, () -> drain(s.run(fresh))).sqlState());

      // MERGE INTO c USING (values (1, 70)) s ON c.id = s.id WHEN MATCHED THEN UPDATE SET v = c.v + s.v
      List<ColumnType> source = List.of(ColumnType.BIGINT, ColumnType.BIGINT);
      Plan src = b.values(source, List.<Object[]>of(new Object[] {1L, 70L}), List.of(), null);
      Plan target = b.seqScan(t.relation(), t.name(), types, List.of(),
          List.of(new Expr.RowIdentity(), col(0, ColumnType.BIGINT), col(1, ColumnType.BIGINT)), 10);
      Plan join = b.hashJoin(src, target, JoinType.LEFT, List.of(col(0, ColumnType.BIGINT)),
          List.of(col(1, ColumnType.BIGINT)), List.of(), List.of(), null);
      // the join row: s.id 0, s.v 1, rowid 2; the change row: target (0, 1), then the join row (s.v at 3)
      Plan merge = b.merge(join, t.relation(), t.name(), types, 2,
          List.of(MergeAction.matchedUpdate(null, assign(types, Map.of(1, add(col(1, ColumnType.BIGINT),
              col(3, ColumnType.BIGINT)))))), null);
      assertEquals(SqlState.CHECK_VIOLATION, assertThrows(DatabaseException.class, () -> drain(s.run(merge))).sqlState());

      assertEquals(List.of(50L), s.scan("c").stream().map(r -> r.get("v")).toList(), "nothing changed");
    }
  }
}
