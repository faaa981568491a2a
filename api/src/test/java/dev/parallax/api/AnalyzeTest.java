package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.stats.ColumnStatistics;
import dev.parallax.sql.stats.Selectivity;
import dev.parallax.sql.stats.TableStatistics;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ANALYZE through the session: what it counts (only what its snapshot sees) and what it publishes. */
class AnalyzeTest {
  @Test
  void gathersStatisticsOfTheVisibleRows() {
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
        Session s = db.openSession();
        Session other = db.openSession()) {
      s.createTable("t", List.of(Column.notNull("id", ColumnType.INTEGER), Column.of("color", ColumnType.TEXT),
          Column.of("n", ColumnType.INTEGER)), List.of("id"));
      s.begin();
      for (int i = 0; i < 5000; i++) {
        s.insert("t", i, i % 10 == 0 ? null : i % 3 == 0 ? "red" : "blue", i % 250);
      }
      s.commit();
      // Rows deleted, and rows another transaction has not committed, are not counted.
      RowId gone = s.lookup("t", "t_pkey", 1).get(0).id();
      s.delete("t", gone);
      other.begin();
      other.insert("t", 99_999, "green", 1);
      assertTrue(s.statistics("t").isEmpty(), "nothing before ANALYZE");
      long before = db.statistics().version();

      TableStatistics st = s.analyze("t");
      other.rollback();
      assertEquals(4999, st.rowCount());
      assertEquals(st, s.statistics("t").orElseThrow());
      assertTrue(db.statistics().version() > before);
      assertTrue(st.pages() >= 1);
      ColumnStatistics id = st.column(0);
      assertTrue(id.distinct() < 0, "a key scales with the table");
      ColumnStatistics color = st.column(1);
      assertEquals(0.1, color.nullFraction(), 0.001);
      assertEquals(List.of("blue", "red"), color.mostCommonValues());
      assertEquals(0, Selectivity.equalsValue(color, st.rowCount(), "green"), 0.001);
      ColumnStatistics n = st.column(2);
      assertEquals(250, n.distinctFor(st.rowCount()), 1e-9);
      assertEquals(100.0 / 250, Selectivity.lessThan(n, 100, false), 0.01);
    }
  }

  @Test
  void aMissingTableIsNamed() {
    try (Database db = Database.inMemory(); Session s = db.openSession()) {
      DatabaseException e = assertThrows(DatabaseException.class, () -> s.analyze("nope"));
      assertEquals(SqlState.UNDEFINED_TABLE, e.sqlState());
      assertTrue(e.getMessage().contains("\"nope\""));
      s.createTable("ok", Column.of("a", ColumnType.INTEGER));
      assertEquals(0, s.analyze("ok").rowCount(), "the session stays usable");
    }
  }
}
