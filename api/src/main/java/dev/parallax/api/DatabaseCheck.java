package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.HeapVersions;
import dev.parallax.mvcc.TupleHeader;
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
 * naming a free slot would, once the slot is reused, return the wrong row); an entry names a HOT
 * chain's root (never a heap-only version) and every member some snapshot may still see carries
 * its key; every version some snapshot may still see has an entry in every index (a heap-only
 * version: its root has one). Meant for a quiet database: run beside
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
          long chainHorizon = db.transactions().oldestXmin();
          while (c.next()) {
            entries++;
            long tid = c.tid();
            present.add(tid);
            Tid at = new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid));
            HeapTuple v = db.versions().anyVersion(tab.relation(), at, state);
            List<HeapVersions.ChainMember> chain = v == null && state[0] != SlottedPage.REDIRECT ? List.of()
                : db.versions().chain(tab.relation(), at, chainHorizon);
            if (chain.isEmpty()) {
              if (state[0] != SlottedPage.DEAD) {
                problems.add("index \"" + idx.name() + "\": entry points at " + at + " of table \"" + tab.name()
                    + "\", which holds no version" + (state[0] == SlottedPage.REDIRECT ? " (a redirect to none)" : ""));
              }
              continue;
            }
            if (v != null && (v.infomask() & TupleHeader.HEAP_ONLY) != 0) {
              problems.add("index \"" + idx.name() + "\": entry points at heap-only version " + at + " of table \""
                  + tab.name() + "\"");
            }
            // The entry serves every member of the root's HOT chain some snapshot may see (or, if
            // none, the first): each must carry the entry's key.
            boolean anyLive = chain.stream().anyMatch(m -> !m.dead());
            for (HeapVersions.ChainMember m : chain) {
              if (anyLive && m.dead()) {
                continue;
              }
              byte[] key = IndexMaintenance.encode(tab, idx, IndexMaintenance.keyValues(tab, idx, m.version().values(types)));
              if (!Arrays.equals(key, c.key())) {
                problems.add("index \"" + idx.name() + "\": entry for " + at + " of table \"" + tab.name()
                    + "\" has a key that differs from the version's" + (m.version().tid().equals(at) ? ""
                        : " (heap-only version " + m.version().tid() + ")"));
              }
              if (!anyLive) {
                break;
              }
            }
          }
          long oldestXmin = db.transactions().oldestXmin();
          db.versions().forEachIndexable(tab.relation(), oldestXmin, tx, (version, live, root) -> {
            Tid t = root;
            if (!present.contains(BTree.tid(t.block(), t.slot()))) {
              problems.add("index \"" + idx.name() + "\": no entry for version " + version.tid()
                + (root.equals(version.tid()) ? "" : " (heap-only, root " + root + ")") + " of table \"" + tab.name() + "\"");
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
