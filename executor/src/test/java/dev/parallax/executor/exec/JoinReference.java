package dev.parallax.executor.exec;

import static dev.parallax.executor.plan.PlanBuilder.add;
import static dev.parallax.executor.plan.PlanBuilder.col;
import static dev.parallax.executor.plan.PlanBuilder.lit;
import static dev.parallax.executor.plan.PlanBuilder.mod;
import static dev.parallax.executor.plan.PlanBuilder.op;

import dev.parallax.executor.plan.BinaryOp;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random join inputs and the join they should give, computed over Java collections: rows of
 * (k integer, with duplicates and nulls; id integer; pad text), joined on {@code o.k = i.k} and
 * the extra join qual {@code (o.id + i.id) % 5 <> 0}.
 */
final class JoinReference {
  static final List<ColumnType> T = List.of(ColumnType.INTEGER, ColumnType.INTEGER, ColumnType.TEXT);
  static final Expr OUTER_KEY = col(0, ColumnType.INTEGER);
  static final Expr INNER_KEY = col(0, ColumnType.INTEGER);
  /** Over the joined row: outer (k, id, pad), then inner (k, id, pad). */
  static final Expr EXTRA = op(BinaryOp.NE, mod(add(col(1, ColumnType.INTEGER), col(4, ColumnType.INTEGER)), lit(5)), lit(0));

  private JoinReference() {}

  /** {@code n} rows with keys in [0, keys), about one in {@code nullEvery} null; ids from {@code firstId}. */
  static List<Object[]> table(Random rnd, int n, int keys, int nullEvery, int firstId) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Integer k = nullEvery > 0 && rnd.nextInt(nullEvery) == 0 ? null : rnd.nextInt(keys);
      rows.add(new Object[] {k, firstId + i, "pad-" + (firstId + i) + "-" + "x".repeat(rnd.nextInt(20))});
    }
    return rows;
  }

  static boolean extra(Object[] o, Object[] i) {
    return ((Integer) o[1] + (Integer) i[1]) % 5 != 0;
  }

  /** The join's rows as sorted strings. */
  static List<String> join(List<Object[]> outer, List<Object[]> inner, JoinType type) {
    Map<Integer, List<Integer>> byKey = new HashMap<>();
    for (int j = 0; j < inner.size(); j++) {
      if (inner.get(j)[0] != null) {
        byKey.computeIfAbsent((Integer) inner.get(j)[0], k -> new ArrayList<>()).add(j);
      }
    }
    List<String> out = new ArrayList<>();
    boolean[] innerMatched = new boolean[inner.size()];
    Object[] none = new Object[3];
    for (Object[] o : outer) {
      boolean matched = false;
      for (int j : o[0] == null ? List.<Integer>of() : byKey.getOrDefault((Integer) o[0], List.of())) {
        Object[] i = inner.get(j);
        if (extra(o, i)) {
          matched = true;
          innerMatched[j] = true;
          if (type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.RIGHT || type == JoinType.FULL) {
            out.add(row(o, i));
          }
        }
      }
      if (matched && type == JoinType.SEMI
          || !matched && (type == JoinType.ANTI || type == JoinType.LEFT || type == JoinType.FULL)) {
        out.add(row(o, none));
      }
    }
    if (type == JoinType.RIGHT || type == JoinType.FULL) {
      for (int j = 0; j < inner.size(); j++) {
        if (!innerMatched[j]) {
          out.add(row(none, inner.get(j)));
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Any join by its definition: the pairs {@code matches} accepts, for {@code width}-column sides. */
  static List<String> join(List<Object[]> outer, List<Object[]> inner, JoinType type, int width,
      java.util.function.BiPredicate<Object[], Object[]> matches) {
    List<String> out = new ArrayList<>();
    boolean[] innerMatched = new boolean[inner.size()];
    Object[] none = new Object[width];
    for (Object[] o : outer) {
      boolean matched = false;
      for (int j = 0; j < inner.size(); j++) {
        if (matches.test(o, inner.get(j))) {
          matched = true;
          innerMatched[j] = true;
          if (type != JoinType.SEMI && type != JoinType.ANTI) {
            out.add(row(o, inner.get(j)));
          }
        }
      }
      if (matched && type == JoinType.SEMI
          || !matched && (type == JoinType.ANTI || type == JoinType.LEFT || type == JoinType.FULL)) {
        out.add(row(o, none));
      }
    }
    for (int j = 0; j < inner.size() && (type == JoinType.RIGHT || type == JoinType.FULL); j++) {
      if (!innerMatched[j]) {
        out.add(row(none, inner.get(j)));
      }
    }
    out.sort(null);
    return out;
  }

  static String row(Object[] o, Object[] i) {
    Object[] r = new Object[o.length + i.length];
    System.arraycopy(o, 0, r, 0, o.length);
    System.arraycopy(i, 0, r, o.length, i.length);
    return Arrays.toString(r);
  }

  /** Every row of a started plan, as sorted strings. */
  static List<String> drainSorted(PlanState s) {
    List<String> out = new ArrayList<>();
    for (TupleSlot r = s.next(); r != null; r = s.next()) {
      out.add(Arrays.toString(r.toArray()));
    }
    out.sort(null);
    return out;
  }

  static boolean allDeleted(TempFiles files) {
    return files.created().stream().noneMatch(java.nio.file.Files::exists);
  }
}
