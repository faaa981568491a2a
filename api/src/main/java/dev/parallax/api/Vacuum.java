package dev.parallax.api;

import dev.parallax.mvcc.VacuumStats;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SystemRelations;
import java.util.ArrayList;
import java.util.List;

/**
 * One vacuum pass: for each relation, remove versions dead to every snapshot that can still run
 * (below {@code oldestXmin}), compact pages so the space is reused, and freeze old committed
 * versions; then drop commit-log pages below the oldest unfrozen id, which no tuple needs any more.
 * Runs one at a time per database: two passes over one relation would only repeat
 * work.
 */
final class Vacuum {
  private Vacuum() {}

  /** Vacuums {@code only} (or, if null, every table and the catalog). */
  static VacuumReport run(Database db, List<Table> only) {
    synchronized (db.vacuumLock()) {
      long oldestXmin = db.transactions().oldestXmin();
      List<Integer> relations = new ArrayList<>();
      boolean all = only == null;
      if (all) {
        relations.add(SystemRelations.CATALOG_TABLES);
        try (Session s = db.openSession()) {
          for (Table t : s.tables()) {
            relations.add(t.relation());
          }
        }
      } else {
        for (Table t : only) {
          relations.add(t.relation());
        }
      }
      long removed = 0;
      long frozen = 0;
      long lowestUnfrozen = Long.MAX_VALUE;
      int done = 0;
      for (int relation : relations) {
        if (!db.storage().bufferPool().relationExists(relation)) {
          continue; // dropped meanwhile
        }
        try {
          VacuumStats stats = db.heap().vacuum(relation, oldestXmin);
          removed += stats.removedVersions();
          frozen += stats.frozenVersions();
          lowestUnfrozen = Math.min(lowestUnfrozen, stats.oldestUnfrozenXid());
          done++;
        } catch (DatabaseException e) {
          if (db.storage().bufferPool().relationExists(relation)) {
            throw e;
          }
        }
      }
      if (all && done == relations.size()) {
        // Every surviving tuple below this id is frozen: its commit-log pages are not needed.
        db.transactions().truncateCommitLog(Math.min(lowestUnfrozen, oldestXmin));
      }
      return new VacuumReport(done, removed, frozen, oldestXmin);
    }
  }
}
