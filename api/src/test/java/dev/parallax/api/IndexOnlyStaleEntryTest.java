package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An index-only scan must not answer from the visibility map for entries it copied before a
 * vacuum removed them: a scan copies a leaf's entries, vacuum then removes a deleted row's
 * entry, frees its slot and marks the page all-visible, and the copied entry would return the
 * deleted row's key. Here the window is opened on purpose: the cursor has read its first row
 * (so the leaf is copied) when the vacuum runs.
 */
class IndexOnlyStaleEntryTest {
  @Test
  void aVacuumBetweenCopyAndVisibilityCheckDoesNotResurrectADeletedKey() {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
        Session s = db.openSession();
        Session other = db.openSession()) {
      Table t = s.createTable("k", List.of(Column.notNull("id", ColumnType.INTEGER), Column.of("v", ColumnType.TEXT)),
          List.of("id"));
      s.begin();
      for (int i = 1; i <= 100; i++) {
        s.insert("k", i, "v" + i);
      }
      s.commit();
      db.vacuum(); // every page all-visible
      other.delete("k", other.lookup("k", "k_pkey", 50).get(0).id()); // clears the bit; committed
      Index pkey = t.index("k_pkey").orElseThrow();
      Plan only = new PlanBuilder().indexScan(t.relation(), t.name(), t.columnTypes(), pkey.relation(), pkey.name(),
          List.of(0), null, true, null, true, true, true, List.of(), null, 100);
      List<Object> ids = new ArrayList<>();
      try (QueryCursor c = s.run(only)) {
        assertTrue(c.next());
        ids.add(c.get(0)); // the leaf's entries, 50's included, are copied now
        VacuumReport r = db.vacuum(); // removes 50's version and entry, marks the page all-visible again
        assertTrue(r.removedVersions() >= 1, "vacuum removed the deleted version");
        while (c.next()) {
          ids.add(c.get(0));
        }
      }
      assertEquals(99, ids.size(), "every live key once");
      assertFalse(ids.contains(50), "the deleted key is not returned: " + ids);
    }
  }
}
