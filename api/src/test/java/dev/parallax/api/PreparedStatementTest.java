package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prepared statements: parameters typed by context, plans cached and made again when the catalog changes. */
class PreparedStatementTest {
  Database db;
  Session s;

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.execute("CREATE TABLE p (id bigint, g integer, v text)");
    for (int i = 0; i < 600; i++) {
      s.execute("INSERT INTO p VALUES ($1, $2, $3)", i, i % 50, "v" + i);
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static String plan(Session s, String sql, Object... params) {
    StringBuilder out = new StringBuilder();
    for (Object[] row : s.execute("EXPLAIN " + sql, params).rows()) {
      out.append(row[0]).append('\n');
    }
    return out.toString();
  }

  @Test
  void parametersTakeTheirTypesFromContext() {
    PreparedStatement ps = s.prepare("SELECT v FROM p WHERE id = $1 AND g < $2");
    assertEquals(List.of(ColumnType.BIGINT, ColumnType.INTEGER), ps.parameterTypes());
    SqlResult r = ps.execute(7, 10); // an int for the bigint parameter is converted
    assertEquals(1, r.rows().size());
    assertEquals("v7", r.get(0, 0));
    assertEquals("SELECT 1", r.commandTag());
    assertEquals(SqlState.PROTOCOL_VIOLATION, assertThrows(DatabaseException.class, () -> ps.execute(7)).sqlState());
    assertEquals(SqlState.DATATYPE_MISMATCH, assertThrows(DatabaseException.class, () -> ps.execute("x", 1)).sqlState());
  }

  @Test
  void aPreparedStatementIsPlannedAgainAfterCreateIndex() {
    PreparedStatement ps = s.prepare("SELECT v FROM p WHERE id = $1");
    assertEquals("v42", ps.execute(42L).get(0, 0));
    assertEquals(1, ps.plannings());
    assertEquals("v43", ps.execute(43L).get(0, 0));
    assertEquals(1, ps.plannings(), "same catalog: the plan is reused");
    assertTrue(plan(s, "SELECT v FROM p WHERE id = $1", 1L).contains("Seq Scan on p"));

    s.execute("CREATE UNIQUE INDEX p_id ON p (id)");
    assertEquals("v44", ps.execute(44L).get(0, 0));
    assertEquals(2, ps.plannings(), "the index changed the catalog: planned again");
    assertTrue(plan(s, "SELECT v FROM p WHERE id = $1", 1L).contains("Index Scan using p_id on p"),
        plan(s, "SELECT v FROM p WHERE id = $1", 1L));

    s.execute("DROP INDEX p_id");
    assertEquals("v45", ps.execute(45L).get(0, 0));
    assertEquals(3, ps.plannings());
  }

  @Test
  void aPreparedStatementOnADroppedTableFailsAndWorksAgainWhenItIsBack() {
    PreparedStatement ps = s.prepare("SELECT count(*) FROM p");
    assertEquals(600L, ps.execute().get(0, 0));
    s.execute("DROP TABLE p");
    DatabaseException e = assertThrows(DatabaseException.class, ps::execute);
    assertEquals(SqlState.UNDEFINED_TABLE, e.sqlState());
    s.execute("CREATE TABLE p (id bigint)");
    s.execute("INSERT INTO p VALUES (1), (2)");
    assertEquals(2L, ps.execute().get(0, 0), "planned against the new table");
  }

  @Test
  void executeCachesPlansByTextUntilTheCatalogChanges() {
    String sql = "SELECT count(*) FROM p WHERE g = 3";
    assertEquals(12L, s.execute(sql).get(0, 0));
    assertTrue(s.sql().cached(sql));
    s.execute("CREATE INDEX ON p (g)");
    assertTrue(!s.sql().cached(sql), "a catalog change makes the cached plan stale");
    assertEquals(12L, s.execute(sql).get(0, 0));
    assertTrue(s.sql().cached(sql));
  }

  @Test
  void aSavepointRollbackOfAnIndexIsNotUsedByACachedPlan() {
    String sql = "SELECT count(*) FROM p WHERE g = 4";
    s.execute("BEGIN");
    s.execute("SAVEPOINT a");
    s.execute("CREATE INDEX p_g ON p (g)");
    assertEquals(12L, s.execute(sql).get(0, 0));
    s.execute("ROLLBACK TO SAVEPOINT a");
    s.execute("INSERT INTO p VALUES (1000, 4, 'new')");
    assertEquals(13L, s.execute(sql).get(0, 0), "the row inserted after the rollback is found (no use of the undone index)");
    s.execute("COMMIT");
  }
}
