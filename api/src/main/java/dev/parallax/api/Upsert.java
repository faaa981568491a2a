package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.mvcc.HeapResult;
import dev.parallax.mvcc.HeapTuple;
import dev.parallax.mvcc.Tid;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import dev.parallax.storage.btree.BTree;
import dev.parallax.txn.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * INSERT ... ON CONFLICT for one proposed row.
 *
 * <h2>Check, then insert, as one step</h2>
 * PostgreSQL pre-checks the arbiter indexes, inserts a "speculative" heap tuple, inserts its index
 * entries re-checking, and kills the tuple again if a conflict appeared in between (others wait
 * on its speculative token, not on the whole transaction). We need none of that: every unique
 * insert of a key into a B+tree, plain ({@link BTree#insertUnique}) or ours ({@link
 * BTree#insertUniqueDeferred}), holds the tree's striped lock for that key across its check of
 * the existing entries and its own entry's insertion. We take the stripes of every arbiter index
 * (nested, in the table's index order, so two upserts cannot deadlock on them; plain inserts take
 * one stripe at a time and never nest), check each arbiter for a live conflicting entry, and only
 * when all pass make the heap tuple and put its arbiter entries in, still under the stripes. So:
 *
 * <ul>
 *   <li>No other inserter (of any kind) of the key can pass its check between our check and our
 *       entry, nor we between theirs: for one key the check-and-insert steps are totally ordered.
 *   <li>An entry whose inserter (or deleter) is still running is not decided: we release the
 *       stripes, wait for that transaction's end (a lock-manager wait: deadlock detection,
 *       timeouts) and start again. If it aborted, the entry is dead and we insert; if it committed,
 *       the row is live and we take the conflict path. Hence never a 23505 on an arbiter, and never
 *       a lost row.
 *   <li>A conflicting row never costs a heap tuple, so nobody ever waits on a tuple that is about
 *       to be killed (what speculative tokens exist for).
 * </ul>
 * The heap insert under the stripes waits for no transaction (only page latches and the log), so
 * holding the stripes over it cannot deadlock. Indexes that are not arbiters get their entries
 * afterwards as in a plain insert (a conflict there is a 23505, as in PostgreSQL).
 *
 * <h2>DO UPDATE</h2>
 * The conflicting version is locked. Locked: its newest committed values (under READ COMMITTED
 * possibly not visible to the statement's snapshot; under REPEATABLE READ that is a 40001) go to
 * the SET / WHERE callback and the new row is written over the locked version. Held by a running
 * transaction: wait for it and start again from the check. Updated or deleted by a committed
 * transaction meanwhile: 40001 under REPEATABLE READ, otherwise start again from the check (the
 * newer version may hold another key). A version inserted or updated by this same statement is
 * 21000, since the outcome would depend on the order of the proposed rows.
 */
final class Upsert {
  private final Database db;
  private final Transaction t;
  private final Table table;
  private final ColumnType[] types;

  Upsert(Database db, Transaction t, Table table) {
    this.db = db;
    this.t = t;
    this.table = table;
    this.types = table.types();
  }

  /** The unique indexes named (empty: every unique index), in the table's index order. */
  List<Index> arbiters(List<String> names) {
    List<Index> out = new ArrayList<>();
    for (Index idx : table.indexes()) {
      if (idx.unique() && (names.isEmpty() || names.contains(idx.name()))) {
        out.add(idx);
      }
    }
    for (String n : names) {
      if (out.stream().noneMatch(i -> i.name().equals(n))) {
        throw new DatabaseException(SqlState.UNDEFINED_OBJECT, "unique index \"" + n + "\" for table \"" + table.name()
            + "\" does not exist");
      }
    }
    return out;
  }

  /** What one pass of the check found. */
  private static final class Probe {
    long waitFor;
    Tid conflict;
    Tid inserted;
  }

  Object[] run(Object[] row, List<Index> arbiters, UnaryOperator<Object[]> onConflict) {
    CheckConstraints.of(table).enforce(row);
    byte[] data = RowValues.encode(table, row);
    List<Index> checked = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (Index idx : arbiters) {
      Object[] values = IndexMaintenance.keyValues(table, idx, row);
      if (!IndexMaintenance.hasNull(values)) { // a key with a null conflicts with nothing
        checked.add(idx);
        keys.add(IndexMaintenance.encode(table, idx, values));
      }
    }
    while (true) {
      Probe probe = new Probe();
      probe(checked, keys, 0, data, probe);
      if (probe.inserted != null) {
        IndexMaintenance.addEntries(db, t, table, row, probe.inserted, checked);
        return row;
      }
      if (probe.waitFor != 0) {
        db.transactions().waitForEnd(t, probe.waitFor);
        continue;
      }
      if (onConflict == null) {
        checkSnapshotSees(probe.conflict);
        return null;
      }
      Outcome o = update(probe.conflict, onConflict);
      if (!o.retry()) {
        return o.row();
      }
    }
  }

  /** Checks arbiter {@code i} and the ones after it under their stripes; the innermost step inserts. */
  private void probe(List<Index> checked, List<byte[]> keys, int i, byte[] data, Probe probe) {
    if (i == checked.size()) {
      probe.inserted = db.heap().insert(table.relation(), t, data);
      return;
    }
    BTree tree = db.tree(checked.get(i));
    long verdict = tree.insertUniqueDeferred(keys.get(i), existing -> {
      long v = IndexMaintenance.uniqueVerdict(db, t, table, checked.get(i), keys.get(i), existing); // as a plain unique insert decides
      if (v == BTree.CONFLICT) {
        // The entry names a HOT chain's root: act on the member that is the live row.
        Tid named = new Tid(BTree.tidBlock(existing), BTree.tidSlot(existing));
        Tid member = db.versions().dirtyMember(table.relation(), named, t);
        probe.conflict = member != null ? member : named;
      }
      return v;
    }, () -> {
      probe(checked, keys, i + 1, data, probe);
      return probe.inserted == null ? BTree.NO_TID : BTree.tid(probe.inserted.block(), probe.inserted.slot());
    });
    if (verdict != BTree.NO_CONFLICT && verdict != BTree.CONFLICT) {
      probe.waitFor = verdict;
    }
  }

  /**
   * REPEATABLE READ: a conflicting row the transaction's snapshot does not see is a row committed
   * after it began; acting on it (even by doing nothing) would show a change the snapshot hides.
   */
  private void checkSnapshotSees(Tid conflict) {
    if (!t.isolation().usesTransactionSnapshot()) {
      return;
    }
    if (db.heap().fetch(table.relation(), conflict, t.statementSnapshot(), t) != null || insertedHere(conflict)) {
      return;
    }
    throw new DatabaseException(SqlState.SERIALIZATION_FAILURE,
        "could not serialize access due to concurrent update of table \"" + table.name() + "\"");
  }

  private boolean insertedHere(Tid tid) {
    HeapTuple v = db.versions().anyVersion(table.relation(), tid, new int[1]);
    return v != null && t.isCurrentXid(v.xmin());
  }

  private record Outcome(boolean retry, Object[] row) {
    static final Outcome RETRY = new Outcome(true, null);
  }

  private static DatabaseException affectedTwice() {
    return new DatabaseException(SqlState.CARDINALITY_VIOLATION,
        "ON CONFLICT DO UPDATE command cannot affect row a second time");
  }

  /** DO UPDATE on the conflicting version at {@code at}: lock it, then write the callback's row over it. */
  private Outcome update(Tid at, UnaryOperator<Object[]> onConflict) {
    HeapResult r = db.heap().lock(table.relation(), at, t);
    switch (r.code()) {
      case OK:
        break;
      case INVISIBLE:
        if (insertedHere(at)) {
          throw affectedTwice(); // inserted by this statement: the proposed rows hold one key twice
        }
        return Outcome.RETRY; // its inserter aborted after our check
      case SELF_MODIFIED:
        throw affectedTwice();
      case BEING_MODIFIED:
        db.transactions().waitForEnd(t, r.conflictingXid());
        return Outcome.RETRY;
      case UPDATED:
      case DELETED:
        if (t.isolation().usesTransactionSnapshot()) {
          throw new DatabaseException(SqlState.SERIALIZATION_FAILURE, "could not serialize access due to concurrent "
              + (r.code() == HeapResult.Code.UPDATED ? "update" : "delete") + " of table \"" + table.name() + "\"");
        }
        return Outcome.RETRY; // READ COMMITTED: the newer version may hold another key; check again
      default:
        throw new IllegalStateException("unexpected heap result " + r.code());
    }
    checkSnapshotSees(at);
    HeapTuple locked = db.versions().anyVersion(table.relation(), at, new int[1]);
    Object[] newRow = onConflict.apply(locked.values(types));
    if (newRow == null) {
      return new Outcome(false, null); // WHERE not true: the row stays as it is, locked
    }
    CheckConstraints.of(table).enforce(newRow);
    HeapResult u = db.heap().update(table.relation(), at, RowValues.encode(table, newRow), t);
    if (u.code() != HeapResult.Code.OK) {
      throw new IllegalStateException("update of a row locked by this transaction gave " + u.code());
    }
    IndexMaintenance.addEntries(db, t, table, newRow, u.newTid());
    return new Outcome(false, newRow);
  }
}
