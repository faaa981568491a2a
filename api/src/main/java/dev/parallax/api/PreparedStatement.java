package dev.parallax.api;

import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlStatement;
import java.util.List;

/**
 * A statement parsed and planned once, run many times with different {@code $n} parameters.
 * Each run checks the catalog version its plan was made under and plans again when the catalog
 * has changed since (an index created, a table dropped), so a run never uses a stale plan. Used
 * by one thread at a time, like its session.
 */
public final class PreparedStatement {
  private final SqlSession owner;
  private final String sql;
  private SqlStatement compiled;
  private long version;

  PreparedStatement(SqlSession owner, String sql, SqlStatement compiled, long version) {
    this.owner = owner;
    this.sql = sql;
    this.compiled = compiled;
    this.version = version;
  }

  public String sql() {
    return sql;
  }

  public SqlResult execute(Object... params) {
    return owner.run(this, params);
  }

  /** The parameter types the statement's context gave $1, $2, ... (empty for statements without a plan). */
  public List<ColumnType> parameterTypes() {
    return compiled instanceof SqlStatement.Query q ? q.paramTypes() : List.of();
  }

  /** How many times the statement was planned (1 until the catalog changes). */
  public int plannings() {
    return plannings;
  }

  private int plannings = 1;

  SqlStatement compiled() {
    return compiled;
  }

  long version() {
    return version;
  }

  void replan(SqlStatement s, long v) {
    compiled = s;
    version = v;
    plannings++;
  }
}
