package dev.parallax.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random WHERE clauses over a two-column index (equality, ranges open or closed at either end,
 * comparisons written either way round, NULL bounds, extra quals, parameters), each run on a table
 * with the index and on an identical table without one: the planner's index bounds must select
 * exactly the rows the plain filter does. A second pass checks joins: each random join query's
 * rows (hash join, parameterised index nested loop, or materialised nested loop, whichever the
 * planner takes) equal a reference nested-loop evaluation in Java.
 */
class SqlIndexDifferentialTest {
  private static final String[] OPS = {"=", "<", "<=", ">", ">="};

  @Test
  void indexScansSelectWhatSeqScansSelect() {
    Random rnd = new Random(20261201);
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession()) {
      s.execute("CREATE TABLE ix (id integer, g integer, h integer)");
      s.execute("CREATE TABLE nx (id integer, g integer, h integer)");
      s.execute("BEGIN");
      for (int i = 0; i < 1500; i++) {
        Integer g = rnd.nextInt(12) == 0 ? null : rnd.nextInt(20);
        Integer h = rnd.nextInt(12) == 0 ? null : rnd.nextInt(30);
        s.execute("INSERT INTO ix VALUES ($1, $2, $3)", i, g, h);
        s.execute("INSERT INTO nx VALUES ($1, $2, $3)", i, g, h);
      }
      s.execute("COMMIT");
      s.execute("CREATE INDEX ix_g_h ON ix (g, h)");
      int indexed = 0;
      for (int q = 0; q < 400; q++) {
        List<String> conds = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
          String col = rnd.nextInt(3) == 0 ? "h" : "g";
          String op = OPS[rnd.nextInt(OPS.length)];
          String value;
          if (rnd.nextInt(15) == 0) {
            value = "NULL";
          } else if (rnd.nextInt(4) == 0) {
            params.add(rnd.nextInt(32) - 1);
            value = "$" + params.size();
          } else {
            value = String.valueOf(rnd.nextInt(32) - 1);
          }
          conds.add(rnd.nextBoolean() ? col + " " + op + " " + value : value + " " + flip(op) + " " + col);
        }
        if (rnd.nextInt(5) == 0) {
          conds.add("id % 3 = 1");
        }
        String where = String.join(" AND ", conds);
        String plan = explain(s, "SELECT id FROM ix WHERE " + where, params.toArray());
        if (plan.contains("Index Scan")) {
          indexed++;
        }
        assertEquals(ids(s, "SELECT id FROM nx WHERE " + where + " ORDER BY id", params.toArray()),
            ids(s, "SELECT id FROM ix WHERE " + where + " ORDER BY id", params.toArray()), where + "\n" + plan);
      }
      assertTrue(indexed > 100, "the index was used for " + indexed + " of 400 queries");
    }
  }

  @Test
  void joinsAgreeWithAReferenceNestedLoop() {
    Random rnd = new Random(7);
    try (Database db = Database.inMemory(DatabaseSettings.defaults().withAutovacuumIntervalMillis(0));
         Session s = db.openSession()) {
      s.execute("CREATE TABLE l (id integer PRIMARY KEY, k integer)");
      s.execute("CREATE TABLE r (id integer, k integer)");
      s.execute("CREATE INDEX r_k ON r (k)");
      List<Integer[]> left = new ArrayList<>();
      List<Integer[]> right = new ArrayList<>();
      s.execute("BEGIN");
      for (int i = 0; i < 60; i++) {
        Integer k = rnd.nextInt(8) == 0 ? null : rnd.nextInt(15);
        left.add(new Integer[] {i, k});
        s.execute("INSERT INTO l VALUES ($1, $2)", i, k);
      }
      for (int i = 0; i < 400; i++) {
        Integer k = rnd.nextInt(8) == 0 ? null : rnd.nextInt(15);
        right.add(new Integer[] {i, k});
        s.execute("INSERT INTO r VALUES ($1, $2)", i, k);
      }
      s.execute("COMMIT");
      String[] types = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"};
      for (int q = 0; q < 60; q++) {
        String type = types[rnd.nextInt(types.length)];
        boolean equi = type.equals("FULL JOIN") || rnd.nextInt(4) != 0;
        int bound = rnd.nextInt(15);
        String on = equi ? "l.k = r.k" : "l.k < r.k";
        boolean filterRight = rnd.nextBoolean();
        String extra = filterRight ? " AND r.id < " + (bound * 25) : "";
        String sql = "SELECT l.id, r.id FROM l " + type + " r ON " + on + extra;
        List<String> expected = reference(left, right, type, equi, filterRight ? bound * 25 : Integer.MAX_VALUE);
        List<String> actual = new ArrayList<>();
        for (Object[] row : s.execute(sql).rows()) {
          actual.add(row[0] + "," + row[1]);
        }
        actual.sort(null);
        assertEquals(expected, actual, sql + "\n" + explain(s, sql));

        // the same condition as [NOT] EXISTS and IN: semi and anti joins pulled up from the subquery
        int below = filterRight ? bound * 25 : Integer.MAX_VALUE;
        String cond = (equi ? "r.k = l.k" : "l.k < r.k") + (filterRight ? " AND r.id < " + below : "");
        for (int form = 0; form < 3; form++) {
          String sub = switch (form) {
            case 0 -> "SELECT l.id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE " + cond + ")";
            case 1 -> "SELECT l.id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE " + cond + ")";
            default -> "SELECT l.id FROM l WHERE l.k IN (SELECT r.k FROM r" + (filterRight ? " WHERE r.id < " + below : "") + ")";
          };
          List<String> want = new ArrayList<>();
          for (Integer[] a : left) {
            boolean any = false;
            for (Integer[] b : right) {
              boolean m = a[1] != null && b[1] != null && (form == 2 || equi ? a[1].equals(b[1]) : a[1] < b[1]) && b[0] < below;
              any |= m;
            }
            if (any == (form != 1)) {
              want.add(String.valueOf(a[0]));
            }
          }
          want.sort(null);
          List<String> got = new ArrayList<>();
          for (Object[] row : s.execute(sub).rows()) {
            got.add(String.valueOf(row[0]));
          }
          got.sort(null);
          assertEquals(want, got, sub + "\n" + explain(s, sub));
        }
      }
    }
  }

  private static List<String> reference(List<Integer[]> left, List<Integer[]> right, String type, boolean equi, int rightIdBelow) {
    List<String> out = new ArrayList<>();
    boolean[] rightMatched = new boolean[right.size()];
    for (Integer[] a : left) {
      boolean matched = false;
      for (int j = 0; j < right.size(); j++) {
        Integer[] b = right.get(j);
        boolean on = a[1] != null && b[1] != null && (equi ? a[1].equals(b[1]) : a[1] < b[1]) && b[0] < rightIdBelow;
        if (on) {
          matched = true;
          rightMatched[j] = true;
          out.add(a[0] + "," + b[0]);
        }
      }
      if (!matched && (type.equals("LEFT JOIN") || type.equals("FULL JOIN"))) {
        out.add(a[0] + ",null");
      }
    }
    if (type.equals("RIGHT JOIN") || type.equals("FULL JOIN")) {
      for (int j = 0; j < right.size(); j++) {
        if (!rightMatched[j]) {
          out.add("null," + right.get(j)[0]);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      default -> op;
    };
  }

  private static List<Object> ids(Session s, String sql, Object[] params) {
    List<Object> out = new ArrayList<>();
    for (Object[] row : s.execute(sql, params).rows()) {
      out.add(row[0]);
    }
    return out;
  }

  private static String explain(Session s, String sql, Object... params) {
    StringBuilder b = new StringBuilder();
    for (Object[] row : s.execute("EXPLAIN " + sql, params).rows()) {
      b.append(Arrays.toString(row)).append('\n');
    }
    return b.toString();
  }
}
