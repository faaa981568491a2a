package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
  Database db;
  Session s;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("t", Column.notNull("id", ColumnType.BIGINT), Column.of("name", ColumnType.TEXT));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static List<String> names(Session s) {
    return s.scan("t").stream().map(r -> (String) r.get("name")).sorted().toList();
  }

  @Test
  void everyColumnTypeRoundTrips() {
    s.createTable("all_types", Column.of("i", ColumnType.INTEGER), Column.of("b", ColumnType.BIGINT),
        Column.of("d", ColumnType.DOUBLE), Column.of("t", ColumnType.TEXT), Column.of("z", ColumnType.BOOLEAN),
        Column.of("n", ColumnType.NUMERIC), Column.of("ts", ColumnType.TIMESTAMP), Column.of("y", ColumnType.BYTEA));
    LocalDateTime ts = LocalDateTime.of(2026, 11, 24, 15, 30, 1, 123_456_000);
    RowId id = s.insert("all_types", 7, 1L << 40, 2.5, "héllo", true, new BigDecimal("12345.678900"), ts, new byte[] {1, 2, 3});
    Row r = s.fetch("all_types", id);
    assertEquals(7, r.get("i"));
    assertEquals(1L << 40, r.get("b"));
    assertEquals(2.5, r.get("d"));
    assertEquals("héllo", r.get("t"));
    assertEquals(true, r.get("z"));
    assertEquals(0, new BigDecimal("12345.678900").compareTo((BigDecimal) r.get("n")));
    assertEquals(ts, r.get("ts"));
    assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), List.of(((byte[]) r.get("y"))[0], ((byte[]) r.get("y"))[1], ((byte[]) r.get("y"))[2]));
    RowId nulls = s.insert("all_types", null, null, null, null, null, null, null, null);
    for (Object v : s.fetch("all_types", nulls).values()) {
      assertNull(v);
    }
  }

  @Test
  void twoSessionsUpdatingTwoRowsInOppositeOrderDeadlockAndExactlyOneFails() throws Exception {
    RowId a = s.insert("t", 1L, "a");
    RowId b = s.insert("t", 2L, "b");
    java.util.concurrent.CyclicBarrier bothHoldOne = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.ConcurrentLinkedQueue<String> outcomes = new java.util.concurrent.ConcurrentLinkedQueue<>();
    Runnable[] sides = new Runnable[2];
    for (int i = 0; i < 2; i++) {
      RowId first = i == 0 ? a : b;
      RowId second = i == 0 ? b : a;
      String name = "s" + i;
      sides[i] = () -> {
        try (Session x = db.openSession()) {
          x.begin(IsolationLevel.READ_COMMITTED);
          x.update("t", first, Map.of("name", name));
          bothHoldOne.await();
          try {
            x.update("t", second, Map.of("name", name));
            x.commit();
            outcomes.add("commit");
          } catch (DatabaseException e) {
            outcomes.add(e.sqlState());
            x.rollback();
          }
        } catch (Exception e) {
          outcomes.add(e.toString());
        }
      };
    }
    Thread t0 = new Thread(sides[0]);
    Thread t1 = new Thread(sides[1]);
    t0.start();
    t1.start();
    t0.join(20_000);
    t1.join(20_000);
    assertFalse(t0.isAlive() || t1.isAlive(), "a session hangs: the deadlock was not detected");
    assertEquals(List.of("40P01", "commit"), outcomes.stream().sorted().toList());
    List<Object> after = s.scan("t").stream().map(r -> r.get("name")).distinct().toList();
    assertEquals(1, after.size(), "the survivor updated both rows: " + after);
  }

  @Test
  void badInputIsATypedErrorAndTheSessionGoesOn() {
    assertState(SqlState.UNDEFINED_TABLE, () -> s.insert("missing", 1L, "x"), "missing");
    assertState(SqlState.DATATYPE_MISMATCH, () -> s.insert("t", "one", "x"), "id");
    assertState(SqlState.NOT_NULL_VIOLATION, () -> s.insert("t", null, "x"), "id");
    assertState(SqlState.DATATYPE_MISMATCH, () -> s.insert("t", 1L), "2 columns");
    assertState(SqlState.UNDEFINED_COLUMN, () -> s.update("t", s.insert("t", 1L, "a"), Map.of("nope", 1)), "nope");
    assertState(SqlState.DUPLICATE_TABLE, () -> s.createTable("t", Column.of("x", ColumnType.TEXT)), "\"t\"");
    assertState(SqlState.PROGRAM_LIMIT_EXCEEDED, () -> s.insert("t", 2L, "x".repeat(20_000)), null);
    assertEquals(List.of("a"), names(s), "only the good insert happened");
  }

  @Test
  void aFailedStatementAbortsTheExplicitTransactionUntilRollback() {
    s.begin();
    s.insert("t", 1L, "kept?");
    assertThrows(DatabaseException.class, () -> s.insert("t", null, "bad"));
    assertState(SqlState.IN_FAILED_TRANSACTION, () -> s.scan("t"), "aborted");
    assertState(SqlState.IN_FAILED_TRANSACTION, () -> s.commit(), "rolled back");
    assertFalse(s.inTransaction());
    assertEquals(List.of(), names(s), "the failed transaction's insert is gone");
  }

  @Test
  void rollbackToSavepointRecoversFromAnError() {
    s.begin();
    s.insert("t", 1L, "before");
    s.savepoint("sp");
    s.insert("t", 2L, "inside");
    assertThrows(DatabaseException.class, () -> s.insert("t", null, "bad"));
    s.rollbackToSavepoint("sp");
    s.insert("t", 3L, "after");
    s.commit();
    assertEquals(List.of("after", "before"), names(s));
  }

  @Test
  void nestedSavepointsReleaseAndRollback() {
    s.begin();
    s.insert("t", 1L, "a");
    s.savepoint("one");
    s.insert("t", 2L, "b");
    s.savepoint("two");
    s.insert("t", 3L, "c");
    s.releaseSavepoint("two");
    s.savepoint("three");
    s.insert("t", 4L, "d");
    s.rollbackToSavepoint("three");
    assertEquals(List.of("a", "b", "c"), names(s));
    s.rollbackToSavepoint("one");
    assertEquals(List.of("a"), names(s));
    assertState(SqlState.INVALID_SAVEPOINT, () -> s.rollbackToSavepoint("two"), "two");
    s.rollback();
    s.begin();
    s.insert("t", 5L, "e");
    s.savepoint("x");
    s.insert("t", 6L, "f");
    s.releaseSavepoint("x");
    s.commit();
    assertEquals(List.of("e", "f"), names(s));
  }

  @Test
  void readCommittedSeesNewCommitsRepeatableReadDoesNot() {
    try (Session rc = db.openSession(); Session rr = db.openSession(); Session w = db.openSession()) {
      rc.begin(IsolationLevel.READ_COMMITTED);
      rr.begin(IsolationLevel.REPEATABLE_READ);
      assertEquals(List.of(), names(rc));
      assertEquals(List.of(), names(rr));
      w.begin();
      w.insert("t", 1L, "x");
      assertEquals(List.of(), names(rc), "uncommitted insert is invisible");
      assertEquals(List.of("x"), names(w), "own insert is visible in the next statement");
      w.commit();
      assertEquals(List.of("x"), names(rc));
      assertEquals(List.of(), names(rr));
      rr.commit();
      rc.commit();
      assertEquals(List.of("x"), names(rr));
    }
  }

  @Test
  void repeatableReadUpdateOfAConcurrentlyUpdatedRowFails() {
    RowId id = s.insert("t", 1L, "v0");
    try (Session a = db.openSession(); Session b = db.openSession()) {
      b.begin(IsolationLevel.REPEATABLE_READ);
      assertEquals(List.of("v0"), names(b));
      a.update("t", id, Map.of("name", "v1"));
      DatabaseException e = assertThrows(DatabaseException.class, () -> b.update("t", id, Map.of("name", "v2")));
      assertEquals(SqlState.SERIALIZATION_FAILURE, e.sqlState());
      b.rollback();
    }
    assertEquals(List.of("v1"), names(s));
  }

  @Test
  void readCommittedUpdateFollowsTheChainAfterTheOtherCommits() throws Exception {
    RowId id = s.insert("t", 1L, "v0");
    try (Session a = db.openSession(); Session b = db.openSession()) {
      a.begin();
      RowId v1 = a.update("t", id, Map.of("name", "v1"));
      assertNotNull(v1);
      b.begin(IsolationLevel.READ_COMMITTED);
      Thread committer = new Thread(() -> {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        a.commit();
      });
      committer.start();
      RowId v2 = b.update("t", id, Map.of("id", 2L)); // waits for a, then updates a's version
      committer.join();
      assertNotNull(v2);
      b.commit();
      Row r = s.fetch("t", v2);
      assertEquals("v1", r.get("name"), "b's change applied on top of a's, not over it");
      assertEquals(2L, r.get("id"));
    }
    assertEquals(1, s.scan("t").size());
  }

  @Test
  void deleteAndLockRow() {
    RowId id = s.insert("t", 1L, "x");
    s.begin();
    Row locked = s.lockRow("t", id);
    assertEquals("x", locked.get("name"));
    assertTrue(s.delete("t", id));
    assertFalse(s.delete("t", id), "already deleted by an earlier command");
    s.commit();
    assertEquals(List.of(), names(s));
    assertNull(s.fetch("t", id));
  }

  @Test
  void ddlIsTransactional() {
    s.begin();
    s.createTable("ephemeral", Column.of("x", ColumnType.INTEGER));
    s.insert("ephemeral", 1);
    try (Session other = db.openSession()) {
      assertTrue(other.table("ephemeral").isEmpty(), "uncommitted table is invisible to others");
    }
    s.rollback();
    assertTrue(s.table("ephemeral").isEmpty());
    s.begin();
    s.dropTable("t");
    assertTrue(s.table("t").isEmpty());
    s.rollback();
    assertTrue(s.table("t").isPresent(), "rolled-back drop leaves the table");
    s.dropTable("t");
    assertState(SqlState.UNDEFINED_TABLE, () -> s.scan("t"), "\"t\"");
  }

  @Test
  void closedSessionAndDatabaseAreErrors() {
    Session other = db.openSession();
    other.close();
    assertState(SqlState.CONNECTION_DOES_NOT_EXIST, () -> other.scan("t"), "session");
    db.close();
    assertState(SqlState.CONNECTION_DOES_NOT_EXIST, () -> s.scan("t"), "closed");
  }

  @Test
  void committedDataAndCatalogSurviveReopen(@TempDir Path dir) {
    try (Database disk = Database.open(dir); Session d = disk.openSession()) {
      d.createTable("kv", Column.notNull("k", ColumnType.TEXT), Column.of("v", ColumnType.BIGINT));
      d.begin();
      for (long i = 0; i < 2_000; i++) {
        d.insert("kv", "key" + i, i);
      }
      d.commit();
      d.begin();
      d.insert("kv", "uncommitted", -1L);
      // closed with the transaction open: it is rolled back
    }
    try (Database disk = Database.open(dir); Session d = disk.openSession()) {
      List<Row> rows = d.scan("kv");
      assertEquals(2_000, rows.size());
      assertEquals(1_999L * 2_000 / 2, rows.stream().mapToLong(r -> r.getLong("v")).sum());
    }
  }

  @Test
  void aSecondProcessCannotOpenTheSameDirectory(@TempDir Path dir) {
    try (Database first = Database.open(dir)) {
      assertState(SqlState.OBJECT_IN_USE, () -> Database.open(dir), "in use");
    }
  }

  @Test
  void vacuumReusesSpace() {
    s.begin();
    java.util.List<RowId> ids = new java.util.ArrayList<>();
    for (long i = 0; i < 3_000; i++) {
      ids.add(s.insert("t", i, "row " + "p".repeat(50)));
    }
    s.commit();
    int blocksBefore = db.storage().bufferPool().blockCount(s.table("t").orElseThrow().relation());
    s.begin();
    for (RowId id : ids) {
      s.delete("t", id);
    }
    s.commit();
    VacuumReport report = db.vacuum();
    assertEquals(3_000, report.removedVersions());
    s.begin();
    for (long i = 0; i < 3_000; i++) {
      s.insert("t", i, "row " + "q".repeat(50));
    }
    s.commit();
    assertEquals(blocksBefore, db.storage().bufferPool().blockCount(s.table("t").orElseThrow().relation()),
        "the new rows went into the space vacuum freed");
    assertEquals(3_000, s.scan("t").size());
  }

  @Test
  void vacuumMarksPagesAllVisibleAndDropTableDropsTheVisibilityMap() {
    s.begin();
    for (long i = 0; i < 500; i++) {
      s.insert("t", i, "row " + i);
    }
    s.commit();
    int relation = s.table("t").orElseThrow().relation();
    int map = dev.parallax.mvcc.Heap.visibilityMapRelation(relation);
    db.vacuum();
    assertTrue(db.heap().isAllVisible(relation, 0));
    assertTrue(db.storage().bufferPool().relationExists(map));
    s.dropTable("t");
    assertFalse(db.storage().bufferPool().relationExists(relation));
    assertFalse(db.storage().bufferPool().relationExists(map), "the map goes with its table");
  }

  private static void assertState(String state, org.junit.jupiter.api.function.Executable op, String inMessage) {
    DatabaseException e = assertThrows(DatabaseException.class, op);
    assertEquals(state, e.sqlState(), e.getMessage());
    if (inMessage != null) {
      assertTrue(e.getMessage().contains(inMessage), "message \"" + e.getMessage() + "\" should mention " + inMessage);
    }
  }
}
