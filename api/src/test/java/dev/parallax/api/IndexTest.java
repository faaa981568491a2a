package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexes through the embedded API: DDL, maintenance, scans, snapshots, persistence, errors. */
class IndexTest {
  Database db;
  Session s;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("t", Column.notNull("id", ColumnType.BIGINT), Column.of("grp", ColumnType.INTEGER),
        Column.of("name", ColumnType.TEXT));
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static List<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).toList();
  }

  /** What a scan through an index on (grp, id) must return: the filtered rows in (grp, id) order, nulls last. */
  private List<Long> expected(Predicate<Row> p, boolean forward) {
    Comparator<Row> order = Comparator.comparing((Row r) -> (Integer) r.get("grp"), Comparator.nullsLast(Comparator.naturalOrder()))
        .thenComparing(r -> (Long) r.get("id"));
    List<Row> rows = new ArrayList<>(s.scan("t").stream().filter(p).sorted(order).toList());
    if (!forward) {
      java.util.Collections.reverse(rows);
    }
    return ids(rows);
  }

  private void assertConsistent() {
    CheckReport r = db.check();
    assertTrue(r.ok(), r.problems().toString());
  }

  @Test
  void indexBuiltOverExistingRowsAnswersEqualityPrefixAndRangeScansBothWays() {
    Random rnd = new Random(11);
    for (long i = 0; i < 3000; i++) {
      s.insert("t", i, rnd.nextInt(10) == 0 ? null : rnd.nextInt(50), "n" + i);
    }
    // some history: updated and deleted rows leave dead versions the build must skip or keep
    for (Row r : s.scan("t")) {
      long id = (Long) r.get("id");
      if (id % 7 == 0) {
        s.update("t", r.id(), Map.of("grp", (int) (id % 50)));
      } else if (id % 11 == 0) {
        s.delete("t", r.id());
      }
    }
    Index idx = s.createIndex("t", List.of("grp", "id"), false);
    assertEquals("t_grp_id_idx", idx.name());
    for (boolean forward : new boolean[] {true, false}) {
      assertEquals(expected(r -> true, forward), ids(s.indexScan("t", idx.name(), KeyRange.all(), forward)));
      assertEquals(expected(r -> Integer.valueOf(7).equals(r.get("grp")), forward),
          ids(s.indexScan("t", idx.name(), KeyRange.equal(7), forward)), "prefix of a two-column key");
      assertEquals(expected(r -> r.get("grp") == null, forward),
          ids(s.indexScan("t", idx.name(), KeyRange.equal((Object) null), forward)), "nulls are found and sort last");
      assertEquals(expected(r -> r.get("grp") != null && (Integer) r.get("grp") > 10 && (Integer) r.get("grp") <= 20, forward),
          ids(s.indexScan("t", idx.name(), KeyRange.of(new Object[] {10}, false, new Object[] {20}, true), forward)));
      assertEquals(expected(r -> r.get("grp") != null && (Integer) r.get("grp") < 3, forward),
          ids(s.indexScan("t", idx.name(), KeyRange.lessThan(3), forward)));
    }
    assertEquals(expected(r -> Integer.valueOf(3).equals(r.get("grp")) && (Long) r.get("id") >= 1500, true),
        ids(s.indexScan("t", idx.name(), KeyRange.between(new Object[] {3, 1500L}, new Object[] {3}), true)));
    assertConsistent();
  }

  @Test
  void insertsAndUpdatesAreIndexedAndSnapshotsDecideWhatAnIndexScanSees() {
    Index idx = s.createIndex("t", List.of("name"), false);
    RowId a = s.insert("t", 1L, 1, "apple");
    s.insert("t", 2L, 1, "banana");
    try (Session other = db.openSession()) {
      other.begin(IsolationLevel.REPEATABLE_READ);
      assertEquals(List.of(1L), ids(other.lookup("t", idx.name(), "apple")));
      s.update("t", a, Map.of("name", "cherry"));
      s.insert("t", 3L, 1, "apple");
      // the old snapshot still sees the old version through its (still present) entry, not the new rows
      assertEquals(List.of(1L), ids(other.lookup("t", idx.name(), "apple")));
      assertEquals(List.of(), ids(other.lookup("t", idx.name(), "cherry")));
      other.commit();
    }
    assertEquals(List.of(3L), ids(s.lookup("t", idx.name(), "apple")));
    assertEquals(List.of(1L), ids(s.lookup("t", idx.name(), "cherry")));
    assertConsistent();
  }

  @Test
  void uniqueIndexRejectsDuplicatesAndTheSessionGoesOn() {
    s.createIndex("t", List.of("id"), true);
    s.insert("t", 1L, 1, "a");
    DatabaseException dup = assertThrows(DatabaseException.class, () -> s.insert("t", 1L, 2, "b"));
    assertEquals(SqlState.UNIQUE_VIOLATION, dup.sqlState());
    assertTrue(dup.getMessage().contains("t_id_key") && dup.getMessage().contains("(id)=(1)"), dup.getMessage());
    // nulls never conflict; an update of another column keeps the key; updating to a taken key fails
    s.createIndex("t", List.of("name"), true);
    s.insert("t", 2L, 1, null);
    s.insert("t", 3L, 1, null);
    RowId four = s.insert("t", 4L, 1, "four");
    s.update("t", four, Map.of("grp", 9));
    Row now = s.lookup("t", "t_id_key", 4L).get(0);
    assertEquals(SqlState.UNIQUE_VIOLATION, assertThrows(DatabaseException.class,
        () -> s.update("t", now.id(), Map.of("id", 1L))).sqlState());
    // deleting a row frees its key, in the same transaction too
    s.begin();
    s.delete("t", s.lookup("t", "t_id_key", 1L).get(0).id());
    s.insert("t", 1L, 5, "again");
    s.commit();
    assertEquals(List.of(1L), ids(s.lookup("t", "t_id_key", 1L)));
    assertEquals(5, s.lookup("t", "t_id_key", 1L).get(0).get("grp"));
    assertConsistent();
  }

  @Test
  void uniqueInsertWaitsForAnInProgressInserterOfTheSameKey() throws Exception {
    s.createIndex("t", List.of("id"), true);
    for (boolean firstCommits : new boolean[] {true, false}) {
      long key = firstCommits ? 10 : 20;
      try (Session first = db.openSession(); Session second = db.openSession()) {
        first.begin();
        first.insert("t", key, 1, "first");
        java.util.concurrent.CompletableFuture<Object> result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return second.insert("t", key, 2, "second");
          } catch (DatabaseException e) {
            return e;
          }
        });
        // the second inserter must be waiting for the first transaction's id
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (db.locks().stream().noneMatch(l -> !l.granted()) && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertTrue(db.locks().stream().anyMatch(l -> !l.granted()), "second inserter waits on a lock");
        assertFalse(result.isDone());
        if (firstCommits) {
          first.commit();
          Object r = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
          assertTrue(r instanceof DatabaseException e && SqlState.UNIQUE_VIOLATION.equals(e.sqlState()), String.valueOf(r));
          assertEquals("first", s.lookup("t", "t_id_key", key).get(0).get("name"));
        } else {
          first.rollback();
          Object r = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
          assertTrue(r instanceof RowId, String.valueOf(r));
          assertEquals("second", s.lookup("t", "t_id_key", key).get(0).get("name"));
        }
      }
    }
    assertConsistent();
  }

  @Test
  void buildingAUniqueIndexOverDuplicatesFailsAndLeavesNoIndex() {
    s.insert("t", 1L, 1, "x");
    s.insert("t", 1L, 2, "y");
    DatabaseException e = assertThrows(DatabaseException.class, () -> s.createIndex("t", List.of("id"), true));
    assertEquals(SqlState.UNIQUE_VIOLATION, e.sqlState());
    assertTrue(s.table("t").orElseThrow().indexes().isEmpty());
    // a dead duplicate does not count
    s.delete("t", s.scan("t").stream().filter(r -> r.get("name").equals("y")).findFirst().orElseThrow().id());
    s.createIndex("t", List.of("id"), true);
    assertEquals(1, s.table("t").orElseThrow().indexes().size());
    assertConsistent();
  }

  @Test
  void primaryKeyIsUniqueNotNullAndCannotBeDroppedAlone() {
    s.createTable("p", List.of(Column.of("k", ColumnType.TEXT), Column.of("v", ColumnType.INTEGER)), List.of("k"));
    Table p = s.table("p").orElseThrow();
    assertTrue(p.columns().get(0).notNull());
    assertEquals("p_pkey", p.indexes().get(0).name());
    s.insert("p", "a", 1);
    assertEquals(SqlState.UNIQUE_VIOLATION, assertThrows(DatabaseException.class, () -> s.insert("p", "a", 2)).sqlState());
    assertEquals(SqlState.NOT_NULL_VIOLATION, assertThrows(DatabaseException.class, () -> s.insert("p", null, 2)).sqlState());
    assertEquals(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, assertThrows(DatabaseException.class, () -> s.dropIndex("p_pkey")).sqlState());
    assertEquals(SqlState.UNDEFINED_OBJECT, assertThrows(DatabaseException.class, () -> s.dropIndex("nope")).sqlState());
    assertEquals(SqlState.UNDEFINED_OBJECT, assertThrows(DatabaseException.class, () -> s.lookup("p", "nope", "a")).sqlState());
    assertEquals(SqlState.DUPLICATE_TABLE, assertThrows(DatabaseException.class,
        () -> s.createIndex("p_pkey", "t", List.of("id"), false)).sqlState());
    assertEquals(SqlState.UNDEFINED_COLUMN, assertThrows(DatabaseException.class,
        () -> s.createIndex("t", List.of("nope"), false)).sqlState());
    assertEquals(List.of("a"), s.lookup("p", "p_pkey", "a").stream().map(r -> r.get("k")).toList());
  }

  @Test
  void indexDdlIsTransactional() {
    s.insert("t", 1L, 1, "one");
    s.begin();
    Index idx = s.createIndex("t", List.of("name"), false);
    int relation = idx.relation();
    try (Session other = db.openSession()) {
      assertTrue(other.table("t").orElseThrow().indexes().isEmpty(), "uncommitted index is not seen by others");
    }
    s.rollback();
    assertTrue(s.table("t").orElseThrow().indexes().isEmpty());
    assertFalse(db.storage().bufferPool().relationExists(relation), "a rolled-back build's relation is dropped");

    s.begin();
    s.createIndex("t", List.of("name"), false);
    s.savepoint("sp");
    s.dropIndex("t_name_idx");
    assertTrue(s.table("t").orElseThrow().indexes().isEmpty());
    s.rollbackToSavepoint("sp");
    assertEquals(1, s.table("t").orElseThrow().indexes().size(), "the drop was rolled back, the create stays");
    s.commit();
    int kept = s.table("t").orElseThrow().indexes().get(0).relation();
    assertTrue(db.storage().bufferPool().relationExists(kept));
    s.dropIndex("t_name_idx");
    assertFalse(db.storage().bufferPool().relationExists(kept), "a committed drop removes the relation");
    s.dropTable("t");
  }

  @Test
  void tooLargeKeyIsATypedError() {
    s.createIndex("t", List.of("name"), false);
    DatabaseException e = assertThrows(DatabaseException.class, () -> s.insert("t", 1L, 1, "x".repeat(5000)));
    assertEquals(SqlState.PROGRAM_LIMIT_EXCEEDED, e.sqlState());
    assertTrue(e.getMessage().contains("t_name_idx"), e.getMessage());
    s.insert("t", 2L, 1, "fine");
    assertEquals(1, s.scan("t").size());
  }

  @Test
  void indexesSurviveReopen(@TempDir Path dir) {
    try (Database d = Database.open(dir); Session x = d.openSession()) {
      x.createTable("k", List.of(Column.of("id", ColumnType.BIGINT), Column.of("v", ColumnType.TEXT)), List.of("id"));
      x.createIndex("k", List.of("v"), false);
      x.begin();
      for (long i = 0; i < 2000; i++) {
        x.insert("k", i, "v" + (i % 100));
      }
      x.commit();
    }
    try (Database d = Database.open(dir); Session x = d.openSession()) {
      assertEquals(2, x.table("k").orElseThrow().indexes().size());
      assertEquals(20, x.lookup("k", "k_v_idx", "v42").size());
      assertEquals(SqlState.UNIQUE_VIOLATION, assertThrows(DatabaseException.class, () -> x.insert("k", 5L, "dup")).sqlState());
      CheckReport r = d.check();
      assertTrue(r.ok(), r.problems().toString());
      assertEquals(2, r.indexes());
      assertEquals(4000, r.entries());
    }
  }

  @Test
  void checkReportsAnIndexThatDisagreesWithItsTable() {
    Index idx = s.createIndex("t", List.of("name"), false);
    s.insert("t", 1L, 1, "a");
    s.insert("t", 2L, 1, "b");
    assertConsistent();
    db.tree(idx).bulkDelete(tid -> dev.parallax.storage.btree.BTree.tidSlot(tid) == 0); // lose one entry
    CheckReport r = db.check();
    assertFalse(r.ok());
    assertTrue(r.problems().get(0).contains("no entry for version"), r.problems().toString());
  }

  @Test
  void twoInsertersOfEachOthersKeysDeadlockAndOneGoesOn() throws Exception {
    s.createIndex("t", List.of("id"), true);
    try (Session a = db.openSession(); Session b = db.openSession()) {
      a.setDeadlockTimeout(java.time.Duration.ofMillis(100));
      b.setDeadlockTimeout(java.time.Duration.ofMillis(100));
      a.begin();
      b.begin();
      a.insert("t", 1L, 1, "a");
      b.insert("t", 2L, 1, "b");
      java.util.concurrent.CompletableFuture<String> fa = java.util.concurrent.CompletableFuture.supplyAsync(() -> attempt(a, 2L));
      java.util.concurrent.CompletableFuture<String> fb = java.util.concurrent.CompletableFuture.supplyAsync(() -> attempt(b, 1L));
      String ra = fa.get(20, java.util.concurrent.TimeUnit.SECONDS);
      String rb = fb.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(ra.equals(SqlState.DEADLOCK_DETECTED) ^ rb.equals(SqlState.DEADLOCK_DETECTED), ra + " / " + rb);
      // the survivor waited for the victim, whose abort removed the conflict
      assertTrue(ra.equals("committed") || rb.equals("committed"), ra + " / " + rb);
    }
    assertConsistent();
  }

  private static String attempt(Session x, long key) {
    try {
      x.insert("t", key, 9, "second");
      x.commit();
      return "committed";
    } catch (DatabaseException e) {
      x.rollback();
      return e.sqlState();
    }
  }
}
