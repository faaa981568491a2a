package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.gt;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.ModifyTablePlan.Operation;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.executor.plan.ScalarFunction;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * CHECK constraints and column DEFAULTs: named and type-checked at CREATE TABLE, kept in the
 * catalog transactionally and durably, enforced by the session's insert and update and by
 * ModifyTable plans (false fails with 23514, NULL passes), defaults filled for omitted columns.
 */
class ConstraintsTest {
  /** t(id bigint primary key, a integer, b integer). */
  static final List<Column> COLS = List.of(Column.of("id", ColumnType.BIGINT), Column.of("a", ColumnType.INTEGER),
      Column.of("b", ColumnType.INTEGER));
  static final Expr A = CheckConstraint.column(COLS, "a");
  static final Expr B = CheckConstraint.column(COLS, "b");

  Database db;
  Session s;
  PlanBuilder pb = new PlanBuilder();

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** CHECK (a > 0), CHECK (a < b), CONSTRAINT b_small CHECK (b < 1000). */
  private Table createT(Session session) {
    return session.createTable("t", COLS, List.of("id"), List.of(CheckConstraint.of(gt(A, lit(0))),
        CheckConstraint.of(lt(A, B)), CheckConstraint.named("b_small", lt(B, lit(1000)))));
  }

  private static CheckViolation violation(String constraint, String detail, Executable op) {
    CheckViolation v = assertThrows(CheckViolation.class, op);
    assertEquals(SqlState.CHECK_VIOLATION, v.sqlState());
    assertEquals("new row for relation \"t\" violates check constraint \"" + constraint + "\"", v.getMessage());
    assertEquals(constraint, v.constraint());
    assertEquals("t", v.table());
    assertEquals(detail, v.detail());
    return v;
  }

  private static DatabaseException state(String sqlState, String inMessage, Executable op) {
    DatabaseException e = assertThrows(DatabaseException.class, op);
    assertEquals(sqlState, e.sqlState(), e.getMessage());
    assertTrue(e.getMessage().contains(inMessage), "\"" + e.getMessage() + "\" should mention " + inMessage);
    return e;
  }

  @Test
  void checksAreNamedLikePostgres() {
    Table t = createT(s);
    assertEquals(List.of("t_a_check", "t_check", "b_small"), t.checks().stream().map(CheckConstraint::name).toList());
    assertEquals(List.of("t_a_check", "t_check", "b_small"),
        s.table("t").orElseThrow().checks().stream().map(CheckConstraint::name).toList());
    // taken names get a number; explicit names are taken first, generated ones go around them
    Table u = s.createTable("u", COLS.subList(0, 2), List.of(), List.of(CheckConstraint.of(gt(A, lit(0))),
        CheckConstraint.of(gt(A, lit(1))), CheckConstraint.named("u_a_check2", gt(A, lit(2))),
        CheckConstraint.of(gt(A, lit(3))), CheckConstraint.of(gt(lit(1), lit(0))),
        CheckConstraint.of(new Expr.Binary(BinaryOp.EQ, A, A))));
    assertEquals(List.of("u_a_check", "u_a_check1", "u_a_check2", "u_a_check3", "u_check", "u_a_check4"),
        u.checks().stream().map(CheckConstraint::name).toList());
    // long names are shortened to 63 characters, the longer part first
    String longTable = "x".repeat(40);
    List<Column> longCols = List.of(Column.of("c".repeat(50), ColumnType.INTEGER));
    Table l = s.createTable(longTable, longCols, List.of(), List.of(
        CheckConstraint.of(gt(CheckConstraint.column(longCols, "c".repeat(50)), lit(0))),
        CheckConstraint.of(gt(CheckConstraint.column(longCols, "c".repeat(50)), lit(1)))));
    assertEquals("x".repeat(28) + "_" + "c".repeat(28) + "_check", l.checks().get(0).name());
    assertEquals("x".repeat(28) + "_" + "c".repeat(27) + "_check1", l.checks().get(1).name());
    assertEquals(63, l.checks().get(1).name().length());
    // duplicates of explicit names, and the primary key's name
    state(CheckDdl.DUPLICATE_OBJECT, "constraint \"same\" for relation \"v\" already exists", () -> s.createTable("v", COLS,
        List.of(), List.of(CheckConstraint.named("same", gt(A, lit(0))), CheckConstraint.named("same", gt(B, lit(0))))));
    state(CheckDdl.DUPLICATE_OBJECT, "\"v_pkey\"", () -> s.createTable("v", COLS, List.of("id"),
        List.of(CheckConstraint.named("v_pkey", gt(A, lit(0))))));
    assertTrue(s.table("v").isEmpty());
  }

  @Test
  void sessionInsertAndUpdateEnforceChecksAndNullPasses() {
    createT(s);
    s.insert("t", 1L, 5, 10);
    violation("t_a_check", "Failing row contains (2, -1, 10).", () -> s.insert("t", 2L, -1, 10));
    violation("t_check", "Failing row contains (3, 5, 2).", () -> s.insert("t", 3L, 5, 2));
    violation("b_small", "Failing row contains (3, 5, 1000).", () -> s.insert("t", 3L, 5, 1000));
    s.insert("t", 4L, null, null); // every check NULL: passes
    s.insert("t", 5L, 1, null); // a > 0 true, a < b NULL: passes
    assertEquals(3, s.scan("t").size(), "the failed inserts left nothing");

    RowId one = s.lookup("t", "t_pkey", 1L).get(0).id();
    violation("t_a_check", "Failing row contains (1, -3, 10).", () -> s.update("t", one, Map.of("a", -3)));
    violation("t_check", "Failing row contains (1, 5, 4).", () -> s.update("t", one, Map.of("b", 4)));
    assertEquals(5, s.lookup("t", "t_pkey", 1L).get(0).get("a"), "the failed update changed nothing");
    assertNotNull(s.update("t", one, Map.of("a", 9)));
    assertEquals(9, s.lookup("t", "t_pkey", 1L).get(0).get("a"));
    RowId four = s.lookup("t", "t_pkey", 4L).get(0).id();
    assertNotNull(s.update("t", four, Map.of("b", 7))); // a still NULL: both checks on a stay NULL

    // NOT NULL is checked before CHECK (23502 first), as in PostgreSQL
    s.createTable("n", List.of(Column.notNull("a", ColumnType.INTEGER)), List.of(),
        List.of(CheckConstraint.of(gt(col(0, ColumnType.INTEGER), lit(0)))));
    state(SqlState.NOT_NULL_VIOLATION, "\"a\"", () -> s.insert("n", (Object) null));
  }

  @Test
  void aViolationFailsTheStatementAndTheSessionGoesOn() {
    createT(s);
    s.begin();
    s.insert("t", 1L, 1, 2);
    s.savepoint("sp");
    violation("t_a_check", "Failing row contains (2, 0, 2).", () -> s.insert("t", 2L, 0, 2));
    state(SqlState.IN_FAILED_TRANSACTION, "aborted", () -> s.insert("t", 3L, 1, 2));
    s.rollbackToSavepoint("sp");
    s.insert("t", 3L, 1, 2);
    s.commit();
    assertEquals(List.of(1L, 3L), s.scan("t").stream().map(r -> r.get("id")).toList());
    violation("t_a_check", "Failing row contains (4, 0, 2).", () -> s.insert("t", 4L, 0, 2));
    s.insert("t", 4L, 1, 2); // autocommit: the failed statement was rolled back, the session goes on
    assertEquals(3, s.scan("t").size());
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

  @Test
  void modifyTablePlansEnforceChecks() {
    Table t = createT(s);
    Plan insert = pb.modify(pb.values(t.columnTypes(), List.of(new Object[] {1L, 1, 5}, new Object[] {2L, null, 3},
        new Object[] {3L, 2, 1}), List.of(), null), Operation.INSERT, t.relation(), t.name(), t.columnTypes(), -1, null, null);
    violation("t_check", "Failing row contains (3, 2, 1).", () -> drain(s.run(insert)));
    assertEquals(0, s.scan("t").size(), "the statement's first rows went with it");
    Plan good = pb.modify(pb.values(t.columnTypes(), List.of(new Object[] {1L, 1, 5}, new Object[] {2L, null, 3},
        new Object[] {3L, 2, 900}), List.of(), null), Operation.INSERT, t.relation(), t.name(), t.columnTypes(), -1, null, null);
    drain(s.run(good));
    assertEquals(3, s.scan("t").size());
    // UPDATE t SET b = b + delta: row 3 crosses b < 1000 at delta 100; row 2 (a NULL) never fails t_check
    Plan updatePlan = update(t, 100);
    violation("b_small", "Failing row contains (3, 2, 1000).", () -> drain(s.run(updatePlan)));
    assertEquals(List.of(3, 5, 900), bValues(), "nothing changed");
    drain(s.run(update(t, 99)));
    assertEquals(List.of(102, 104, 999), bValues());
    CheckReport r = db.check();
    assertTrue(r.ok(), r.problems().toString());
  }

  private List<Integer> bValues() {
    return s.scan("t").stream().map(r -> (Integer) r.get("b")).sorted().toList();
  }

  private Plan update(Table t, int delta) {
    Plan scan = pb.seqScan(t.relation(), t.name(), t.columnTypes(), List.of(), List.of(new Expr.RowIdentity()), 10);
    List<Expr> newValues = List.of(col(0, ColumnType.BIGINT), col(1, ColumnType.INTEGER),
        add(col(2, ColumnType.INTEGER), lit(delta)));
    return pb.modify(scan, Operation.UPDATE, t.relation(), t.name(), t.columnTypes(), 0, newValues, null);
  }

  @Test
  void creationErrorsAndNothingLeftBehind() {
    state(SqlState.DATATYPE_MISMATCH, "argument of CHECK must be type boolean, not type integer",
        () -> s.createTable("t", COLS, List.of(), List.of(CheckConstraint.of(add(A, lit(1))))));
    state(SqlState.UNDEFINED_COLUMN, "column \"c\" does not exist", () -> CheckConstraint.column(COLS, "c"));
    state(SqlState.UNDEFINED_COLUMN, "column number 3 of relation \"t\" does not exist", () -> s.createTable("t", COLS,
        List.of(), List.of(CheckConstraint.of(gt(col(3, ColumnType.INTEGER), lit(0))))));
    state(SqlState.DATATYPE_MISMATCH, "column \"a\" of relation \"t\" is of type integer but check constraint \"c\" reads it as bigint",
        () -> s.createTable("t", COLS, List.of(), List.of(CheckConstraint.named("c", gt(col(1, ColumnType.BIGINT), lit(0L))))));
    state(SqlState.FEATURE_NOT_SUPPORTED, "parameter", () -> s.createTable("t", COLS, List.of(),
        List.of(CheckConstraint.of(gt(A, PlanBuilder.param(0, ColumnType.INTEGER))))));
    state(SqlState.FEATURE_NOT_SUPPORTED, "row identity", () -> s.createTable("t", COLS, List.of(),
        List.of(CheckConstraint.of(gt(new Expr.RowIdentity(), lit(0L))))));
    state(SqlState.DATATYPE_MISMATCH, "column \"f\" is of type boolean but default expression is of type integer",
        () -> Column.of("f", ColumnType.BOOLEAN).withDefault(1));
    state(SqlState.DATATYPE_MISMATCH, "column \"f\" is of type timestamp but default expression is of type text",
        () -> Column.of("f", ColumnType.TIMESTAMP).withDefault("2026-01-01 00:00:00"));
    state(SqlState.DATATYPE_MISMATCH, "column \"f\" is of type integer but default expression is of type boolean",
        () -> Column.of("f", ColumnType.INTEGER).withDefault(true));
    state(SqlState.FEATURE_NOT_SUPPORTED, "cannot use column reference in DEFAULT expression of column \"f\"",
        () -> Column.of("f", ColumnType.INTEGER).withDefault(add(col(0, ColumnType.INTEGER), lit(1))));
    assertTrue(s.table("t").isEmpty(), "no failed CREATE TABLE left a table");
    assertTrue(s.tables().isEmpty());
    createT(s); // and the name is free
  }

  @Test
  void rolledBackCreateTableLeavesNothing(@TempDir Path dir) {
    db.close();
    db = Database.open(dir);
    s = db.openSession();
    s.begin();
    createT(s);
    s.insert("t", 1L, 1, 2);
    violation("t_a_check", "Failing row contains (2, 0, 2).", () -> s.insert("t", 2L, 0, 2));
    s.rollback();
    assertTrue(s.table("t").isEmpty());
    // a savepoint rolled back undoes the create too, and a new definition has only its own checks
    s.begin();
    s.savepoint("sp");
    createT(s);
    s.rollbackToSavepoint("sp");
    assertTrue(s.table("t").isEmpty());
    Table t = s.createTable("t", COLS, List.of(), List.of(CheckConstraint.named("only", lt(A, lit(10)))));
    s.commit();
    assertEquals(List.of("only"), t.checks().stream().map(CheckConstraint::name).toList());
    s.insert("t", 1L, -5, 2); // the rolled-back a > 0 is gone
    db.close();
    db = Database.open(dir);
    s = db.openSession();
    assertEquals(t.checks(), s.table("t").orElseThrow().checks());
    violation("only", "Failing row contains (2, 10, null).", () -> s.insert("t", 2L, 10, null));
  }

  @Test
  void checksAndDefaultsSurviveReopen(@TempDir Path dir) {
    db.close();
    db = Database.open(dir);
    s = db.openSession();
    List<Column> cols = List.of(Column.of("id", ColumnType.BIGINT), Column.of("a", ColumnType.INTEGER).withDefault(7),
        Column.of("note", ColumnType.TEXT).withDefault("none"), Column.of("at", ColumnType.TIMESTAMP)
            .withDefault(new Expr.Func(ScalarFunction.NOW, List.of())), Column.of("big", ColumnType.BIGINT).withDefault(3),
        Column.of("amount", ColumnType.NUMERIC).withDefault(new BigDecimal("1.50")));
    Expr a = CheckConstraint.column(cols, "a");
    Expr note = CheckConstraint.column(cols, "note");
    Table created = s.createTable("t", cols, List.of("id"), List.of(CheckConstraint.of(gt(a, lit(0))),
        CheckConstraint.of(new Expr.Or(List.of(new Expr.Like(note, lit("n%"), false), new Expr.IsNull(a, false))))));
    s.insert("t", Map.of("id", 1L));
    db.close();

    db = Database.open(dir);
    s = db.openSession();
    Table t = s.table("t").orElseThrow();
    assertEquals(created, t, "columns with defaults, indexes and checks all came back");
    assertEquals(List.of("t_a_check", "t_check"), t.checks().stream().map(CheckConstraint::name).toList());
    violation("t_a_check", "Failing row contains (2, -1, none, 2026-01-01 00:00:00, 3, 1.50).",
        () -> s.insert("t", Map.of("id", 2L, "a", -1, "at", LocalDateTime.of(2026, 1, 1, 0, 0))));
    violation("t_check", "Failing row contains (2, 1, yes, null, null, null).",
        () -> s.insert("t", 2L, 1, "yes", null, null, null));
    s.insert("t", Map.of("id", 3L, "note", "nice"));
    Row row = s.lookup("t", "t_pkey", 3L).get(0);
    assertEquals(7, row.get("a"));
    assertEquals(3L, row.get("big"));
    assertEquals(new BigDecimal("1.50"), row.get("amount"));
    assertNotNull(row.get("at"));
  }

  /**
   * The compiled programs are shared by every session writing the table version, their states
   * are not: four sessions inserting at once, a third of the rows violating, must each get
   * exactly their own violations (a shared register file would mix one row's verdict into
   * another's).
   */
  @Test
  void sessionsEnforceTheSameTableAtOnce() throws Exception {
    createT(s);
    int threads = 4;
    int perThread = 600;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      for (int w = 0; w < threads; w++) {
        int worker = w;
        results.add(pool.submit(() -> {
          try (Session mine = db.openSession()) {
            java.util.Random rnd = new java.util.Random(worker);
            start.await();
            int rejected = 0;
            for (int i = 0; i < perThread; i++) {
              long id = worker * 100_000L + i;
              boolean bad = i % 3 == 0;
              int a = bad ? -rnd.nextInt(1000) : 1 + rnd.nextInt(500);
              try {
                mine.insert("t", id, a, 501 + rnd.nextInt(400));
              } catch (CheckViolation v) {
                assertTrue(bad, "row " + id + " was rejected: " + v.detail());
                assertEquals("Failing row contains (" + id + ", " + a + ", ", v.detail().substring(0,
                    v.detail().lastIndexOf(", ") + 2));
                rejected++;
              }
            }
            return rejected;
          }
        }));
      }
      int rejected = 0;
      for (var f : results) {
        rejected += f.get();
      }
      assertEquals(threads * perThread / 3, rejected);
      assertEquals(threads * perThread - rejected, s.scan("t").size());
      for (Row row : s.scan("t")) {
        assertTrue((Integer) row.get("a") > 0, "a violating row was stored: " + Arrays.toString(row.values()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The same property without the heap around it, so evaluations overlap often: threads each
   * take their own {@link CheckConstraints} of one table version and enforce rows that alternate
   * between passing and failing; every verdict must be the row's own.
   */
  @Test
  void enforcersOfOneTableVersionDoNotShareState() throws Exception {
    Table t = createT(s);
    int threads = 4;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<String>> results = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int worker = w;
        results.add(pool.submit(() -> {
          CheckConstraints checks = CheckConstraints.of(t);
          start.await();
          for (int i = 0; i < 200_000; i++) {
            boolean bad = (i + worker) % 2 == 0;
            int k = i % 500; // b stays below 1000, a below b
            Object[] row = {(long) i, bad ? -k : k + 1, k + 2};
            try {
              checks.enforce(row);
              if (bad) {
                return "row " + Arrays.toString(row) + " passed";
              }
            } catch (CheckViolation v) {
              if (!bad || !v.constraint().equals("t_a_check")) {
                return "row " + Arrays.toString(row) + " failed " + v.constraint();
              }
            }
          }
          return "ok";
        }));
      }
      for (var f : results) {
        assertEquals("ok", f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void defaultsFillOmittedColumns() {
    Expr now = new Expr.Func(ScalarFunction.NOW, List.of());
    Expr random = new Expr.Func(ScalarFunction.RANDOM, List.of());
    List<Column> cols = List.of(Column.notNull("id", ColumnType.BIGINT),
        Column.of("qty", ColumnType.INTEGER).withDefault(42),
        Column.of("big", ColumnType.BIGINT).withDefault(5), // integer -> bigint
        Column.of("price", ColumnType.NUMERIC).withDefault(2), // integer -> numeric
        Column.of("ratio", ColumnType.DOUBLE).withDefault(3), // integer -> double precision
        Column.of("label", ColumnType.TEXT).withDefault(12), // integer -> text (assignment)
        Column.of("small", ColumnType.INTEGER).withDefault(new Expr.Constant(2.5, ColumnType.DOUBLE)), // rounds
        Column.of("created", ColumnType.TIMESTAMP).withDefault(now),
        Column.of("r", ColumnType.DOUBLE).withDefault(random),
        Column.of("plain", ColumnType.TEXT));
    assertInstanceOf(Expr.Cast.class, cols.get(2).defaultValue(), "stored with its assignment cast");
    assertEquals(ColumnType.BIGINT, cols.get(2).defaultValue().type());
    Table t = s.createTable("d", cols, List.of("id"), List.of());
    LocalDateTime before = LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
    s.insert("d", Map.of("id", 1L));
    LocalDateTime after = LocalDateTime.now();
    Map<String, Object> given = new HashMap<>();
    given.put("id", 2L);
    given.put("qty", null); // an explicit NULL is not the default
    given.put("plain", "p");
    s.insert("d", given);
    Row one = s.lookup("d", "d_pkey", 1L).get(0);
    assertEquals(42, one.get("qty"));
    assertEquals(5L, one.get("big"));
    assertEquals(new BigDecimal(2), one.get("price"));
    assertEquals(3.0, one.get("ratio"));
    assertEquals("12", one.get("label"));
    assertEquals(2, one.get("small")); // 2.5 rounds half to even, like PostgreSQL's double -> integer
    LocalDateTime created = (LocalDateTime) one.get("created");
    assertTrue(!created.isBefore(before) && !created.isAfter(after), created + " not in [" + before + ", " + after + "]");
    double r = (Double) one.get("r");
    assertTrue(r >= 0 && r < 1, "random() " + r);
    assertNull(one.get("plain"));
    Row two = s.lookup("d", "d_pkey", 2L).get(0);
    assertNull(two.get("qty"));
    assertEquals("p", two.get("plain"));
    assertEquals(5L, two.get("big"));

    Object[] defaults = t.defaultRow();
    assertEquals(Arrays.asList(null, 42, 5L, new BigDecimal(2), 3.0, "12", 2),
        Arrays.asList(defaults).subList(0, 7));
    assertNull(defaults[9]);

    state(SqlState.NOT_NULL_VIOLATION, "\"id\"", () -> s.insert("d", Map.of("qty", 1)));
    state(SqlState.UNDEFINED_COLUMN, "column \"nope\" of relation \"d\" does not exist",
        () -> s.insert("d", Map.of("id", 3L, "nope", 1)));
    // a default that cannot be cast at insert time fails the insert, not the CREATE
    s.createTable("o", List.of(Column.of("x", ColumnType.INTEGER).withDefault(1L << 40), Column.of("y", ColumnType.INTEGER)));
    state(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range", () -> s.insert("o", Map.of("y", 1)));
    // defaults meet the checks like any value
    List<Column> withCheck = List.of(Column.of("v", ColumnType.INTEGER).withDefault(-1));
    s.createTable("c", withCheck, List.of(), List.of(CheckConstraint.of(gt(CheckConstraint.column(withCheck, "v"), lit(0)))));
    CheckViolation v = assertThrows(CheckViolation.class, () -> s.insert("c", Map.of()));
    assertEquals("c_v_check", v.constraint());
    assertEquals("Failing row contains (-1).", v.detail());
    assertArrayEquals(new Object[] {-1}, s.table("c").orElseThrow().defaultRow());
  }
}
