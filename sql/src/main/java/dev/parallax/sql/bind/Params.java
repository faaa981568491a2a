package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import java.util.ArrayList;
import java.util.List;

/**
 * The statement's $n parameters and the type each was given by its first typed context
 * ({@code col = $1} makes $1 the column's type); one with no context is text, as PostgreSQL's
 * unknown-typed parameters resolve. A {@code ?} counts as the next number.
 */
final class Params {
  private final List<ColumnType> types = new ArrayList<>();
  private int questionMarks;

  /** The type of $index (1-based), or null if not known yet. */
  ColumnType type(int index) {
    return index <= types.size() ? types.get(index - 1) : null;
  }

  int nextQuestionMark() {
    return ++questionMarks;
  }

  void note(int index) {
    while (types.size() < index) {
      types.add(null);
    }
  }

  /** $index typed {@code t}: a Param of that type if it has none yet, else one cast to {@code t}. */
  Expr typed(int index, ColumnType t) {
    note(index);
    ColumnType known = types.get(index - 1);
    if (known == null) {
      types.set(index - 1, t);
      return new Expr.Param(index - 1, t);
    }
    Expr p = new Expr.Param(index - 1, known);
    return known == t ? p : Types.cast(p, t);
  }

  /** Every parameter's type, text for those no context typed. */
  List<ColumnType> resolved() {
    List<ColumnType> out = new ArrayList<>();
    for (ColumnType t : types) {
      out.add(t == null ? ColumnType.TEXT : t);
    }
    return out;
  }
}
