package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cancel and statement_timeout stop a running plan, not only a lock wait: a cross join that would
 * run for minutes ends with 57014 soon after the request, the transaction is aborted as after any
 * error, and the session runs its next statement.
 */
class PlanCancelTest {
  /** Rows of t: the cross join has ROWS^2 = 25 M rows, seconds to minutes of work. */
  private static final int ROWS = 5000;
  /** Loose: the check runs every 256 rows, microseconds apart, but the machine is shared. */
  private static final long STOP_BOUND_MILLIS = 2000;

  /** Own threads: the common pool may have a single thread on a small machine. */
  private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
  private Database db;
  private Session s;
  private Table t;

  @BeforeEach
  void setUp() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    t = s.createTable("t", Column.of("id", ColumnType.INTEGER), Column.of("v", ColumnType.INTEGER));
    s.begin();
    for (int i = 0; i < ROWS; i++) {
      s.insert("t", i, i % 13);
    }
    s.commit();
  }

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
    s.close();
    db.close();
  }

  /** count(*) of t x t: every input row goes through the nested loop, nothing is returned before the end. */
  private Plan crossJoinCount() {
    PlanBuilder b = new PlanBuilder();
    Plan join = b.nestLoop(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
        b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS), JoinType.INNER, List.of(), List.of(),
        List.of(), null);
    return b.aggregate(join, List.of(AggCall.countStar()), List.of(), null);
  }

  /** A sort of the cross join: its input loop, then (if it got there) its comparisons. */
  private Plan crossJoinSorted() {
    PlanBuilder b = new PlanBuilder();
    Plan join = b.nestLoop(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
        b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS), JoinType.INNER, List.of(), List.of(),
        List.of(), null);
    return b.sort(join, new SortKey(col(3, ColumnType.INTEGER), true, false));
  }

  private static long countOf(QueryCursor c) {
    try (c) {
      c.next();
      return (Long) c.get(0);
    }
  }

  private static DatabaseException failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return assertInstanceOf(DatabaseException.class, e.getCause());
    }
    throw new AssertionError("the statement finished instead of being cancelled");
  }

  @Test
  void cancelFromAnotherThreadStopsALongCrossJoin() throws Exception {
    assertFalse(s.cancel(), "no statement is running: nothing to cancel");
    CountDownLatch started = new CountDownLatch(1);
    Plan plan = crossJoinCount();
    CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> {
      started.countDown();
      return countOf(s.run(plan));
    }, threads);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Thread.sleep(100); // well into the join (it needs seconds)
    assertTrue(s.cancel(), "a statement is running");
    long asked = System.nanoTime();
    DatabaseException e = failure(f);
    long tookMillis = (System.nanoTime() - asked) / 1_000_000;
    assertEquals(SqlState.QUERY_CANCELED, e.sqlState());
    assertEquals("canceling statement due to user request", e.getMessage());
    assertTrue(tookMillis < STOP_BOUND_MILLIS, "stopped " + tookMillis + " ms after the request");
    // autocommit: rolled back at once; the session runs the next statement, and the cancel is spent
    assertEquals(ROWS, s.scan("t").size());
    PlanBuilder b = new PlanBuilder();
    assertEquals(ROWS, countOf(s.run(b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
        List.of(AggCall.countStar()), List.of(), null))));
  }

  @Test
  void cancelInAnExplicitTransactionAbortsIt() throws Exception {
    s.begin();
    s.insert("t", -1, 0);
    Plan plan = crossJoinSorted();
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Long> f = CompletableFuture.supplyAsync(() -> {
      started.countDown();
      try (QueryCursor c = s.run(plan)) {
        long n = 0;
        while (c.next()) {
          n++;
        }
        return n;
      }
    }, threads);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Thread.sleep(100);
    assertTrue(s.cancel());
    assertEquals(SqlState.QUERY_CANCELED, failure(f).sqlState());
    assertEquals(SqlState.IN_FAILED_TRANSACTION, assertThrows(DatabaseException.class, () -> s.scan("t")).sqlState(),
        "the transaction is aborted as after any error");
    s.rollback();
    assertEquals(ROWS, s.scan("t").size(), "the insert before the cancel was rolled back");
  }

  @Test
  void statementTimeoutStopsALongQuery() {
    s.setStatementTimeout(Duration.ofMillis(50));
    long start = System.nanoTime();
    DatabaseException e = assertThrows(DatabaseException.class, () -> countOf(s.run(crossJoinCount())));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(SqlState.QUERY_CANCELED, e.sqlState());
    assertEquals("canceling statement due to statement timeout", e.getMessage());
    assertTrue(tookMillis >= 50 && tookMillis < 50 + STOP_BOUND_MILLIS, "stopped after " + tookMillis + " ms");
    // the same through EXPLAIN ANALYZE (its drain loop) and through a sort's input
    assertEquals(SqlState.QUERY_CANCELED,
        assertThrows(DatabaseException.class, () -> s.explainAnalyze(crossJoinSorted())).sqlState());
    assertEquals(ROWS, s.scan("t").size(), "short statements still run under the timeout");
    s.setStatementTimeout(Duration.ZERO);
    PlanBuilder b = new PlanBuilder();
    Plan small = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
        List.of(AggCall.countStar()), List.of(), null);
    assertEquals(ROWS, countOf(s.run(small)));
  }

  @Test
  void aCancelThatCameTooLateForItsStatementDoesNotHitTheNextOne() {
    PlanBuilder b = new PlanBuilder();
    Plan small = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
        List.of(AggCall.countStar()), List.of(), null);
    QueryCursor c = s.run(small);
    assertTrue(c.next(), "the scan is done, the statement still open");
    assertTrue(s.cancel(), "the statement lasts until its cursor closes");
    c.close(); // nothing checked the request after it came
    assertEquals(ROWS, countOf(s.run(small)), "the next statement starts without the stale request");
    s.begin();
    assertEquals(ROWS, s.scan("t").size());
    s.commit();
  }

  @Test
  void aCancelThatArrivesBetweenStatementsDoesNotHitTheNextOne() throws Exception {
    // a cancel racing with the end of a statement may land after it: the next statement starts clean
    for (int round = 0; round < 50; round++) {
      PlanBuilder b = new PlanBuilder();
      Plan small = b.aggregate(b.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), null, ROWS),
          List.of(AggCall.countStar()), List.of(), null);
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<Boolean> canceller = CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return s.cancel();
      }, threads);
      go.countDown();
      try {
        assertEquals(ROWS, countOf(s.run(small)));
      } catch (DatabaseException e) {
        assertEquals(SqlState.QUERY_CANCELED, e.sqlState(), "only a cancel can fail it");
      }
      canceller.get(10, TimeUnit.SECONDS);
      assertEquals(ROWS, countOf(s.run(small)), "round " + round + ": a stale cancel must not fail the next statement");
    }
  }
}
