package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.DirtyCheck;
import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.IndexKeyCodec;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.btree.BTree;
import dev.parallax.storage.btree.BTreeBuild;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keeping a table's indexes in step with its heap: every new row version (insert, or update,
 * which makes a new version) gets an entry in every index, except the heap-only version of a HOT
 * update (no index key changed, same page: the root's entries lead to it through the chain);
 * deletes add nothing (the entry stays until vacuum removes it with the dead version).
 *
 * <p>Unique indexes: before the entry goes in, every existing entry with the same key is checked
 * against the heap with a dirty read. A live version is a violation (23505); one being inserted or
 * deleted by a running transaction means waiting for that transaction (through its id lock, so the
 * wait takes part in deadlock detection) and checking again. Keys with a null are never in
 * conflict (NULLS DISTINCT, PostgreSQL's default).
 */
final class IndexMaintenance {
  private IndexMaintenance() {}

  /**
   * Whether an update from {@code oldRow} to {@code newRow} may be a HOT update: every index's
   * encoded key is unchanged (the bytes an index compares and a fetch re-checks), so the entries
   * of the chain's root stay right for the new version and none need adding.
   */
  static boolean hotAllowed(Table tab, Object[] oldRow, Object[] newRow) {
    for (Index idx : tab.indexes()) {
      if (!Arrays.equals(encode(tab, idx, keyValues(tab, idx, oldRow)), encode(tab, idx, keyValues(tab, idx, newRow)))) {
        return false;
      }
    }
    return true;
  }

  /** After an update: the new version's entries, unless it is heap-only (a HOT update needs none). */
  static void addEntriesAfterUpdate(Database db, Transaction t, Table tab, Object[] row, HeapResult r) {
    if (!r.heapOnly()) {
      addEntries(db, t, tab, row, r.newTid());
    }
  }

  /** Adds the entries of the new version {@code tid} holding {@code row} to every index of the table. */
  static void addEntries(Database db, Transaction t, Table tab, Object[] row, Tid tid) {
    addEntries(db, t, tab, row, tid, List.of());
  }

  /** As above, but for the indexes not in {@code done} (an upsert has put its arbiters' entries in already). */
  static void addEntries(Database db, Transaction t, Table tab, Object[] row, Tid tid, List<Index> done) {
    for (Index idx : tab.indexes()) {
      if (done.contains(idx)) {
        continue;
      }
      Object[] values = keyValues(tab, idx, row);
      byte[] key = encode(tab, idx, values);
      BTree tree = db.tree(idx);
      long packed = BTree.tid(tid.block(), tid.slot());
      if (!idx.unique() || hasNull(values)) {
        tree.insert(key, packed);
        continue;
      }
      while (true) {
        long verdict = tree.insertUnique(key, packed, existing -> uniqueVerdict(db, t, tab, idx, key, existing));
        if (verdict == BTree.NO_CONFLICT) {
          break;
        }
        if (verdict == BTree.CONFLICT) {
          throw new DatabaseException(SqlState.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \""
              + idx.name() + "\": Key " + describe(idx, values) + " already exists.");
        }
        db.transactions().waitForEnd(t, verdict);
      }
    }
  }

  /**
   * Whether the entry at {@code existing}, found under {@code key} in {@code idx}, blocks a unique
   * insert of the key: see the class comment.
   *
   * <p>Only a version that carries {@code key} counts. {@code BTree.insertUnique} reads the key's
   * entries and then checks them with no index latch held, so vacuum may meanwhile remove an
   * entry whose version was dead (phase 2), free its slot (phase 3), and an insert or update may
   * put an unrelated row there; the entry read earlier then names that row. Judged as ours, it
   * gave a 23505 for a key nobody held, or a wait for a transaction that never touched the key
   * (seen in ConcurrentIncrementTest with autovacuum every 5 ms). Versions never change their
   * values in place, so a version whose key differs is not the one the entry was made for, and
   * that one was dead. A version that does carry the key is a real holder of it (its own entry
   * exists or is being added), so judging it is right even when the entry we read was stale.
   * PostgreSQL avoids the case differently: it checks the heap while holding the leaf page, and
   * vacuum must lock every leaf page before it can free a slot.
   */
  static long uniqueVerdict(Database db, Transaction t, Table tab, Index idx, byte[] key, long existing) {
    ColumnType[] types = tab.types();
    DirtyCheck d = db.versions().dirty(tab.relation(), new Tid(BTree.tidBlock(existing), BTree.tidSlot(existing)), t,
        version -> Arrays.equals(IndexKeyCodec.encode(idx.keyTypes(tab), keyValues(tab, idx, version.values(types))), key));
    if (d == null || !d.visible()) {
      return BTree.NO_CONFLICT;
    }
    if (d.xminInProgress() != 0) {
      return d.xminInProgress();
    }
    if (d.xmaxInProgress() != 0) {
      return d.xmaxInProgress();
    }
    return BTree.CONFLICT;
  }

  static Object[] keyValues(Table tab, Index idx, Object[] row) {
    int[] pos = idx.positions(tab);
    Object[] values = new Object[pos.length];
    for (int i = 0; i < pos.length; i++) {
      values[i] = row[pos[i]];
    }
    return values;
  }

  /** The encoded key; 54000 naming the index if it is too large for a B+tree page. */
  static byte[] encode(Table tab, Index idx, Object[] values) {
    byte[] key = IndexKeyCodec.encode(idx.keyTypes(tab), values);
    if (key.length > BTree.maxKeySize()) {
      throw new DatabaseException(SqlState.PROGRAM_LIMIT_EXCEEDED, "index row size " + key.length
          + " exceeds maximum " + BTree.maxKeySize() + " for index \"" + idx.name() + "\"");
    }
    return key;
  }

  static boolean hasNull(Object[] values) {
    for (Object v : values) {
      if (v == null) {
        return true;
      }
    }
    return false;
  }

  /** PostgreSQL's way of naming a key in a message: {@code (a, b)=(1, x)}. */
  static String describe(Index idx, Object[] values) {
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      v.append(i == 0 ? "" : ", ").append(values[i] instanceof byte[] b ? Arrays.toString(b) : String.valueOf(values[i]));
    }
    return "(" + String.join(", ", idx.columns()) + ")=(" + v + ")";
  }

  private record Entry(byte[] key, long tid, boolean live, boolean hasNull, Object[] values) {}

  /**
   * Builds {@code idx} over every version of the table that a snapshot may still see, sorted and
   * written bottom-up. The caller holds a SHARE lock on the table, so no other transaction is
   * writing it: a version is either committed or the caller's own. For a unique index, two live
   * versions with one key (no nulls) fail the build with 23505.
   */
  static BTree build(Database db, Transaction t, Table tab, Index idx) {
    ColumnType[] types = tab.types();
    List<Entry> entries = new ArrayList<>();
    long oldestXmin = db.transactions().oldestXmin();
    java.util.Map<Long, Integer> chainEntry = new java.util.HashMap<>();
    db.versions().forEachIndexable(tab.relation(), oldestXmin, t, (version, live, root) -> {
      Object[] values = keyValues(tab, idx, version.values(types));
      byte[] key = encode(tab, idx, values);
      long rootTid = BTree.tid(root.block(), root.slot());
      Integer at = chainEntry.putIfAbsent(rootTid, entries.size());
      if (at != null) {
        Entry before = entries.get(at);
        // Another version of the same HOT chain: one entry (naming the root) serves both, which
        // needs the same key. A chain whose versions some snapshot still sees with different
        // values of the new index's columns (a "broken" chain) would need PostgreSQL's
        // not-usable-by-older-snapshots marking, which we do not have.
        if (!Arrays.equals(before.key(), key)) {
          throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "cannot create index \"" + idx.name()
              + "\" while a transaction may still see an older version of a row of \"" + tab.name()
              + "\" with other values in the index's columns (changed by a heap-only update); retry when it ends");
        }
        if (live && !before.live()) {
          entries.set(at, new Entry(before.key(), before.tid(), true, before.hasNull(), before.values()));
        }
        return;
      }
      entries.add(new Entry(key, rootTid, live, hasNull(values), idx.unique() ? values : null));
    });
    entries.sort((a, b) -> {
      int c = Arrays.compareUnsigned(a.key(), b.key());
      return c != 0 ? c : Long.compare(a.tid(), b.tid());
    });
    if (idx.unique()) {
      for (int i = 0; i < entries.size(); ) {
        int j = i;
        int live = 0;
        while (j < entries.size() && Arrays.equals(entries.get(j).key(), entries.get(i).key())) {
          live += entries.get(j).live() ? 1 : 0;
          j++;
        }
        if (live > 1 && !entries.get(i).hasNull()) {
          throw new DatabaseException(SqlState.UNIQUE_VIOLATION, "could not create unique index \"" + idx.name()
              + "\": Key " + describe(idx, entries.get(i).values()) + " is duplicated.");
        }
        i = j;
      }
    }
    int[] at = {-1};
    return BTree.build(db.storage().bufferPool(), db.storage().wal(), idx.relation(), new BTreeBuild.SortedEntries() {
      @Override
      public boolean next() {
        return ++at[0] < entries.size();
      }

      @Override
      public byte[] key() {
        return entries.get(at[0]).key();
      }

      @Override
      public long tid() {
        return entries.get(at[0]).tid();
      }
    });
  }
}
