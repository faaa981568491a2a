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

  /** What every entry of one scan is checked with, worked out once per scan rather than per entry. */
  private record Shape(ColumnType[] types, ColumnType[] keyTypes, int[] positions) {
    static Shape of(Table tab, Index idx) {
      return new Shape(tab.types(), idx.keyTypes(tab), idx.positions(tab));
    }
  }

  static List<Row> rows(Database db, Transaction t, Table tab, Index idx, KeyRange range, boolean forward) {
    Shape shape = Shape.of(tab, idx);
    Snapshot snap = t.statementSnapshot();
    BTreeCursor c = db.tree(idx).scan(bounds(tab, idx, range), forward);
    List<Row> out = new ArrayList<>();
    while (c.next()) {
      HeapTuple tuple = fetch(db, t, tab, snap, c);
      Object[] values = tuple == null ? null : valuesWithKey(tuple, shape, c.key());
      if (values != null) {
        out.add(new Row(tab, RowId.of(tuple), values));
      }
    }
    return out;
  }

  private static HeapTuple fetch(Database db, Transaction t, Table tab, Snapshot snap, BTreeCursor c) {
    long tid = c.tid();
    return db.heap().fetch(tab.relation(), new Tid(BTree.tidBlock(tid), BTree.tidSlot(tid)), snap, t);
  }

  /** The version's values (decoded once) if it carries the entry's key, else null (its slot was reused). */
  private static Object[] valuesWithKey(HeapTuple tuple, Shape shape, byte[] entryKey) {
    Object[] values = tuple.values(shape.types());
    Object[] key = new Object[shape.positions().length];
    for (int i = 0; i < key.length; i++) {
      key[i] = values[shape.positions()[i]];
    }
    return Arrays.equals(IndexKeyCodec.encode(shape.keyTypes(), key), entryKey) ? values : null;
  }

  static IndexOnlyResult keys(Database db, Transaction t, Table tab, Index idx, KeyRange range, boolean forward) {
    Shape shape = Shape.of(tab, idx);
    Snapshot snap = t.statementSnapshot();
    BTreeCursor c = db.tree(idx).scan(bounds(tab, idx, range), forward);
    List<Object[]> out = new ArrayList<>();
    long heapFetches = 0;
    while (c.next()) {
      byte[] key = c.key();
      if (!db.heap().isAllVisible(tab.relation(), BTree.tidBlock(c.tid())) || !c.entriesStillCurrent()) {
        heapFetches++;
        HeapTuple tuple = fetch(db, t, tab, snap, c);
        if (tuple == null || valuesWithKey(tuple, shape, key) == null) {
          continue;
        }
      }
      out.add(IndexKeyCodec.decode(shape.keyTypes(), key, 0, key.length));
    }
    return new IndexOnlyResult(out, heapFetches);
  }
}
