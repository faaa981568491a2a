package dev.parallax.sql;

import dev.parallax.executor.plan.Plan;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.bind.Bound;
import dev.parallax.sql.bind.StatementBinder;
import dev.parallax.sql.parse.FrontParser;
import dev.parallax.sql.parse.SqlParser;
import dev.parallax.sql.plan.ModifyPlanner;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.List;
import net.sf.jsqlparser.statement.ExplainStatement;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;

/**
 * The front end's entry point: one statement's text to a {@link SqlStatement}. The front parser
 * takes transaction and utility statements; everything else goes through JSqlParser, the binder
 * ({@code bind}) and the planner ({@code plan}). Statements are compiled against the catalog as
 * the caller sees it; the result says nothing about the session, so it can be cached
 * ({@link PlanCache}) for as long as the catalog's version stays the same.
 */
public final class SqlFrontEnd {
  private SqlFrontEnd() {}

  /** Loads the parsers (JSqlParser's first parse is slow); call at start-up. */
  public static void warmUp() {
    SqlParser.warmUp();
    FrontParser.parse("BEGIN ISOLATION LEVEL REPEATABLE READ");
  }

  public static SqlStatement compile(String sql, SqlCatalog catalog) {
    SqlStatement front = FrontParser.parse(sql);
    if (front != null) {
      return front;
    }
    Statement st = SqlParser.parse(sql);
    return compile(st, catalog);
  }

  private static SqlStatement compile(Statement st, SqlCatalog catalog) {
    StatementBinder binder = new StatementBinder(catalog);
    if (st instanceof Select s) {
      Bound.Query q = binder.query(s);
      Plan plan = new ModifyPlanner().query(q);
      return new SqlStatement.Query(plan, SqlStatement.Kind.SELECT, true, q.names(), q.types(), binder.paramTypes());
    }
    if (st instanceof Insert i) {
      Bound.Insert b = binder.insert(i);
      return dml(new ModifyPlanner().insert(b), SqlStatement.Kind.INSERT, b.returning(), b.returningNames(), binder);
    }
    if (st instanceof Update u) {
      Bound.Modify b = binder.update(u);
      return dml(new ModifyPlanner().modify(b), SqlStatement.Kind.UPDATE, b.returning(), b.returningNames(), binder);
    }
    if (st instanceof Delete d) {
      Bound.Modify b = binder.delete(d);
      return dml(new ModifyPlanner().modify(b), SqlStatement.Kind.DELETE, b.returning(), b.returningNames(), binder);
    }
    if (st instanceof CreateTable ct) {
      return binder.createTable(ct);
    }
    if (st instanceof CreateIndex ci) {
      return binder.createIndex(ci);
    }
    if (st instanceof Drop d) {
      return binder.drop(d);
    }
    if (st instanceof ExplainStatement e) {
      boolean analyze = false;
      if (e.getOptions() != null) {
        for (ExplainStatement.OptionType o : e.getOptions().keySet()) {
          if (o == ExplainStatement.OptionType.ANALYZE) {
            analyze = true;
          } else {
            throw unsupported("EXPLAIN " + o);
          }
        }
      }
      SqlStatement inner = compile(e.getStatement(), catalog);
      if (!(inner instanceof SqlStatement.Query q)) {
        throw unsupported("EXPLAIN of " + inner.tag());
      }
      return new SqlStatement.Explain(q, analyze);
    }
    throw unsupported(st.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(java.util.Locale.ROOT)
        .replace(" STATEMENT", ""));
  }

  private static SqlStatement.Query dml(Plan plan, SqlStatement.Kind kind, List<dev.parallax.executor.plan.Expr> returning,
      List<String> names, StatementBinder binder) {
    if (returning == null) {
      return new SqlStatement.Query(plan, kind, false, List.of(), List.of(), binder.paramTypes());
    }
    List<ColumnType> types = returning.stream().map(dev.parallax.executor.plan.Expr::type).toList();
    return new SqlStatement.Query(plan, kind, true, names, types, binder.paramTypes());
  }

  static DatabaseException unsupported(String what) {
    return new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "feature not supported: " + what);
  }
}
