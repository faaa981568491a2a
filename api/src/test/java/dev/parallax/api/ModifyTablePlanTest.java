package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** INSERT / UPDATE / DELETE plans with RETURNING, constraints, their own changes, and concurrent writers. */
class ModifyTablePlanTest {
  Database db;
  Session s;
  Table t;
  PlanBuilder b = new PlanBuilder();

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    t = s.createTable("m", List.of(Column.of("id", ColumnType.BIGINT), Column.of("a", ColumnType.INTEGER),
        Column.of("b", ColumnType.BIGINT)), List.of("id"));
    t = s.table("m").orElseThrow();
  }

  @AfterEach
  void close() {
    db.close();
  }

  private List<Object[]> drain(QueryCursor c) {
    List<Object[]> out = new ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(c.row());
      }
    }
    return out;
  }

  private Plan insertValues(Object[]... rows) {
    return b.modify(b.values(t.columnTypes(), Arrays.asList(rows), List.of(), null), Operation.INSERT, t.relation(), t.name(),
        t.columnTypes(), -1, null, List.of(col(0, ColumnType.BIGINT)));
  }

  /** UPDATE m SET b = b + delta WHERE a % 3 = rem, through a scan that carries the row identity. */
  private Plan update(long delta, int rem) {
    Plan scan = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(eq(mod(col(1, ColumnType.INTEGER), lit(3)), lit(rem))),
        List.of(new Expr.RowIdentity()), 100);
    List<Expr> newValues = List.of(col(0, ColumnType.BIGINT), col(1, ColumnType.INTEGER), add(col(2, ColumnType.BIGINT), lit(delta)));
    return b.modify(scan, Operation.UPDATE, t.relation(), t.name(), t.columnTypes(), 0, newValues, null);
  }

  @Test
  void insertUpdateDeleteWithReturningAndConstraints() {
    List<Object[]> ids = drain(s.run(insertValues(new Object[] {1L, 1, 10L}, new Object[] {2L, 2, 20L}, new Object[] {3L, 3, 30L})));
    assertEquals(List.of(1L, 2L, 3L), ids.stream().map(r -> r[0]).toList());
    assertEquals(SqlState.UNIQUE_VIOLATION, assertThrows(DatabaseException.class,
        () -> drain(s.run(insertValues(new Object[] {4L, 4, 40L}, new Object[] {1L, 9, 90L})))).sqlState());
    assertEquals(3, s.scan("m").size(), "the failed statement left nothing (autocommit rolled it back)");
    assertEquals(SqlState.NOT_NULL_VIOLATION, assertThrows(DatabaseException.class,
        () -> drain(s.run(insertValues(new Object[] {null, 4, 40L})))).sqlState());

    try (QueryCursor c = s.run(update(5, 1))) {
      assertTrue(!c.next(), "no RETURNING: no rows");
    }
    assertEquals(15L, s.lookup("m", "m_pkey", 1L).get(0).get("b"));
    assertEquals(20L, s.lookup("m", "m_pkey", 2L).get(0).get("b"));
    Plan scan = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(eq(col(1, ColumnType.INTEGER), lit(2))),
        List.of(new Expr.RowIdentity()), 100);
    List<Object[]> deleted = drain(s.run(b.modify(scan, Operation.DELETE, t.relation(), t.name(), t.columnTypes(), 0, null,
        List.of(col(0, ColumnType.BIGINT), col(2, ColumnType.BIGINT)))));
    assertEquals(List.of("[2, 20]"), deleted.stream().map(Arrays::toString).toList());
    assertEquals(0, s.lookup("m", "m_pkey", 2L).size());
    CheckReport r = db.check();
    assertTrue(r.ok(), r.problems().toString());
  }

  @Test
  void aStatementDoesNotSeeItsOwnChangesAndUpdatesEachRowOnce() {
    s.begin();
    for (long i = 0; i < 300; i++) {
      s.insert("m", i, (int) i, 0L);
    }
    s.commit();
    // every row +1, with the target rows appearing twice in the input (a join with two rows):
    // new versions are not scanned again, and the second visit of a row this statement changed is skipped
    Plan scan = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), List.of(new Expr.RowIdentity()), 300);
    Plan twice = b.nestLoop(scan, b.values(List.of(ColumnType.INTEGER), List.of(new Object[] {1}, new Object[] {2}), List.of(), null),
        JoinType.INNER, List.of(), List.of(), List.of(), List.of(col(0, ColumnType.BIGINT)));
    List<Expr> plusOne = List.of(col(0, ColumnType.BIGINT), col(1, ColumnType.INTEGER), add(col(2, ColumnType.BIGINT), lit(1L)));
    drain(s.run(b.modify(twice, Operation.UPDATE, t.relation(), t.name(), t.columnTypes(), 0, plusOne, null)));
    for (Row row : s.scan("m")) {
      assertEquals(1L, row.get("b"), "row " + row.get("id"));
    }
    assertEquals(300, s.scan("m").size());
    // inserting what the statement reads from the same table does not loop on its own rows
    Plan copy = b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(),
        List.of(add(col(0, ColumnType.BIGINT), lit(1000L)), col(1, ColumnType.INTEGER), col(2, ColumnType.BIGINT)), 300);
    drain(s.run(b.modify(copy, Operation.INSERT, t.relation(), t.name(), t.columnTypes(), -1, null, null)));
    assertEquals(600, s.scan("m").size());
  }

  @Test
  void repeatableReadUpdateOfAConcurrentlyUpdatedRowIs40001() {
    s.insert("m", 1L, 1, 0L);
    try (Session other = db.openSession()) {
      s.begin(IsolationLevel.REPEATABLE_READ);
      s.scan("m"); // takes the snapshot
      other.update("m", other.lookup("m", "m_pkey", 1L).get(0).id(), java.util.Map.of("b", 7L));
      DatabaseException e = assertThrows(DatabaseException.class, () -> drain(s.run(update(1, 1))));
      assertEquals(SqlState.SERIALIZATION_FAILURE, e.sqlState());
      s.rollback();
    }
    // READ COMMITTED: applied to the newest version, with the new values computed from it
    try (Session other = db.openSession()) {
      s.begin(IsolationLevel.READ_COMMITTED);
      other.begin();
      other.update("m", other.lookup("m", "m_pkey", 1L).get(0).id(), java.util.Map.of("b", 100L));
      java.util.concurrent.CompletableFuture<Void> f = java.util.concurrent.CompletableFuture.runAsync(() -> drain(s.run(update(1, 1))));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (db.locks().stream().noneMatch(l -> !l.granted()) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      other.commit();
      f.join();
      s.commit();
    }
    assertEquals(101L, s.lookup("m", "m_pkey", 1L).get(0).get("b"), "100 + 1, not 7 + 1");
  }

  @Test
  void lockRowsLocksWhatItReturnsAndHonoursNowaitAndSkipLocked() {
    for (long i = 0; i < 10; i++) {
      s.insert("m", i, (int) i, 0L);
    }
    Plan lockedScan = b.lockRows(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(
        dev.parallax.executor.plan.PlanBuilder.lt(col(1, ColumnType.INTEGER), lit(5))),
        List.of(new Expr.RowIdentity(), col(0, ColumnType.BIGINT)), 10), t.relation(), t.name(), 0,
        dev.parallax.executor.plan.LockRowsPlan.LockStrength.FOR_UPDATE, dev.parallax.executor.plan.LockRowsPlan.WaitPolicy.BLOCK);
    s.begin();
    assertEquals(5, drain(s.run(lockedScan)).size());
    try (Session other = db.openSession()) {
      Plan nowait = b.lockRows(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(),
          List.of(new Expr.RowIdentity()), 10), t.relation(), t.name(), 0,
          dev.parallax.executor.plan.LockRowsPlan.LockStrength.FOR_UPDATE, dev.parallax.executor.plan.LockRowsPlan.WaitPolicy.NOWAIT);
      assertEquals(SqlState.LOCK_NOT_AVAILABLE, assertThrows(DatabaseException.class, () -> drain(other.run(nowait))).sqlState());
      Plan skip = b.lockRows(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(),
          List.of(new Expr.RowIdentity()), 10), t.relation(), t.name(), 0,
          dev.parallax.executor.plan.LockRowsPlan.LockStrength.FOR_UPDATE, dev.parallax.executor.plan.LockRowsPlan.WaitPolicy.SKIP_LOCKED);
      assertEquals(5, drain(other.run(skip)).size(), "the five locked rows are skipped");
    }
    s.commit();
  }
}
