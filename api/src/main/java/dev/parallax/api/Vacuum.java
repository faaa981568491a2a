package dev.parallax.api;

import dev.parallax.mvcc.IndexVacuum;
import dev.parallax.mvcc.VacuumStats;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SystemRelations;
import dev.parallax.storage.btree.BTree;
import dev.parallax.txn.lock.LockMode;
import dev.parallax.txn.lock.LockOwner;
import dev.parallax.txn.lock.LockTag;
import dev.parallax.txn.lock.LockWait;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One vacuum pass: for each relation, remove versions dead to every snapshot that can still run
 * (below {@code oldestXmin}), compact pages so the space is reused, and freeze old committed
 * versions; then drop commit-log pages below the oldest unfrozen id, which no tuple needs any more.
 * Runs one at a time per database: two passes over one relation would only repeat work (and
 * would free each other's dead line pointers while the other still removes their index entries).
 *
 * <p>A table with indexes is vacuumed in three phases (see {@code Heap.vacuum}): its dead versions'
 * line pointers become DEAD, every index drops the entries naming them, and only then are the
 * slots freed for reuse. The table is locked SHARE UPDATE EXCLUSIVE meanwhile, as in PostgreSQL:
 * readers and writers go on, but CREATE INDEX (SHARE) waits, so no index can be built from versions
 * this pass is removing without the pass knowing of it; the table's indexes are read after the lock.
 */
final class Vacuum {
  private Vacuum() {}

  /**
   * Vacuums {@code only} (or, if null, every table and the catalog). {@code waitForLocks}: a
   * table whose lock is not free at once is waited for (VACUUM), or skipped this time
   * (autovacuum, which must not queue behind DDL).
   */
  static VacuumReport run(Database db, List<Table> only, boolean waitForLocks) {
    synchronized (db.vacuumLock()) {
      long oldestXmin = db.transactions().oldestXmin();
      List<Table> tables = new ArrayList<>();
      boolean all = only == null;
      if (all) {
        try (Session s = db.openSession()) {
          tables.addAll(s.tables());
        }
      } else {
        tables.addAll(only);
      }
      long removed = 0;
      long frozen = 0;
      long lowestUnfrozen = Long.MAX_VALUE;
      int done = 0;
      int wanted = tables.size() + (all ? 1 : 0);
      if (all) {
        VacuumStats stats = db.heap().vacuum(SystemRelations.CATALOG_TABLES, oldestXmin);
        removed += stats.removedVersions();
        frozen += stats.frozenVersions();
        lowestUnfrozen = Math.min(lowestUnfrozen, stats.oldestUnfrozenXid());
        done++;
      }
      LockOwner owner = db.transactions().locks().newOwner("vacuum");
      try {
        for (Table t : tables) {
          LockTag tag = LockTag.relation(t.relation());
          if (!db.transactions().locks().acquire(owner, tag, LockMode.SHARE_UPDATE_EXCLUSIVE,
              waitForLocks ? LockWait.BLOCK : LockWait.SKIP_LOCKED)) {
            continue;
          }
          try {
            Optional<Table> now = db.catalog().lookup(t.name(), null);
            if (now.isEmpty() || now.get().relation() != t.relation()
                || !db.storage().bufferPool().relationExists(t.relation())) {
              continue; // dropped meanwhile
            }
            VacuumStats stats = vacuumTable(db, now.get(), oldestXmin);
            removed += stats.removedVersions();
            frozen += stats.frozenVersions();
            lowestUnfrozen = Math.min(lowestUnfrozen, stats.oldestUnfrozenXid());
            done++;
          } catch (DatabaseException e) {
            if (db.storage().bufferPool().relationExists(t.relation())) {
              throw e;
            }
          } finally {
            db.transactions().locks().release(owner, tag, LockMode.SHARE_UPDATE_EXCLUSIVE);
          }
        }
      } finally {
        db.transactions().locks().retire(owner);
      }
      if (all && done == wanted) {
        // Every surviving tuple below this id is frozen: its commit-log pages are not needed.
        db.transactions().truncateCommitLog(Math.min(lowestUnfrozen, oldestXmin));
      }
      return new VacuumReport(done, removed, frozen, oldestXmin);
    }
  }

  private static VacuumStats vacuumTable(Database db, Table t, long oldestXmin) {
    if (t.indexes().isEmpty()) {
      return db.heap().vacuum(t.relation(), oldestXmin);
    }
    List<BTree> trees = new ArrayList<>();
    for (Index idx : t.indexes()) {
      trees.add(db.tree(idx));
    }
    IndexVacuum indexes = dead -> {
      for (BTree tree : trees) {
        tree.bulkDelete(tid -> dead.contains(BTree.tidBlock(tid), BTree.tidSlot(tid)));
      }
    };
    return db.heap().vacuum(t.relation(), oldestXmin, indexes);
  }
}
