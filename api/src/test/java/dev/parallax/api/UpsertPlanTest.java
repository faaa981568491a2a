package dev.parallax.api;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.assign;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.excluded;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.lt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallax.executor.exec.Explain;
import dev.parallax.executor.exec.QueryCursor;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.OnConflict;
import dev.parallax.executor.plan.Plan;
import dev.parallax.executor.plan.PlanBuilder;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INSERT ... ON CONFLICT in one session: DO NOTHING and DO UPDATE with EXCLUDED, WHERE and
 * RETURNING, arbiter choice, the errors (21000, 23505 off the arbiter, 42P10, 42703, 42704, 42601),
 * EXPLAIN, and random batches against a map.
 */
class UpsertPlanTest {
  static final ColumnType B = ColumnType.BIGINT;
  static final ColumnType I = ColumnType.INTEGER;
  Database db;
  Session s;
  Table t;
  List<ColumnType> types;
  final PlanBuilder b = new PlanBuilder();

  @BeforeEach
  void open() {
    db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
    s = db.openSession();
    s.createTable("u", List.of(Column.of("id", B), Column.of("code", I), Column.of("n", B)), List.of("id"));
    s.createIndex("u_code_key", "u", List.of("code"), true);
    t = s.table("u").orElseThrow();
    types = t.columnTypes();
  }

  @AfterEach
  void close() {
    CheckReport r = db.check();
    db.close();
    assertTrue(r.ok(), r.problems().toString());
  }

  static List<String> drain(QueryCursor c) {
    List<String> out = new ArrayList<>();
    try (c) {
      while (c.next()) {
        out.add(Arrays.toString(c.row()));
      }
    }
    return out;
  }

  Plan upsert(OnConflict oc, Object[]... rows) {
    return b.insertOnConflict(b.values(types, Arrays.asList(rows), List.of(), null), t.relation(), t.name(), types, oc,
        List.of(col(0, B), col(1, I), col(2, B)));
  }

  /** ON CONFLICT (id) DO UPDATE SET n = u.n + EXCLUDED.n [WHERE where]. */
  OnConflict addN(Expr where) {
    return OnConflict.doUpdate(ConflictArbiters.forColumns(t, List.of("id")),
        assign(types, Map.of(2, add(col(2, B), excluded(types, 2)))), where);
  }

  Map<Long, String> table() {
    Map<Long, String> out = new TreeMap<>();
    for (Row r : s.scan("u")) {
      out.put((Long) r.get("id"), r.get("code") + "/" + r.get("n"));
    }
    return out;
  }

  @Test
  void doUpdateSeesTheExistingRowAndExcludedAndReturnsInsertedAndUpdatedRows() {
    s.insert("u", 1L, 10, 5L);
    s.insert("u", 2L, 20, 50L);
    List<String> out = drain(s.run(upsert(addN(null), new Object[] {1L, 11, 7L}, new Object[] {3L, 30, 1L})));
    assertEquals(List.of("[1, 10, 12]", "[3, 30, 1]"), out, "existing code kept, n = 5 + 7; row 3 inserted");
    // WHERE over the existing row: only rows with n < 20 are updated (and returned)
    out = drain(s.run(upsert(addN(lt(col(2, B), lit(20L))), new Object[] {1L, 0, 1L}, new Object[] {2L, 0, 1L})));
    assertEquals(List.of("[1, 10, 13]"), out);
    assertEquals(Map.of(1L, "10/13", 2L, "20/50", 3L, "30/1"), table());
    // SET may read EXCLUDED's other columns and change several columns
    OnConflict take = OnConflict.doUpdate(ConflictArbiters.forConstraint(t, "u_pkey"),
        assign(types, Map.of(1, excluded(types, 1), 2, excluded(types, 2))), null);
    assertEquals(List.of("[2, 21, 0]"), drain(s.run(upsert(take, new Object[] {2L, 21, 0L}))));
  }

  @Test
  void doNothingSkipsConflictsOnAnyUniqueIndexOrOnlyOnItsArbiters() {
    s.insert("u", 1L, 10, 5L);
    List<String> out = drain(s.run(upsert(OnConflict.doNothing(List.of()), new Object[] {1L, 99, 0L},
        new Object[] {2L, 10, 0L}, new Object[] {3L, 30, 0L}, new Object[] {3L, 31, 0L})));
    assertEquals(List.of("[3, 30, 0]"), out, "key 1 and code 10 taken; the second 3 conflicts with the first");
    assertEquals(Map.of(1L, "10/5", 3L, "30/0"), table());
    // arbiter u_pkey only: a conflict on u_code_key is still a unique violation
    DatabaseException e = assertThrows(DatabaseException.class, () -> drain(s.run(upsert(
        OnConflict.doNothing(ConflictArbiters.forColumns(t, List.of("id"))), new Object[] {4L, 10, 0L}))));
    assertEquals(SqlState.UNIQUE_VIOLATION, e.sqlState());
    assertTrue(e.getMessage().contains("u_code_key"), e.getMessage());
    assertEquals(List.of(), drain(s.run(upsert(OnConflict.doNothing(ConflictArbiters.forColumns(t, List.of("id"))),
        new Object[] {1L, 10, 0L}))), "both conflict: the arbiter's wins, nothing happens");
    assertEquals(Map.of(1L, "10/5", 3L, "30/0"), table());
  }

  @Test
  void aRowAffectedTwiceByOneStatementIs21000() {
    s.insert("u", 1L, 10, 5L);
    // the second row conflicts with the version the first one wrote
    DatabaseException e = assertThrows(DatabaseException.class,
        () -> drain(s.run(upsert(addN(null), new Object[] {1L, 0, 1L}, new Object[] {1L, 0, 1L}))));
    assertEquals(SqlState.CARDINALITY_VIOLATION, e.sqlState());
    assertEquals("ON CONFLICT DO UPDATE command cannot affect row a second time", e.getMessage());
    // ... and with the row the first one inserted
    e = assertThrows(DatabaseException.class,
        () -> drain(s.run(upsert(addN(null), new Object[] {7L, 70, 1L}, new Object[] {7L, 71, 1L}))));
    assertEquals(SqlState.CARDINALITY_VIOLATION, e.sqlState());
    assertEquals(Map.of(1L, "10/5"), table(), "both statements rolled back");
    // inside a transaction a later statement may update what an earlier one inserted
    s.begin();
    drain(s.run(upsert(addN(null), new Object[] {7L, 70, 1L})));
    assertEquals(List.of("[7, 70, 3]"), drain(s.run(upsert(addN(null), new Object[] {7L, 0, 2L}))));
    s.commit();
  }

  @Test
  void targetsResolveToUniqueIndexesOrFailWithPostgresCodes() {
    assertEquals(List.of("u_pkey"), ConflictArbiters.forColumns(t, List.of("id")));
    assertEquals(List.of("u_pkey", "u_code_key"), ConflictArbiters.any(t));
    assertEquals(SqlState.INVALID_COLUMN_REFERENCE,
        assertThrows(DatabaseException.class, () -> ConflictArbiters.forColumns(t, List.of("n"))).sqlState());
    assertEquals(SqlState.INVALID_COLUMN_REFERENCE,
        assertThrows(DatabaseException.class, () -> ConflictArbiters.forColumns(t, List.of("id", "code"))).sqlState());
    assertEquals(SqlState.UNDEFINED_COLUMN,
        assertThrows(DatabaseException.class, () -> ConflictArbiters.forColumns(t, List.of("nope"))).sqlState());
    assertEquals(SqlState.UNDEFINED_OBJECT,
        assertThrows(DatabaseException.class, () -> ConflictArbiters.forConstraint(t, "nope")).sqlState());
    assertEquals(SqlState.SYNTAX_ERROR, assertThrows(DatabaseException.class,
        () -> OnConflict.doUpdate(List.of(), assign(types, Map.of()), null)).sqlState());
    assertEquals(SqlState.DATATYPE_MISMATCH, assertThrows(DatabaseException.class,
        () -> upsert(OnConflict.doUpdate(List.of("u_pkey"), assign(types, Map.of(2, col(1, I))), null))).sqlState());
    // an arbiter dropped after the plan was made
    Plan stale = upsert(OnConflict.doNothing(List.of("u_code_key")), new Object[] {1L, 1, 1L});
    s.dropIndex("u_code_key");
    t = s.table("u").orElseThrow();
    assertEquals(SqlState.UNDEFINED_OBJECT, assertThrows(DatabaseException.class, () -> drain(s.run(stale))).sqlState());
    assertEquals(Map.of(), table());
  }

  @Test
  void explainShowsResolutionArbitersAndCounts() {
    s.insert("u", 1L, 10, 5L);
    Plan p = upsert(addN(lt(col(2, B), lit(100L))), new Object[] {1L, 0, 1L}, new Object[] {2L, 20, 1L});
    String plan = Explain.plan(p);
    assertTrue(plan.startsWith("Insert on u"), plan);
    assertTrue(plan.contains("Conflict Resolution: UPDATE\n"), plan);
    assertTrue(plan.contains("Conflict Arbiter Indexes: u_pkey\n"), plan);
    assertTrue(plan.contains("Conflict Filter: ($2 < 100)\n"), plan);
    String analyzed = s.explainAnalyze(p);
    assertTrue(analyzed.contains("Tuples Inserted: 1\n"), analyzed);
    assertTrue(analyzed.contains("Conflicting Tuples: 1\n"), analyzed);
    String nothing = Explain.plan(upsert(OnConflict.doNothing(ConflictArbiters.any(t)), new Object[] {1L, 0, 1L}));
    assertTrue(nothing.contains("Conflict Resolution: NOTHING\n") && nothing.contains("Conflict Arbiter Indexes: u_pkey, u_code_key\n"),
        nothing);
  }

  /**
   * Random batches (keys and codes from small ranges, so conflicts on either index are common) of
   * DO NOTHING on any index, or DO UPDATE on the primary key adding n, against a map. DO UPDATE
   * batches hold distinct keys (a repeated key is 21000, tested above); a DO UPDATE whose code
   * collides with another row's is a 23505 and must leave the table as it was.
   */
  @Test
  void randomBatchesAgreeWithAMap() {
    Random rnd = new Random(20261201);
    Map<Long, long[]> ref = new HashMap<>(); // id -> {code, n}
    for (int round = 0; round < 150; round++) {
      boolean update = rnd.nextBoolean();
      int size = 1 + rnd.nextInt(8);
      List<Object[]> rows = new ArrayList<>();
      java.util.Set<Long> ids = new java.util.HashSet<>();
      while (rows.size() < size) {
        long id = rnd.nextInt(25);
        if (update && !ids.add(id)) {
          continue;
        }
        rows.add(new Object[] {id, rnd.nextInt(40), (long) rnd.nextInt(100)});
      }
      Map<Long, long[]> next = deepCopy(ref);
      List<String> expected = new ArrayList<>();
      boolean fails = false;
      for (Object[] r : rows) {
        long id = (Long) r[0];
        int code = (Integer) r[1];
        long n = (Long) r[2];
        Long codeOwner = ownerOf(next, code);
        if (!update) {
          if (!next.containsKey(id) && codeOwner == null) {
            next.put(id, new long[] {code, n});
            expected.add(Arrays.toString(new Object[] {id, code, n}));
          }
        } else if (next.containsKey(id)) {
          long[] v = next.get(id);
          v[1] += n;
          expected.add(Arrays.toString(new Object[] {id, (int) v[0], v[1]}));
        } else if (codeOwner != null) {
          fails = true;
          break;
        } else {
          next.put(id, new long[] {code, n});
          expected.add(Arrays.toString(new Object[] {id, code, n}));
        }
      }
      Plan p = upsert(update ? addN(null) : OnConflict.doNothing(List.of()), rows.toArray(new Object[0][]));
      if (fails) {
        assertEquals(SqlState.UNIQUE_VIOLATION, assertThrows(DatabaseException.class, () -> drain(s.run(p))).sqlState(),
            "round " + round);
      } else {
        assertEquals(expected, drain(s.run(p)), "round " + round);
        ref = next;
      }
      Map<Long, String> want = new TreeMap<>();
      ref.forEach((k, v) -> want.put(k, v[0] + "/" + v[1]));
      assertEquals(want, table(), "round " + round);
    }
  }

  private static Long ownerOf(Map<Long, long[]> m, int code) {
    for (Map.Entry<Long, long[]> e : m.entrySet()) {
      if (e.getValue()[0] == code) {
        return e.getKey();
      }
    }
    return null;
  }

  private static Map<Long, long[]> deepCopy(Map<Long, long[]> m) {
    Map<Long, long[]> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }
}
