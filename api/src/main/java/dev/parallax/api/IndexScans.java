package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.IndexKeyCodec;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.btree.BTreeCursor;
import dev.parallax.storage.btree.ScanBounds;
import dev.parallax.txn.Snapshot;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reading a table through one of its indexes. The tree yields entries in key order; each names a
 * heap version, which the statement's snapshot decides about, exactly as a sequential scan would.
 * A version fetched through an entry is also re-checked to carry the entry's key, which costs one
 * encode and guards against an entry whose slot was reused.
 *
 * <p>An index-only scan takes the key from the entry and skips the heap when the visibility map
 * says the version's page is all-visible (every version there is visible to every snapshot);
 * otherwise it fetches the version to learn whether the snapshot sees it.
 */
final class IndexScans {
  private IndexScans() {}

  static ScanBounds bounds(Table tab, Index idx, KeyRange range) {
    ColumnType[] types = idx.keyTypes(tab);
    byte[] lo = range.lower() == null ? null : IndexKeyCodec.encode(types, range.lower());
    byte[] hi = range.upper() == null ? null : IndexKeyCodec.encode(types, range.upper());
    return new ScanBounds(lo, range.lowerInclusive(), hi, range.upperInclusive());
  }

  static List<Row> rows(Database db, Transaction t, Table tab, Index idx, KeyRange range, boolean forward) {
    ColumnType[] types = tab.types();
    Snapshot snap = t.statementSnapshot();
    BTreeCursor c = db.tree(idx).scan(bounds(tab, idx, range), forward);
    List<Row> out = new ArrayList<>();
    while (c.next()) {
      HeapTuple tuple = visibleVersion(db, t, tab, idx, snap, c);
      if (tuple != null) {
        out.add(new Row(tab, RowId.of(tuple), tuple.values(types)));
      }
    }
    return out;
  }

  /** The version the current entry names if the snapshot sees it and it carries the entry's key. */
  private static HeapTuple visibleVersion(Database db, Transaction t, Table tab, Index idx, Snapshot snap, BTreeCursor c) {
    long tid = c.tid();
    HeapTuple tuple = db.heap().fetch(tab.relation(), new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid)), snap, t);
    if (tuple == null) {
      return null;
    }
    byte[] key = IndexKeyCodec.encode(idx.keyTypes(tab), IndexMaintenance.keyValues(tab, idx, tuple.values(tab.types())));
    return Arrays.equals(key, c.key()) ? tuple : null;
  }

  static IndexOnlyResult keys(Database db, Transaction t, Table tab, Index idx, KeyRange range, boolean forward) {
    ColumnType[] keyTypes = idx.keyTypes(tab);
    Snapshot snap = t.statementSnapshot();
    BTreeCursor c = db.tree(idx).scan(bounds(tab, idx, range), forward);
    List<Object[]> out = new ArrayList<>();
    long heapFetches = 0;
    while (c.next()) {
      if (!db.heap().isAllVisible(tab.relation(), BTree.tidBlock(c.tid()))) {
        heapFetches++;
        if (visibleVersion(db, t, tab, idx, snap, c) == null) {
          continue;
        }
      }
      byte[] key = c.key();
      out.add(IndexKeyCodec.decode(keyTypes, key, 0, key.length));
    }
    return new IndexOnlyResult(out, heapFetches);
  }
}
