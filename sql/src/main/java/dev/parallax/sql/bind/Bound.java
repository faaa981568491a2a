package dev.parallax.sql.bind;

import dev.parallax.executor.plan.AggCall;
import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import java.util.List;

/**
 * The bound tree: statements after name resolution and typing, before planning. Expressions are
 * executor {@link Expr}s whose columns are global column numbers of the query's range table (see
 * {@link Exprs}) — except after aggregation, where they are positions of the aggregate's output
 * row (the group keys, then the aggregates), which is what the nodes above an Agg read.
 */
public final class Bound {
  private Bound() {}

  /**
   * A FROM entry under its alias: a base table, or a subquery (a subquery in FROM or a WITH
   * query), then {@code subquery} is set and {@code table} describes its output (no relation,
   * no indexes). Its columns are global numbers {@code offset ..}.
   */
  public record RangeEntry(String alias, SqlCatalog.Table table, int offset, Query subquery) {
    public int width() {
      return table.columns().size();
    }
  }

  /** The FROM clause as a join tree. */
  public sealed interface FromNode permits Rel, Join {}

  public record Rel(int range) implements FromNode {}

  /** {@code left type JOIN right ON on}; comma and CROSS joins are INNER with no ON conjuncts. */
  public record Join(FromNode left, FromNode right, JoinType type, List<Expr> on) implements FromNode {
    public Join {
      on = List.copyOf(on);
    }
  }

  /** A query: a SELECT or a set operation; both have output names and types, ORDER BY and LIMIT. */
  public sealed interface Query permits Select, SetOp, Values {
    List<String> names();

    List<ColumnType> types();
  }

  /**
   * One SELECT. {@code targets} are its output expressions (global columns, or aggregate-output
   * positions when {@code aggregated}); the first {@code visible} are returned, the rest only feed
   * ORDER BY. {@code orderBy} keys are {@link Expr.Column}s naming target positions.
   * {@code limit} -1: none.
   */
  public record Select(List<RangeEntry> range, FromNode from, List<Expr> where, boolean aggregated, List<Expr> groupBy,
      List<AggCall> aggregates, List<Expr> having, List<Expr> targets, List<String> names, int visible,
      boolean distinct, List<SortKey> orderBy, long limit, long offset) implements Query {
    @Override
    public List<ColumnType> types() {
      return targets.subList(0, visible).stream().map(Expr::type).toList();
    }
  }

  /** {@code left UNION [ALL] right} (column types already made equal), then ORDER BY / LIMIT over its output. */
  public record SetOp(Query left, Query right, boolean all, List<String> names, List<ColumnType> types,
      List<SortKey> orderBy, long limit, long offset) implements Query {}

  /** Rows computed at bind time ({@code generate_series} over constants). */
  public record Values(List<Object[]> rows, List<String> names, List<ColumnType> types) implements Query {}

  /**
   * INSERT: either {@code values} (rows of expressions without columns, already in the table's
   * column order, NULL where no value was given) or a {@code source} query whose output column k
   * goes to table column {@code targetColumns[k]} (the planner reshapes its rows, casting for
   * assignment and filling NULLs).
   */
  public record Insert(SqlCatalog.Table table, List<Integer> targetColumns, Query source, List<List<Expr>> values,
      List<Expr> returning, List<String> returningNames) {}

  /**
   * UPDATE (newValues non-null, one per column over the table's current row) or DELETE, of the rows
   * of {@code table} passing {@code where}; RETURNING over the new (DELETE: old) row.
   */
  public record Modify(SqlCatalog.Table table, List<Expr> where, List<Expr> newValues, List<Expr> returning,
      List<String> returningNames) {}
}
