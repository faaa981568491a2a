package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.eq;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.LockRowsPlan;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The errors of issue 5 through plans run by a session: each is a {@link DatabaseException} with
 * its SQLSTATE and a message naming the object (table, column, index, parameter, type), and the
 * session runs a statement afterwards (after ROLLBACK when the error aborted a transaction).
 */
class ExecutorErrorsTest {
  private Database db;
  private Session s;
  private Table t;
  private final PlanBuilder b = new PlanBuilder();

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("acct", List.of(Column.of("id", ColumnType.BIGINT), Column.notNull("owner", ColumnType.TEXT),
        Column.of("balance", ColumnType.INTEGER)), List.of("id"));
    t = s.table("acct").orElseThrow();
    for (long i = 1; i <= 10; i++) {
      s.insert("acct", i, "owner" + i, (int) i * 100);
    }
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    db.close();
  }

  private static List<Object[]> drain(QueryCursor c) {
    List<Object[]> out = new ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(c.row());
      }
    }
    return out;
  }

  private Plan scanAll(List<Expr> quals, List<Expr> targets) {
    return b.seqScan(t.relation(), t.name(), t.columnTypes(), quals, targets, 10);
  }

  /** Runs the failing action, checks SQLSTATE and that the message contains every fragment. */
  private static DatabaseException expect(String sqlState, Executable action, String... fragments) {
    DatabaseException e = assertThrows(DatabaseException.class, action);
    assertEquals(sqlState, e.sqlState(), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" should name " + f);
    }
    return e;
  }

  /** The session works: a plan runs as a statement and sees the ten rows (plus {@code extra}). */
  private void sessionWorks(Session session, int extra) {
    Plan count = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, 10),
        List.of(AggCall.countStar()), List.of(), null);
    List<Object[]> rows = drain(session.run(count));
    assertEquals(10L + extra, rows.get(0)[0]);
  }

  private Plan insert(Object[]... rows) {
    return b.modify(b.values(t.columnTypes(), Arrays.asList(rows), List.of(), null), Operation.INSERT, t.relation(), t.name(),
        t.columnTypes(), -1, null, null);
  }

  /** UPDATE acct SET balance = balance + 1 WHERE id = $1. */
  private Plan bump() {
    Plan scan = scanAll(List.of(eq(col(0, ColumnType.BIGINT), param(0, ColumnType.BIGINT))), List.of(new Expr.RowIdentity()));
    return b.modify(scan, Operation.UPDATE, t.relation(), t.name(), t.columnTypes(), 0,
        List.of(col(0, ColumnType.BIGINT), col(1, ColumnType.TEXT), add(col(2, ColumnType.INTEGER), lit(1))), null);
  }

  @Test
  void unknownTableAndColumn() {
    Plan scan = scanAll(List.of(), null);
    s.dropTable("acct");
    expect(SqlState.UNDEFINED_TABLE, () -> drain(s.run(scan)), "\"acct\"");
    expect(SqlState.UNDEFINED_TABLE, () -> s.explainAnalyze(scan), "\"acct\"");
    // a plan is built by column name through the table: an unknown name is 42703 naming both
    expect(SqlState.UNDEFINED_COLUMN, () -> t.columnIndex("balanse"), "\"balanse\"", "\"acct\"");
    Table other = s.createTable("other", Column.of("x", ColumnType.INTEGER));
    s.insert("other", 7);
    assertEquals(1, drain(s.run(b.seqScan(other.relation(), other.name(), other.columnTypes(), List.of(), null, 1))).size());
  }

  @Test
  void typeMismatchWhenThePlanIsBuilt() {
    expect(SqlState.UNDEFINED_FUNCTION, () -> eq(col(2, ColumnType.INTEGER), lit("lots")), "integer", "text");
    expect(SqlState.UNDEFINED_FUNCTION, () -> add(col(1, ColumnType.TEXT), lit(1)), "text", "integer");
    sessionWorks(s, 0);
  }

  @Test
  void divisionByZeroAndOverflowWhileRowsAreFetched() {
    Plan divide = scanAll(List.of(), List.of(PlanBuilder.op(BinaryOp.DIV, col(2, ColumnType.INTEGER),
        PlanBuilder.op(BinaryOp.SUB, col(2, ColumnType.INTEGER), lit(500)))));
    expect(SqlState.DIVISION_BY_ZERO, () -> drain(s.run(divide)), "division by zero");
    sessionWorks(s, 0);
    Plan overflow = scanAll(List.of(), List.of(add(col(2, ColumnType.INTEGER), lit(Integer.MAX_VALUE))));
    s.begin();
    expect(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, () -> drain(s.run(overflow)), "integer");
    expect(SqlState.IN_FAILED_TRANSACTION, () -> sessionWorks(s, 0), "aborted");
    s.rollback();
    sessionWorks(s, 0);
  }

  @Test
  void badParameterCountAndType() {
    Plan byId = scanAll(List.of(eq(col(0, ColumnType.BIGINT), param(0, ColumnType.BIGINT))), null);
    expect(SqlState.PROTOCOL_VIOLATION, () -> drain(s.run(byId)), "$1", "0");
    expect(SqlState.DATATYPE_MISMATCH, () -> drain(s.run(byId, "three")), "$1", "bigint", "String");
    expect(SqlState.DATATYPE_MISMATCH, () -> s.explainAnalyze(byId, 3), "$1", "bigint", "Integer");
    assertEquals(1, drain(s.run(byId, 3L)).size());
  }

  @Test
  void notNullAndUniqueViolationsRollTheStatementBack() {
    expect(SqlState.NOT_NULL_VIOLATION, () -> drain(s.run(insert(new Object[] {11L, "ok", 1}, new Object[] {12L, null, 2}))),
        "\"owner\"", "\"acct\"");
    sessionWorks(s, 0);
    s.begin();
    expect(SqlState.UNIQUE_VIOLATION, () -> drain(s.run(insert(new Object[] {11L, "new", 1}, new Object[] {3L, "dup", 2}))),
        "acct_pkey", "3");
    expect(SqlState.IN_FAILED_TRANSACTION, () -> sessionWorks(s, 0));
    s.rollback();
    sessionWorks(s, 0);
    drain(s.run(insert(new Object[] {11L, "fine", 1})));
    sessionWorks(s, 1);
  }

  @Test
  void lockNotAvailableWithNowait() {
    Plan lockAll = b.lockRows(scanAll(List.of(), List.of(new Expr.RowIdentity())), t.relation(), t.name(), 0,
        LockRowsPlan.LockStrength.FOR_UPDATE, LockRowsPlan.WaitPolicy.NOWAIT);
    s.begin();
    drain(s.run(bump(), 4L));
    try (Session other = db.openSession()) {
      other.begin();
      expect(SqlState.LOCK_NOT_AVAILABLE, () -> drain(other.run(lockAll)), "\"acct\"");
      other.rollback();
      s.commit();
      assertEquals(10, drain(other.run(lockAll)).size(), "free once the holder committed");
    }
  }

  /** Own threads: the common pool may have a single thread on a small machine, and these block. */
  private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();

  private <T> CompletableFuture<T> async(Supplier<T> body) {
    return CompletableFuture.supplyAsync(body, threads);
  }

  private static Throwable failureOf(CompletableFuture<?> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void deadlockBetweenTwoSessionsUpdatingInOppositeOrder() throws Exception {
    Session a = s;
    try (Session other = db.openSession()) {
      a.setDeadlockTimeout(Duration.ofMillis(50));
      other.setDeadlockTimeout(Duration.ofMillis(50));
      a.begin();
      other.begin();
      drain(a.run(bump(), 1L));
      drain(other.run(bump(), 2L));
      CountDownLatch aBlocks = new CountDownLatch(1);
      CompletableFuture<Integer> first = async(() -> {
        aBlocks.countDown();
        return drain(a.run(bump(), 2L)).size(); // waits for other's row 2
      });
      assertTrue(aBlocks.await(10, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (db.locks().stream().noneMatch(l -> !l.granted()) && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // until a's wait shows in pg_locks
      }
      CompletableFuture<Integer> second = async(() -> drain(other.run(bump(), 1L)).size()); // closes the cycle
      // the victim fails; the other waits until the victim's transaction ends (its locks stay until rollback)
      try {
        CompletableFuture.anyOf(first, second).get(30, TimeUnit.SECONDS);
      } catch (ExecutionException expected) {
        // one of them failed: which one is checked below
      }
      assertTrue(first.isCompletedExceptionally() != second.isCompletedExceptionally(),
          "exactly one of the two is the victim");
      boolean aLost = first.isCompletedExceptionally();
      DatabaseException e = assertInstanceOf(DatabaseException.class, failureOf(aLost ? first : second));
      assertEquals(SqlState.DEADLOCK_DETECTED, e.sqlState());
      assertTrue(e.getMessage().startsWith("deadlock detected\n") && e.getMessage().contains("transaction"),
          "the message names the waits of the cycle: " + e.getMessage());
      Session loser = aLost ? a : other;
      Session winner = aLost ? other : a;
      expect(SqlState.IN_FAILED_TRANSACTION, () -> sessionWorks(loser, 0));
      loser.rollback();
      assertEquals(null, failureOf(aLost ? second : first), "the survivor's update goes through");
      winner.commit();
      sessionWorks(loser, 0);
      sessionWorks(winner, 0);
    }
  }

  @Test
  void serializationFailureUnderRepeatableRead() {
    s.begin(IsolationLevel.REPEATABLE_READ);
    sessionWorks(s, 0); // takes the snapshot
    try (Session other = db.openSession()) {
      drain(other.run(bump(), 5L)); // commits a newer version the snapshot does not see
    }
    expect(SqlState.SERIALIZATION_FAILURE, () -> drain(s.run(bump(), 5L)), "concurrent update", "\"acct\"");
    expect(SqlState.IN_FAILED_TRANSACTION, () -> sessionWorks(s, 0));
    s.rollback();
    drain(s.run(bump(), 5L));
    assertEquals(502, s.lookup("acct", "acct_pkey", 5L).get(0).get("balance"));
  }

  /** count(*) of a seven-way cross join of the ten rows: 10^7 rows, seconds of work. */
  private Plan longQuery() {
    Plan join = scanAll(List.of(), null);
    for (int i = 0; i < 6; i++) {
      join = b.nestLoop(join, scanAll(List.of(), null), JoinType.INNER, List.of(), List.of(), List.of(),
          List.of(col(0, ColumnType.BIGINT)));
    }
    return b.aggregate(join, List.of(AggCall.countStar()), List.of(), null);
  }

  @Test
  void cancelledAndTimedOut() throws Exception {
    Plan slow = longQuery();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Integer> running = async(() -> {
      started.countDown();
      return drain(s.run(slow)).size();
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Thread.sleep(50);
    assertTrue(s.cancel());
    DatabaseException c = assertInstanceOf(DatabaseException.class, failureOf(running));
    assertEquals(SqlState.QUERY_CANCELED, c.sqlState());
    assertTrue(c.getMessage().contains("user request"), c.getMessage());
    sessionWorks(s, 0);

    s.setStatementTimeout(Duration.ofMillis(50));
    s.begin();
    expect(SqlState.QUERY_CANCELED, () -> drain(s.run(slow)), "statement timeout");
    expect(SqlState.IN_FAILED_TRANSACTION, () -> sessionWorks(s, 0));
    s.rollback();
    sessionWorks(s, 0);
  }
}
