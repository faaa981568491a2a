package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.txn.IsolationLevel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HOT updates through the embedded API: an update that changes no indexed column adds no index
 * entries and is found through the entries of its chain's root, under old and new snapshots,
 * after pruning and vacuum; one that changes an indexed column is a normal update; unique checks
 * follow chains (no false 23505, no missed duplicate); {@link Database#check()} stays clean.
 */
class HotUpdateApiTest {
  Database db;
  Session s;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("acc", List.of(Column.notNull("id", ColumnType.INTEGER), Column.of("bal", ColumnType.BIGINT),
        Column.of("note", ColumnType.TEXT), Column.of("memo", ColumnType.TEXT)), List.of("id"));
    s.createIndex("acc_note", "acc", List.of("note"), false);
    for (int i = 0; i < 10; i++) {
      s.insert("acc", i, 0L, "n" + i, "m");
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Row byId(Session session, int id) {
    List<Row> rows = session.lookup("acc", "acc_pkey", id);
    assertTrue(rows.size() <= 1, "at most one visible version of row " + id + ": " + rows);
    return rows.isEmpty() ? null : rows.get(0);
  }

  private void add(Session session, int id, long delta) {
    Row r = byId(session, id);
    assertNotNull(session.update("acc", r.id(), Map.of("bal", r.getLong("bal") + delta)));
  }

  private int block(int id) {
    return byId(s, id).id().block();
  }

  private int relation() {
    return s.table("acc").orElseThrow().relation();
  }

  private CheckReport assertConsistent() {
    CheckReport r = db.check();
    assertTrue(r.ok(), r.problems().toString());
    return r;
  }

  @Test
  void hotUpdatesAddNoEntriesAndAnOldSnapshotStillSeesTheOldValueThroughBothIndexes() {
    long entries = assertConsistent().entries();
    try (Session old = db.openSession()) {
      old.begin(IsolationLevel.REPEATABLE_READ);
      assertEquals(0L, byId(old, 3).get("bal"));
      for (int i = 0; i < 50; i++) {
        add(s, 3, 1);
      }
      assertEquals(entries, assertConsistent().entries(), "HOT updates add no index entries");
      db.heap().prune(relation(), block(3));
      assertEquals(0L, byId(old, 3).get("bal"), "through the primary key, after a prune");
      assertEquals(0L, old.lookup("acc", "acc_note", "n3").get(0).get("bal"), "through the other index");
      assertEquals(50L, byId(s, 3).get("bal"));
      old.commit();
    }
    assertTrue(db.heap().prune(relation(), block(3)) > 0, "the old snapshot gone, the chain is pruned");
    assertEquals(50L, byId(s, 3).get("bal"));
    assertEquals(50L, s.lookup("acc", "acc_note", "n3").get(0).get("bal"));
    db.vacuum();
    assertEquals(50L, byId(s, 3).get("bal"));
    assertEquals(entries, assertConsistent().entries());
    add(s, 3, 1);
    assertEquals(51L, byId(s, 3).get("bal"));
    assertConsistent();
  }

  @Test
  void anUpdateOfAnIndexedColumnIsNotHot() {
    long entries = assertConsistent().entries();
    Row r = byId(s, 4);
    s.update("acc", r.id(), Map.of("note", "renamed"));
    assertEquals(entries + 2, assertConsistent().entries(), "a normal update: a new entry in each index");
    assertEquals(List.of(), s.lookup("acc", "acc_note", "n4"));
    assertEquals(4, s.lookup("acc", "acc_note", "renamed").get(0).get("id"));
    // An unindexed column (memo) is HOT again.
    s.update("acc", byId(s, 4).id(), Map.of("memo", "changed"));
    assertEquals(entries + 2, assertConsistent().entries());
    assertEquals("changed", s.lookup("acc", "acc_note", "renamed").get(0).get("memo"));
  }

  @Test
  void uniqueChecksFollowHotChains() throws Exception {
    for (int i = 0; i < 5; i++) {
      add(s, 5, 10);
    }
    DatabaseException dup = assertThrows(DatabaseException.class, () -> s.insert("acc", 5, 0L, "x", "m"));
    assertEquals(SqlState.UNIQUE_VIOLATION, dup.sqlState(), "the chain's live member is a duplicate");
    s.delete("acc", byId(s, 5).id());
    s.insert("acc", 5, 1L, "again", "m"); // no false 23505 from the deleted chain
    assertEquals(1L, byId(s, 5).get("bal"));

    // A running transaction HOT-updates row 6 and then deletes it: an insert of 6 waits for it.
    for (boolean commit : new boolean[] {true, false}) {
      int id = commit ? 6 : 7;
      try (Session a = db.openSession(); Session b = db.openSession()) {
        a.begin();
        add(a, id, 1);
        add(a, id, 1);
        a.delete("acc", byId(a, id).id());
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> insert = CompletableFuture.supplyAsync(() -> {
          started.countDown();
          try {
            b.insert("acc", id, 0L, "new", "m");
            return "inserted";
          } catch (DatabaseException e) {
            return e.sqlState();
          }
        });
        started.await();
        Thread.sleep(100);
        assertTrue(!insert.isDone(), "the insert waits for the deleter of the chain");
        if (commit) {
          a.commit();
          assertEquals("inserted", insert.get(10, TimeUnit.SECONDS), "the row is gone: no false 23505");
        } else {
          a.rollback();
          assertEquals(SqlState.UNIQUE_VIOLATION, insert.get(10, TimeUnit.SECONDS), "the row is back: no missed duplicate");
        }
      }
    }
    assertConsistent();
    db.vacuum();
    assertConsistent();
  }

  @Test
  void createIndexRefusesAChainThatAnOldSnapshotSeesWithOtherValues() {
    try (Session old = db.openSession()) {
      old.begin(IsolationLevel.REPEATABLE_READ);
      assertEquals("m", byId(old, 2).get("memo"));
      s.update("acc", byId(s, 2).id(), Map.of("memo", "other"));
      DatabaseException e = assertThrows(DatabaseException.class, () -> s.createIndex("acc_memo", "acc", List.of("memo"), false));
      assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
      assertTrue(e.getMessage().contains("acc_memo"), e.getMessage());
      assertEquals("m", byId(old, 2).get("memo"));
      old.commit();
    }
    s.createIndex("acc_memo", "acc", List.of("memo"), false);
    assertEquals(2, s.lookup("acc", "acc_memo", "other").get(0).get("id"));
    assertEquals(9, s.lookup("acc", "acc_memo", "m").size());
    assertConsistent();
  }

  @Test
  void randomWorkloadsLeaveTheDatabaseConsistent() {
    s.createIndex("acc_memo", "acc", List.of("memo"), false);
    for (int seed = 0; seed < 3; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      Map<Integer, Object[]> model = new HashMap<>();
      for (Row r : s.scan("acc")) {
        model.put((Integer) r.get("id"), new Object[] {r.get("bal"), r.get("note"), r.get("memo")});
      }
      int nextId = 100 + seed * 1000;
      Session reader = db.openSession();
      Map<Integer, Long> readerView = null;
      for (int step = 0; step < 600; step++) {
        List<Integer> ids = List.copyOf(model.keySet());
        int op = rnd.nextInt(100);
        if (op < 50 && !ids.isEmpty()) {
          int id = ids.get(rnd.nextInt(ids.size()));
          long bal = rnd.nextLong(1000);
          s.update("acc", byId(s, id).id(), Map.of("bal", bal));
          model.get(id)[0] = bal;
        } else if (op < 60 && !ids.isEmpty()) {
          int id = ids.get(rnd.nextInt(ids.size()));
          String memo = "memo" + rnd.nextInt(5);
          s.update("acc", byId(s, id).id(), Map.of("memo", memo));
          model.get(id)[2] = memo;
        } else if (op < 70) {
          int id = nextId++;
          s.insert("acc", id, 0L, "n" + id, "m");
          model.put(id, new Object[] {0L, "n" + id, "m"});
        } else if (op < 76 && !ids.isEmpty()) {
          int id = ids.get(rnd.nextInt(ids.size()));
          s.delete("acc", byId(s, id).id());
          model.remove(id);
        } else if (op < 80) {
          db.vacuum();
        } else if (op < 88) {
          db.heap().prune(relation(), rnd.nextInt(db.storage().bufferPool().blockCount(relation())));
        } else if (op < 92) {
          if (readerView == null) {
            reader.begin(IsolationLevel.REPEATABLE_READ);
            readerView = balances(reader);
          } else {
            assertEquals(readerView, balances(reader), "a REPEATABLE READ view stays put at step " + step);
            if (rnd.nextBoolean()) {
              reader.commit();
              readerView = null;
            }
          }
        } else if (!ids.isEmpty()) {
          int id = ids.get(rnd.nextInt(ids.size()));
          Row r = byId(s, id);
          assertEquals(model.get(id)[0], r.get("bal"), "row " + id);
          assertEquals(model.get(id)[2], s.lookup("acc", "acc_memo", model.get(id)[2]).stream()
              .filter(x -> x.get("id").equals(id)).findFirst().orElseThrow().get("memo"));
        }
      }
      if (readerView != null) {
        assertEquals(readerView, balances(reader));
        reader.commit();
      }
      reader.close();
      for (Map.Entry<Integer, Object[]> e : model.entrySet()) {
        Row r = byId(s, e.getKey());
        assertEquals(e.getValue()[0], r.get("bal"));
        assertEquals(e.getValue()[1], r.get("note"));
        assertEquals(1, s.lookup("acc", "acc_note", e.getValue()[1]).size());
      }
      assertEquals(model.size(), s.scan("acc").size());
      assertConsistent();
      db.vacuum();
      assertConsistent();
    }
  }

  @Test
  void indexOnlyScansSkipThePagesVacuumMarkedAfterHotUpdatesAndFetchOthers() {
    for (int i = 0; i < 30; i++) {
      add(s, i % 10, 1);
    }
    IndexOnlyResult before = s.indexOnlyScan("acc", "acc_note", KeyRange.all(), true);
    assertEquals(10, before.keys().size(), "one key per row, whatever the chain length");
    assertTrue(before.heapFetches() > 0, "the page is not all-visible yet");
    db.vacuum();
    IndexOnlyResult after = s.indexOnlyScan("acc", "acc_note", KeyRange.all(), true);
    assertEquals(0, after.heapFetches(), "a page of redirects and heap-only tuples is all-visible after vacuum");
    assertEquals(before.keys().stream().map(k -> k[0]).toList(), after.keys().stream().map(k -> k[0]).toList());
    // A HOT update clears the bit again; the key still comes out once.
    add(s, 3, 1);
    IndexOnlyResult changed = s.indexOnlyScan("acc", "acc_note", KeyRange.equal("n3"), true);
    assertEquals(1, changed.keys().size());
    assertTrue(changed.heapFetches() > 0);
    assertConsistent();
  }

  private static Map<Integer, Long> balances(Session session) {
    Map<Integer, Long> out = new HashMap<>();
    for (Row r : session.indexScan("acc", "acc_pkey", KeyRange.all(), true)) {
      out.put((Integer) r.get("id"), (Long) r.get("bal"));
    }
    return out;
  }
}
