package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.SlottedPage;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.btree.BTreeCheck;
import dev.parallax.storage.btree.BTreeCursor;
import dev.parallax.storage.btree.ScanBounds;
import dev.parallax.txn.IsolationLevel;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Consistency of every index with itself and with its table (what {@code bin/parallax check-db}
 * runs): the tree's structure ({@link BTreeCheck}); every entry names a heap slot that holds a
 * version with the entry's key, or a dead line pointer that vacuum has yet to free (an entry
 * naming a free slot would, once the slot is reused, return the wrong row); every version some
 * snapshot may still see has an entry in every index. Meant for a quiet database: run beside
 * writers it may report entries of versions being written.
 */
final class DatabaseCheck {
  private DatabaseCheck() {}

  static CheckReport run(Database db) {
    List<String> problems = new ArrayList<>();
    int indexes = 0;
    long entries = 0;
    Transaction tx = db.transactions().begin(IsolationLevel.READ_COMMITTED, true);
    try {
      for (Table tab : db.catalog().tables(tx)) {
        ColumnType[] types = tab.types();
        for (Index idx : tab.indexes()) {
          indexes++;
          BTree tree = db.tree(idx);
          BTreeCheck.Report r = tree.check();
          for (String p : r.problems()) {
            problems.add("index \"" + idx.name() + "\": " + p);
          }
          Set<Long> present = new HashSet<>();
          BTreeCursor c = tree.scan(ScanBounds.ALL, true);
          int[] state = new int[1];
          while (c.next()) {
            entries++;
            long tid = c.tid();
            present.add(tid);
            Tid at = new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid));
            HeapTuple v = db.versions().anyVersion(tab.relation(), at, state);
            if (v == null) {
              if (state[0] != SlottedPage.DEAD) {
                problems.add("index \"" + idx.name() + "\": entry points at " + at + " of table \"" + tab.name()
                    + "\", which holds no version");
              }
              continue;
            }
            byte[] key = IndexMaintenance.encode(tab, idx, IndexMaintenance.keyValues(tab, idx, v.values(types)));
            if (!Arrays.equals(key, c.key())) {
              problems.add("index \"" + idx.name() + "\": entry for " + at + " of table \"" + tab.name()
                  + "\" has a key that differs from the version's");
            }
          }
          long oldestXmin = db.transactions().oldestXmin();
          db.versions().forEachIndexable(tab.relation(), oldestXmin, tx, (version, live) -> {
            Tid t = version.tid();
            if (!present.contains(BTree.tid(t.block(), t.slot()))) {
              problems.add("index \"" + idx.name() + "\": no entry for version " + t + " of table \"" + tab.name() + "\"");
            }
          });
        }
      }
    } finally {
      tx.commit();
    }
    return new CheckReport(List.copyOf(problems), indexes, entries);
  }
}
