package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.btree.BTree;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A unique check reads a key's index entries and then judges each against the heap with no index
 * latch held. In between, vacuum may remove an entry whose version was dead, free its slot, and
 * another row may take the slot: the entry read earlier then names that unrelated row. These
 * tests make that interleaving explicit (vacuum and the reusing insert run inside the check, in
 * the window) and require that such a row is no conflict. Before the fix this was the 23505
 * "Key (k)=(2) already exists" that ConcurrentIncrementTest hit with autovacuum every 5 ms.
 */
class StaleUniqueEntryTest {
  private static Database quietDatabase() {
    return Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
  }

  /** Table c(k primary key, v indexed) with key 1 updated once, not HOT: its first version is dead to everyone. */
  private static Table tableWithDeadVersion(Database db) {
    try (Session s = db.openSession()) {
      Table tab = s.createTable("c", List.of(Column.notNull("k", ColumnType.INTEGER), Column.of("v", ColumnType.BIGINT)),
          List.of("k"));
      // An index on v makes the update below change an indexed column, so it is not HOT and key 1
      // gets a second entry (a HOT update would add none, and leave nothing for vacuum to free).
      s.createIndex("c", List.of("v"), false);
      tab = s.table("c").orElseThrow();
      RowId one = s.insert("c", 1, 0L);
      s.update("c", one, Map.of("v", 1L));
      return tab;
    }
  }

  private static Tid tidOf(long entry) {
    return new Tid(BTree.tidBlock(entry), BTree.tidSlot(entry));
  }

  /** The UPDATE's own unique check, with vacuum and slot reuse happening between lookup and verdict. */
  @Test
  void anUpdateIsNotInConflictWithARowThatTookAFreedSlot() {
    try (Database db = quietDatabase()) {
      Table tab = tableWithDeadVersion(db);
      Index pkey = tab.index("c_pkey").orElseThrow();
      BTree tree = db.tree(pkey);
      byte[] key1 = IndexMaintenance.encode(tab, pkey, new Object[] {1});
      long[] before = tree.lookup(key1);
      assertEquals(2, before.length, "the dead and the live version of key 1");

      Transaction t = db.transactions().begin(IsolationLevel.READ_COMMITTED, false);
      try {
        // UPDATE c SET v = 2 WHERE k = 1, heap part: the new version, whose entry goes in next.
        HeapTuple live = db.heap().latestVersion(tab.relation(), tidOf(before[0]), t.statementSnapshot(), t);
        HeapResult r = db.heap().update(tab.relation(), live.tid(), RowValues.encode(tab, new Object[] {1, 2L}), t);
        assertEquals(HeapResult.Code.OK, r.code());
        Tid newTid = r.newTid();

        List<Tid> judged = new ArrayList<>();
        Tid[] reused = new Tid[1];
        long verdict = tree.insertUnique(key1, BTree.tid(newTid.block(), newTid.slot()), existing -> {
          if (reused[0] == null) {
            // The window: the entries are read. Vacuum frees the dead version's slot (its entry
            // leaves the tree), and an insert of another key takes the slot.
            db.vacuum();
            try (Session other = db.openSession()) {
              RowId two = other.insert("c", 2, 0L);
              reused[0] = new Tid(two.block(), two.slot());
            }
          }
          judged.add(tidOf(existing));
          return IndexMaintenance.uniqueVerdict(db, t, tab, pkey, key1, existing);
        });
        assertTrue(judged.contains(reused[0]), "the check judged the reused slot " + reused[0] + ": " + judged);
        assertEquals(BTree.NO_CONFLICT, verdict, "a key-2 row in a slot once named by a key-1 entry is no conflict");
      } finally {
        t.rollback();
      }
      CheckReport check = db.check();
      assertTrue(check.ok(), check.problems().toString());
    }
  }

  /** The verdict itself: a stale entry naming another key's row is no conflict, the key's own live row is. */
  @Test
  void theVerdictLooksAtTheKeyOfTheVersionItJudges() {
    try (Database db = quietDatabase()) {
      Table tab = tableWithDeadVersion(db);
      Index pkey = tab.index("c_pkey").orElseThrow();
      BTree tree = db.tree(pkey);
      byte[] key1 = IndexMaintenance.encode(tab, pkey, new Object[] {1});
      long[] stale = tree.lookup(key1); // read before vacuum, as a unique check may have
      db.vacuum();
      long[] now = tree.lookup(key1);
      assertEquals(1, now.length, "vacuum removed the dead version's entry");
      long deadEntry = stale[0] == now[0] ? stale[1] : stale[0];
      RowId two;
      try (Session s = db.openSession()) {
        two = s.insert("c", 2, 0L);
      }
      assertEquals(tidOf(deadEntry), new Tid(two.block(), two.slot()), "the insert reused the freed slot");
      byte[] key2 = IndexMaintenance.encode(tab, pkey, new Object[] {2});
      assertArrayEquals(new long[] {deadEntry}, tree.lookup(key2));

      Transaction t = db.transactions().begin(IsolationLevel.READ_COMMITTED, false);
      try {
        t.statementSnapshot();
        assertEquals(BTree.NO_CONFLICT, IndexMaintenance.uniqueVerdict(db, t, tab, pkey, key1, deadEntry),
            "the stale key-1 entry now names the key-2 row");
        assertEquals(BTree.CONFLICT, IndexMaintenance.uniqueVerdict(db, t, tab, pkey, key2, deadEntry),
            "the same slot found under key 2 is key 2's live row");
        assertEquals(BTree.CONFLICT, IndexMaintenance.uniqueVerdict(db, t, tab, pkey, key1, now[0]),
            "key 1's live row");
      } finally {
        t.rollback();
      }
    }
  }
}
