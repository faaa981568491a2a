package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.SqlStatement;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.table.Index;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

/**
 * Binds a parsed statement: queries through {@link QueryBinder}; INSERT / UPDATE / DELETE with
 * their target columns, assignment casts and RETURNING; DDL into the command records the api
 * carries out. Every clause the engine cannot carry out yet is a 0A000 naming it.
 */
public final class StatementBinder {
  private final SqlCatalog catalog;
  private final Params params = new Params();

  public StatementBinder(SqlCatalog catalog) {
    this.catalog = catalog;
  }

  /** The types of the $n parameters, once the statement is bound. */
  public List<ColumnType> paramTypes() {
    return params.resolved();
  }

  public Bound.Query query(Select s) {
    return new QueryBinder(catalog, params).query(s);
  }

  private SqlCatalog.Table table(Table t) {
    if (t.getSchemaName() != null) {
      throw Types.unsupported("schema-qualified names");
    }
    String name = ExprBinder.identifier(t.getName());
    return catalog.table(name).orElseThrow(() ->
        new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
  }

  // ---- DML -------------------------------------------------------------------------------------

  public Bound.Insert insert(Insert ins) {
    if (ins.getWithItemsList() != null && !ins.getWithItemsList().isEmpty()) {
      throw Types.unsupported("WITH");
    }
    if (ins.getConflictAction() != null || ins.getConflictTarget() != null) {
      throw Types.unsupported("INSERT ... ON CONFLICT");
    }
    if (ins.isUseDuplicate() || ins.isUseSet() || ins.isOverriding() || ins.getOutputClause() != null) {
      throw Types.unsupported("this form of INSERT");
    }
    SqlCatalog.Table table = table(ins.getTable());
    List<Integer> targets = new ArrayList<>();
    if (ins.getColumns() != null && !ins.getColumns().isEmpty()) {
      Set<Integer> seen = new LinkedHashSet<>();
      for (Column c : ins.getColumns()) {
        String name = ExprBinder.identifier(c.getColumnName());
        int i = table.columnIndex(name);
        if (i < 0) {
          throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name + "\" of relation \"" + table.name()
              + "\" does not exist");
        }
        if (!seen.add(i)) {
          throw new DatabaseException(SqlState.DUPLICATE_COLUMN, "column \"" + name + "\" specified more than once");
        }
        targets.add(i);
      }
    } else {
      for (int i = 0; i < table.columns().size(); i++) {
        targets.add(i);
      }
    }
    Scope empty = new Scope();
    ExprBinder binder = new ExprBinder(empty, params, "VALUES");
    Select source = ins.getSelect();
    if (source == null) {
      throw Types.unsupported("INSERT ... DEFAULT VALUES");
    }
    List<List<Expr>> rows = null;
    Bound.Query query = null;
    if (source instanceof Values v) {
      rows = new ArrayList<>();
      List<List<Expression>> raw = new ArrayList<>();
      boolean multi = !v.getExpressions().isEmpty() && v.getExpressions().get(0) instanceof ExpressionList<?>;
      if (multi) {
        for (Object row : v.getExpressions()) {
          raw.add(new ArrayList<>((ExpressionList<?>) row));
        }
      } else {
        raw.add(new ArrayList<>(v.getExpressions()));
      }
      for (List<Expression> row : raw) {
        if (row.size() > targets.size()) {
          throw new DatabaseException(SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns");
        }
        if (row.size() < targets.size()) {
          throw new DatabaseException(SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions");
        }
        Expr[] full = new Expr[table.columns().size()];
        for (int i = 0; i < full.length; i++) {
          full[i] = defaultOf(table.columns().get(i));
        }
        for (int k = 0; k < row.size(); k++) {
          int col = targets.get(k);
          SqlCatalog.Column c = table.columns().get(col);
          Expression e = row.get(k);
          if (e instanceof Column d && d.getTable() == null && d.getColumnName().equalsIgnoreCase("default")) {
            continue; // DEFAULT: the column's default, already in place
          }
          full[col] = binder.coerce(binder.bind(e), c.type(), true, "column \"" + c.name() + "\"");
        }
        rows.add(List.of(full));
      }
    } else {
      query = query(source);
      if (query.types().size() > targets.size()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns");
      }
      if (query.types().size() < targets.size()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions");
      }
      for (int k = 0; k < targets.size(); k++) {
        SqlCatalog.Column c = table.columns().get(targets.get(k));
        ColumnType from = query.types().get(k);
        if (!Types.implicit(from, c.type()) && !(Types.numericRank(from) >= 0 && Types.numericRank(c.type()) >= 0)) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "column \"" + c.name() + "\" is of type "
              + c.type().sqlName() + " but expression is of type " + from.sqlName());
        }
      }
    }
    List<String> names = new ArrayList<>();
    List<Expr> returning = returning(ins.getReturningClause(), table, ins.getTable(), names);
    return new Bound.Insert(table, targets, query, rows, returning, names);
  }

  /** What an INSERT puts in a column it does not name: the column's DEFAULT, or NULL. */
  public static Expr defaultOf(SqlCatalog.Column c) {
    return c.defaultValue() != null ? c.defaultValue() : new Expr.Constant(null, c.type());
  }

  /** RETURNING over the table's row (global numbers are the table's positions). */
  private List<Expr> returning(ReturningClause clause, SqlCatalog.Table table, Table ref, List<String> names) {
    if (clause == null) {
      return null;
    }
    Scope scope = new Scope();
    scope.add(ref.getAlias() == null ? table.name() : ExprBinder.identifier(ref.getAlias().getName()), table);
    ExprBinder b = new ExprBinder(scope, params, "RETURNING");
    List<Expr> out = new ArrayList<>();
    for (SelectItem<?> item : clause) {
      Expression e = item.getExpression();
      if (e instanceof AllColumns || e instanceof AllTableColumns) {
        for (int i = 0; i < table.columns().size(); i++) {
          out.add(new Expr.Column(i, table.columns().get(i).type()));
          names.add(table.columns().get(i).name());
        }
      } else {
        out.add(b.bindSettled(e));
        names.add(item.getAlias() != null ? ExprBinder.identifier(item.getAlias().getName()) : QueryBinder.outputName(e));
      }
    }
    return out;
  }

  public Bound.Modify update(Update u) {
    if (u.getFromItem() != null || (u.getJoins() != null && !u.getJoins().isEmpty())
        || (u.getStartJoins() != null && !u.getStartJoins().isEmpty())) {
      throw Types.unsupported("UPDATE ... FROM");
    }
    if (u.getWithItemsList() != null && !u.getWithItemsList().isEmpty()) {
      throw Types.unsupported("WITH");
    }
    if (u.getOrderByElements() != null || u.getLimit() != null || u.getOutputClause() != null) {
      throw Types.unsupported("this form of UPDATE");
    }
    SqlCatalog.Table table = table(u.getTable());
    Scope scope = new Scope();
    scope.add(u.getTable().getAlias() == null ? table.name() : ExprBinder.identifier(u.getTable().getAlias().getName()), table);
    ExprBinder b = new ExprBinder(scope, params, "UPDATE");
    List<Expr> newValues = new ArrayList<>();
    for (int i = 0; i < table.columns().size(); i++) {
      newValues.add(new Expr.Column(i, table.columns().get(i).type()));
    }
    Set<Integer> assigned = new java.util.HashSet<>();
    for (UpdateSet set : u.getUpdateSets()) {
      if (set.getColumns().size() != set.getValues().size()) {
        throw Types.unsupported("multiple-column assignments from a row");
      }
      for (int k = 0; k < set.getColumns().size(); k++) {
        Column c = set.getColumns().get(k);
        String name = ExprBinder.identifier(c.getColumnName());
        int i = table.columnIndex(name);
        if (i < 0) {
          throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name + "\" of relation \"" + table.name()
              + "\" does not exist");
        }
        if (!assigned.add(i)) {
          throw new DatabaseException(SqlState.SYNTAX_ERROR, "multiple assignments to same column \"" + name + "\"");
        }
        Expression e = set.getValues().get(k);
        SqlCatalog.Column col = table.columns().get(i);
        if (e instanceof Column d && d.getTable() == null && d.getColumnName().equalsIgnoreCase("default")) {
          newValues.set(i, new Expr.Constant(null, col.type()));
          continue;
        }
        newValues.set(i, b.in("UPDATE").coerce(b.bind(e), col.type(), true, "column \"" + col.name() + "\""));
      }
    }
    List<Expr> where = u.getWhere() == null ? List.of() : Exprs.conjuncts(b.in("WHERE").bindPredicate(u.getWhere()));
    List<String> names = new ArrayList<>();
    List<Expr> returning = returning(u.getReturningClause(), table, u.getTable(), names);
    return new Bound.Modify(table, where, newValues, returning, names);
  }

  public Bound.Modify delete(Delete d) {
    if ((d.getUsingList() != null && !d.getUsingList().isEmpty()) || (d.getJoins() != null && !d.getJoins().isEmpty())
        || (d.getTables() != null && !d.getTables().isEmpty())) {
      throw Types.unsupported("DELETE ... USING");
    }
    if (d.getWithItemsList() != null && !d.getWithItemsList().isEmpty()) {
      throw Types.unsupported("WITH");
    }
    if (d.getOrderByElements() != null || d.getLimit() != null || d.getOutputClause() != null) {
      throw Types.unsupported("this form of DELETE");
    }
    SqlCatalog.Table table = table(d.getTable());
    Scope scope = new Scope();
    scope.add(d.getTable().getAlias() == null ? table.name() : ExprBinder.identifier(d.getTable().getAlias().getName()), table);
    ExprBinder b = new ExprBinder(scope, params, "WHERE");
    List<Expr> where = d.getWhere() == null ? List.of() : Exprs.conjuncts(b.bindPredicate(d.getWhere()));
    List<String> names = new ArrayList<>();
    List<Expr> returning = returning(d.getReturningClause(), table, d.getTable(), names);
    return new Bound.Modify(table, where, null, returning, names);
  }

  // ---- DDL -------------------------------------------------------------------------------------

  public SqlStatement.CreateTable createTable(CreateTable ct) {
    if (ct.getSelect() != null) {
      throw Types.unsupported("CREATE TABLE ... AS");
    }
    if (ct.getLikeTable() != null || ct.getPartitionOf() != null || ct.getPartitioning() != null || ct.isOrReplace()) {
      throw Types.unsupported("this form of CREATE TABLE");
    }
    if (ct.getCreateOptionsStrings() != null && !ct.getCreateOptionsStrings().isEmpty()) {
      throw Types.unsupported("CREATE " + String.join(" ", ct.getCreateOptionsStrings()).toUpperCase(Locale.ROOT) + " TABLE");
    }
    if (ct.getTableOptionsStrings() != null && !ct.getTableOptionsStrings().isEmpty()) {
      throw Types.unsupported("table options " + String.join(" ", ct.getTableOptionsStrings()));
    }
    if (ct.getTable().getSchemaName() != null) {
      throw Types.unsupported("schema-qualified names");
    }
    String name = ExprBinder.identifier(ct.getTable().getName());
    List<SqlCatalog.Column> columns = new ArrayList<>();
    List<String> primaryKey = new ArrayList<>();
    List<List<String>> uniques = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Expression> defaultTexts = new ArrayList<>();
    List<String[]> checkTexts = new ArrayList<>(); // {name or null, expression text}
    List<Expression> checkExprs = new ArrayList<>();
    if (ct.getColumnDefinitions() == null || ct.getColumnDefinitions().isEmpty()) {
      throw Types.unsupported("tables without columns");
    }
    for (ColumnDefinition cd : ct.getColumnDefinitions()) {
      String col = ExprBinder.identifier(cd.getColumnName());
      names.add(col);
      ColumnType type = Types.named(cd.getColDataType().getDataType(), cd.getColDataType().getArgumentsStringList());
      if (cd.getColDataType().getArrayData() != null && !cd.getColDataType().getArrayData().isEmpty()) {
        throw Types.unsupported("array types");
      }
      boolean notNull = false;
      List<String> raw = cd.getColumnSpecs() == null ? List.of() : cd.getColumnSpecs();
      List<String> specs = raw.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
      Expression defaultText = null;
      String constraintName = null;
      for (int i = 0; i < specs.size(); i++) {
        String s = specs.get(i);
        if (s.equals("not") && i + 1 < specs.size() && specs.get(i + 1).equals("null")) {
          notNull = true;
          i++;
        } else if (s.equals("null")) {
          // nullable, the default
        } else if (s.equals("primary") && i + 1 < specs.size() && specs.get(i + 1).equals("key")) {
          if (!primaryKey.isEmpty()) {
            throw multiplePrimaryKeys(name);
          }
          primaryKey.add(col);
          i++;
        } else if (s.equals("unique")) {
          uniques.add(List.of(col));
        } else if (s.equals("constraint") && i + 1 < specs.size()) {
          constraintName = ExprBinder.identifier(raw.get(++i)); // names the CHECK that follows
        } else if (s.equals("default") && i + 1 < specs.size()) {
          defaultText = parseExpression(raw.get(++i), "DEFAULT of column \"" + col + "\"");
        } else if (s.equals("check") && i + 1 < specs.size()) {
          checkExprs.add(parseExpression(raw.get(++i), "CHECK"));
          checkTexts.add(new String[] {constraintName});
          constraintName = null;
        } else if (s.startsWith("references")) {
          throw Types.unsupported("foreign keys");
        } else if (s.equals("generated") || s.equals("collate")) {
          throw Types.unsupported(s.toUpperCase(Locale.ROOT));
        } else {
          throw Types.unsupported("column option " + String.join(" ", specs.subList(i, specs.size())));
        }
      }
      columns.add(new SqlCatalog.Column(col, type, notNull));
      defaultTexts.add(defaultText);
    }
    if (ct.getIndexes() != null) {
      for (Index ix : ct.getIndexes()) {
        if (ix instanceof net.sf.jsqlparser.statement.create.table.CheckConstraint cc) {
          checkExprs.add(cc.getExpression());
          checkTexts.add(new String[] {cc.getName() == null ? null : ExprBinder.identifier(cc.getName())});
          continue;
        }
        if (ix instanceof net.sf.jsqlparser.statement.create.table.ForeignKeyIndex) {
          throw Types.unsupported("foreign keys");
        }
        String type = ix.getType() == null ? "" : ix.getType().toLowerCase(Locale.ROOT);
        List<String> cols = ix.getColumnsNames().stream().map(ExprBinder::identifier).toList();
        for (String c : cols) {
          if (!names.contains(c)) {
            throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + c + "\" named in key does not exist");
          }
        }
        if (type.equals("primary key")) {
          if (!primaryKey.isEmpty()) {
            throw multiplePrimaryKeys(name);
          }
          primaryKey.addAll(cols);
        } else if (type.equals("unique") || type.equals("unique key")) {
          uniques.add(cols);
        } else {
          throw Types.unsupported("table constraint " + ix);
        }
      }
    }
    // DEFAULTs: expressions without columns, of (or assignable to) the column's type.
    List<SqlCatalog.Column> withDefaults = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      SqlCatalog.Column c = columns.get(i);
      Expression d = defaultTexts.get(i);
      Expr value = null;
      if (d != null) {
        ExprBinder b = new ExprBinder(new Scope(), params, "DEFAULT");
        value = b.coerce(b.bind(d), c.type(), true, "column \"" + c.name() + "\"");
      }
      withDefaults.add(new SqlCatalog.Column(c.name(), c.type(), c.notNull(), value));
    }
    // CHECKs: predicates over the new table's columns (the catalog names the unnamed ones).
    List<SqlStatement.Check> checks = new ArrayList<>();
    if (!checkExprs.isEmpty()) {
      Scope scope = new Scope();
      scope.add(name, new SqlCatalog.Table(name, -1, columns, List.of(), 1));
      ExprBinder b = new ExprBinder(scope, params, "CHECK");
      for (int i = 0; i < checkExprs.size(); i++) {
        checks.add(new SqlStatement.Check(checkTexts.get(i)[0], b.bindPredicate(checkExprs.get(i))));
      }
    }
    return new SqlStatement.CreateTable(name, withDefaults, primaryKey, uniques, ct.isIfNotExists(), checks);
  }

  private static Expression parseExpression(String text, String what) {
    try {
      return net.sf.jsqlparser.parser.CCJSqlParserUtil.parseExpression(text);
    } catch (net.sf.jsqlparser.JSQLParserException e) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, "syntax error in " + what + ": " + text);
    }
  }

  private static DatabaseException multiplePrimaryKeys(String table) {
    return new DatabaseException("42P16", "multiple primary keys for table \"" + table + "\" are not allowed");
  }

  public SqlStatement.CreateIndex createIndex(CreateIndex ci) {
    Index ix = ci.getIndex();
    if (ci.isConcurrently()) {
      throw Types.unsupported("CREATE INDEX CONCURRENTLY");
    }
    if (ix.getUsing() != null && !ix.getUsing().equalsIgnoreCase("btree")) {
      throw Types.unsupported("index method " + ix.getUsing());
    }
    if (ci.getWhere() != null) {
      throw Types.unsupported("partial indexes");
    }
    if (ci.getIncludeColumns() != null && !ci.getIncludeColumns().isEmpty()) {
      throw Types.unsupported("INCLUDE");
    }
    SqlCatalog.Table table = table(ci.getTable());
    List<String> cols = new ArrayList<>();
    for (String c : ix.getColumnsNames()) {
      if (c.contains("(") || c.contains(" ")) {
        throw Types.unsupported("index expressions and ordering options");
      }
      String col = ExprBinder.identifier(c);
      if (table.columnIndex(col) < 0) {
        throw new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + col + "\" does not exist");
      }
      cols.add(col);
    }
    boolean unique = ix.getType() != null && ix.getType().toLowerCase(Locale.ROOT).contains("unique");
    String name = ix.getName() == null ? null : ExprBinder.identifier(ix.getName());
    return new SqlStatement.CreateIndex(name, table.name(), cols, unique, ci.isUsingIfNotExists());
  }

  public SqlStatement drop(Drop d) {
    if (d.getParameters() != null) {
      for (String p : d.getParameters()) {
        if (p.equalsIgnoreCase("cascade")) {
          throw Types.unsupported("DROP ... CASCADE");
        }
        if (!p.equalsIgnoreCase("restrict")) {
          throw Types.unsupported("DROP option " + p);
        }
      }
    }
    List<String> names = new ArrayList<>();
    List<Table> tables = d.getNames() != null && !d.getNames().isEmpty() ? d.getNames() : List.of(d.getName());
    for (Table t : tables) {
      if (t.getSchemaName() != null) {
        throw Types.unsupported("schema-qualified names");
      }
      names.add(ExprBinder.identifier(t.getName()));
    }
    String type = d.getType().toLowerCase(Locale.ROOT);
    if (type.equals("table")) {
      return new SqlStatement.DropTable(names, d.isIfExists());
    }
    if (type.equals("index")) {
      return new SqlStatement.DropIndex(names, d.isIfExists());
    }
    throw Types.unsupported("DROP " + d.getType().toUpperCase(Locale.ROOT));
  }
}
