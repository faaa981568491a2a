package dev.parallax.sql.bind;

import dev.parallax.executor.plan.Expr;
import dev.parallax.executor.plan.JoinType;
import dev.parallax.executor.plan.SortKey;
import dev.parallax.mvcc.ColumnType;
import dev.parallax.sql.SqlCatalog;
import dev.parallax.sql.SqlCodes;
import dev.parallax.storage.DatabaseException;
import dev.parallax.storage.SqlState;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;

/**
 * Binds SELECT and UNION [ALL]: FROM entries into a {@link Scope} and a join tree, WHERE,
 * aggregation (GROUP BY by expression, output position or output name; HAVING), the select list
 * with {@code *} expanded and PostgreSQL's output names, ORDER BY (output position, output name,
 * or any expression, added as a hidden column), DISTINCT, LIMIT / OFFSET.
 */
final class QueryBinder {
  private final SqlCatalog catalog;
  private final Params params;
  /** The WITH queries in scope by name, each with the ones it can see itself (those before it). */
  private java.util.Map<String, Cte> ctes = java.util.Map.of();

  private record Cte(net.sf.jsqlparser.statement.select.WithItem<?> item, java.util.Map<String, Cte> visible) {}

  QueryBinder(SqlCatalog catalog, Params params) {
    this.catalog = catalog;
    this.params = params;
  }

  Bound.Query query(Select s) {
    if (s.getWithItemsList() != null && !s.getWithItemsList().isEmpty()) {
      java.util.Map<String, Cte> outer = ctes;
      java.util.Map<String, Cte> inner = new java.util.HashMap<>(outer);
      for (net.sf.jsqlparser.statement.select.WithItem<?> w : s.getWithItemsList()) {
        if (w.isRecursive()) {
          throw Types.unsupported("WITH RECURSIVE");
        }
        if (w.getSelect() == null) {
          throw Types.unsupported("data-modifying statements in WITH");
        }
        inner.put(ExprBinder.identifier(w.getAliasName()), new Cte(w, java.util.Map.copyOf(inner)));
      }
      ctes = inner;
      try {
        return queryBody(s);
      } finally {
        ctes = outer;
      }
    }
    return queryBody(s);
  }

  private Bound.Query queryBody(Select s) {
    if (s.getForMode() != null || s.getForUpdateTable() != null || s.getForClause() != null) {
      throw Types.unsupported("SELECT ... FOR UPDATE / SHARE");
    }
    if (s.getFetch() != null) {
      throw Types.unsupported("FETCH FIRST");
    }
    if (s instanceof PlainSelect ps) {
      return select(ps);
    }
    if (s instanceof SetOperationList list) {
      return setOperation(list);
    }
    if (s instanceof ParenthesedSelect p) {
      Bound.Query inner = query(p.getSelect());
      if (p.getOrderByElements() != null || p.getLimit() != null || p.getOffset() != null) {
        return new Bound.SetOp(inner, null, true, inner.names(), inner.types(), outputOrder(p.getOrderByElements(), inner.names(), inner.types()),
            limit(p), offset(p));
      }
      return inner;
    }
    throw Types.unsupported(s.getClass().getSimpleName().replace("Values", "VALUES") + " as a query");
  }

  private Bound.Query setOperation(SetOperationList list) {
    Bound.Query result = query(list.getSelects().get(0));
    for (int i = 0; i < list.getOperations().size(); i++) {
      SetOperation op = list.getOperations().get(i);
      if (!(op instanceof UnionOp)) {
        throw Types.unsupported(op.toString().trim().toUpperCase(java.util.Locale.ROOT));
      }
      Bound.Query right = query(list.getSelects().get(i + 1));
      if (right.types().size() != result.types().size()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "each UNION query must have the same number of columns");
      }
      List<ColumnType> types = new ArrayList<>();
      for (int c = 0; c < right.types().size(); c++) {
        ColumnType t = Types.common(result.types().get(c), right.types().get(c));
        if (t == null) {
          throw new DatabaseException(SqlState.DATATYPE_MISMATCH, "UNION types " + result.types().get(c).sqlName() + " and "
              + right.types().get(c).sqlName() + " cannot be matched");
        }
        types.add(t);
      }
      result = new Bound.SetOp(result, right, op.isAll(), result.names(), types, List.of(), -1, 0);
    }
    List<SortKey> order = outputOrder(list.getOrderByElements(), result.names(), result.types());
    long limit = limit(list);
    long offset = offset(list);
    if (!order.isEmpty() || limit >= 0 || offset > 0) {
      Bound.SetOp top = (Bound.SetOp) result;
      result = new Bound.SetOp(top.left(), top.right(), top.all(), top.names(), top.types(), order, limit, offset);
    }
    return result;
  }

  /** ORDER BY of a set operation: output positions or output names only, as in PostgreSQL. */
  private List<SortKey> outputOrder(List<OrderByElement> elements, List<String> names, List<ColumnType> types) {
    List<SortKey> out = new ArrayList<>();
    if (elements == null) {
      return out;
    }
    for (OrderByElement o : elements) {
      int k = -1;
      if (o.getExpression() instanceof LongValue v) {
        k = position(v, names.size());
      } else if (o.getExpression() instanceof Column c && c.getTable() == null) {
        k = names.indexOf(ExprBinder.identifier(c.getColumnName()));
      }
      if (k < 0) {
        throw Types.unsupported("ORDER BY of a UNION by an expression that is not an output column");
      }
      out.add(sortKey(o, new Expr.Column(k, types.get(k))));
    }
    return out;
  }

  private static int position(LongValue v, int size) {
    long k = v.getValue();
    if (k < 1 || k > size) {
      throw new DatabaseException(SqlCodes.INVALID_COLUMN_REFERENCE, "ORDER BY position " + k + " is not in select list");
    }
    return (int) k - 1;
  }

  private static SortKey sortKey(OrderByElement o, Expr e) {
    boolean desc = !o.isAsc();
    boolean nullsFirst = o.getNullOrdering() == null ? desc : o.getNullOrdering() == OrderByElement.NullOrdering.NULLS_FIRST;
    return new SortKey(e, desc, nullsFirst);
  }

  private Bound.Select select(PlainSelect ps) {
    if (ps.getDistinct() != null && (ps.getDistinct().getOnSelectItems() != null || ps.getDistinct().isUseUnique())) {
      throw Types.unsupported("DISTINCT ON");
    }
    if (ps.getIntoTables() != null) {
      throw Types.unsupported("SELECT INTO");
    }
    if (ps.getWindowDefinitions() != null) {
      throw Types.unsupported("WINDOW");
    }
    Scope scope = new Scope();
    Bound.FromNode from = null;
    ExprBinder onBinder = new ExprBinder(scope, params, "JOIN conditions");
    List<Scope.Named> fromColumns = new ArrayList<>();
    if (ps.getFromItem() != null) {
      int first = addRelation(scope, ps.getFromItem());
      from = new Bound.Rel(first);
      fromColumns.addAll(named(scope.entries.get(first)));
      if (ps.getJoins() != null) {
        for (Join j : ps.getJoins()) {
          from = join(scope, onBinder, from, j, fromColumns);
        }
      }
    }
    ExprBinder binder = onBinder.in("WHERE");
    List<Expr> where = new ArrayList<>();
    List<Expr> semiKeys = new ArrayList<>();
    List<Bound.Query> semiQueries = new ArrayList<>();
    for (Expression c : conjuncts(ps.getWhere())) {
      Bound.FromNode pulled = from == null ? null : pullUp(scope, binder, from, c);
      if (pulled != null) {
        from = pulled;
        continue;
      }
      if (c instanceof InExpression in && in.getRightExpression() instanceof ParenthesedSelect sub && !in.isNot()) {
        // x IN (subquery) as a conjunct of WHERE: a semi join with the subquery (planned below)
        if (from == null) {
          throw Types.unsupported("IN (subquery) without FROM");
        }
        semiKeys.add(binder.bind(in.getLeftExpression()));
        semiQueries.add(uncorrelated(sub));
      } else {
        where.addAll(Exprs.conjuncts(binder.bindPredicate(c)));
      }
    }

    // the select list, with * expanded (still JSqlParser expressions, or bound columns for *)
    List<Object> items = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (SelectItem<?> item : ps.getSelectItems()) {
      Expression e = item.getExpression();
      if (e instanceof AllTableColumns atc) {
        Bound.RangeEntry r = scope.entry(ExprBinder.identifier(atc.getTable().getName()));
        expand(r, items, names);
      } else if (e instanceof AllColumns ac) {
        if (ac.getExceptColumns() != null || ac.getReplaceExpressions() != null) {
          throw Types.unsupported("SELECT * EXCEPT / REPLACE");
        }
        if (fromColumns.isEmpty()) {
          throw new DatabaseException(SqlState.SYNTAX_ERROR, "SELECT * with no tables specified is not valid");
        }
        for (Scope.Named n : fromColumns) {
          items.add(n.expr());
          names.add(n.name());
        }
      } else {
        items.add(e);
        names.add(item.getAlias() != null ? ExprBinder.identifier(item.getAlias().getName()) : outputName(e));
      }
    }

    for (int i = 0; i < semiQueries.size(); i++) {
      Bound.Query q = semiQueries.get(i);
      if (q.types().size() != 1) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "subquery has too many columns");
      }
      // names no query can write, so the entry is invisible to name resolution
      int entry = addSubquery(scope, "\u0001in_subquery_" + (i + 1), q, List.of("\u0001in"));
      Bound.RangeEntry e = scope.entries.get(entry);
      Expr key = binder.compare(dev.parallax.executor.plan.BinaryOp.EQ, semiKeys.get(i),
          new Expr.Column(e.offset(), q.types().get(0)));
      from = new Bound.Join(from, new Bound.Rel(entry), JoinType.SEMI, List.of(key));
    }
    boolean aggregated = ps.getGroupBy() != null || ps.getHaving() != null;
    for (Object i : items) {
      aggregated |= i instanceof Expression x && ExprBinder.containsAggregate(x);
    }
    if (ps.getOrderByElements() != null) {
      for (OrderByElement o : ps.getOrderByElements()) {
        aggregated |= ExprBinder.containsAggregate(o.getExpression());
      }
    }

    List<Expr> groupBy = new ArrayList<>();
    ExprBinder.Grouping grouping = null;
    ExprBinder targetBinder = binder.in("SELECT");
    if (aggregated) {
      if (ps.getGroupBy() != null) {
        GroupByElement g = ps.getGroupBy();
        if (g.getGroupingSets() != null && !g.getGroupingSets().isEmpty()) {
          throw Types.unsupported("GROUPING SETS");
        }
        ExprBinder groupBinder = binder.in("GROUP BY");
        for (Object o : g.getGroupByExpressionList()) {
          Expression ge = (Expression) o;
          Object item = null;
          if (ge instanceof LongValue v) {
            item = items.get(position(v, items.size()));
          } else if (ge instanceof Column c && c.getTable() == null && !scope.resolves(ExprBinder.identifier(c.getColumnName()))
              && names.contains(ExprBinder.identifier(c.getColumnName()))) {
            item = items.get(names.indexOf(ExprBinder.identifier(c.getColumnName())));
          }
          Expr key = item == null ? groupBinder.bindSettled(ge) : item instanceof Expr x ? x : groupBinder.bindSettled((Expression) item);
          if (!groupBy.contains(key)) {
            groupBy.add(key);
          }
        }
      }
      grouping = new ExprBinder.Grouping(groupBy);
      targetBinder = binder.aboveAgg(grouping, "SELECT");
    }

    List<Expr> targets = new ArrayList<>();
    for (Object i : items) {
      Expr t = i instanceof Expr x ? (aggregated ? aboveAggColumn(x, grouping, names.get(targets.size())) : x)
          : targetBinder.bindSettled((Expression) i);
      targets.add(t);
    }
    List<Expr> having = List.of();
    if (ps.getHaving() != null) {
      having = Exprs.conjuncts(binder.aboveAgg(grouping, "HAVING").bindPredicate(ps.getHaving()));
    }
    boolean distinct = ps.getDistinct() != null;
    int visible = targets.size();
    List<SortKey> order = new ArrayList<>();
    if (ps.getOrderByElements() != null) {
      ExprBinder orderBinder = aggregated ? binder.aboveAgg(grouping, "ORDER BY") : binder.in("ORDER BY");
      for (OrderByElement o : ps.getOrderByElements()) {
        Expression oe = o.getExpression();
        int k = -1;
        if (oe instanceof LongValue v) {
          k = position(v, visible);
        } else if (oe instanceof Column c && c.getTable() == null && names.contains(ExprBinder.identifier(c.getColumnName()))
            && names.indexOf(ExprBinder.identifier(c.getColumnName())) == names.lastIndexOf(ExprBinder.identifier(c.getColumnName()))) {
          k = names.indexOf(ExprBinder.identifier(c.getColumnName()));
        } else {
          Expr x = orderBinder.bindSettled(oe);
          k = targets.indexOf(x);
          if (k < 0) {
            if (distinct) {
              throw new DatabaseException(SqlCodes.INVALID_COLUMN_REFERENCE,
                  "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
            }
            targets.add(x);
            k = targets.size() - 1;
          }
        }
        order.add(sortKey(o, new Expr.Column(k, targets.get(k).type())));
      }
    }
    return new Bound.Select(List.copyOf(scope.entries), from, where, aggregated, groupBy,
        grouping == null ? List.of() : List.copyOf(grouping.aggregates), having, targets, names, visible, distinct, order,
        limit(ps), offset(ps));
  }

  /** A column from * in an aggregated query: it must be a GROUP BY key. */
  private static Expr aboveAggColumn(Expr column, ExprBinder.Grouping g, String name) {
    int k = g.keys.indexOf(column);
    if (k < 0) {
      throw new DatabaseException(SqlCodes.GROUPING_ERROR, "column \"" + name
          + "\" must appear in the GROUP BY clause or be used in an aggregate function");
    }
    return new Expr.Column(k, column.type());
  }

  private static List<Scope.Named> named(Bound.RangeEntry r) {
    List<Scope.Named> out = new ArrayList<>();
    for (int i = 0; i < r.width(); i++) {
      SqlCatalog.Column c = r.table().columns().get(i);
      out.add(new Scope.Named(c.name(), new Expr.Column(r.offset() + i, c.type())));
    }
    return out;
  }

  private static void expand(Bound.RangeEntry r, List<Object> items, List<String> names) {
    for (int i = 0; i < r.width(); i++) {
      SqlCatalog.Column c = r.table().columns().get(i);
      items.add(new Expr.Column(r.offset() + i, c.type()));
      names.add(c.name());
    }
  }

  /** PostgreSQL's name for an unaliased output column. */
  static String outputName(Expression e) {
    if (e instanceof Column c) {
      String n = ExprBinder.identifier(c.getColumnName());
      return n.equals("true") || n.equals("false") ? "bool" : n;
    }
    if (e instanceof net.sf.jsqlparser.expression.Function f) {
      return f.getName().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof net.sf.jsqlparser.expression.CastExpression c) {
      return c.getLeftExpression() instanceof Column col ? outputName(col) : c.getColDataType().getDataType().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof net.sf.jsqlparser.expression.BooleanValue) {
      return "bool";
    }
    if (e instanceof net.sf.jsqlparser.expression.CaseExpression) {
      return "case";
    }
    return "?column?";
  }

  /**
   * {@code [NOT] EXISTS (sub)} or {@code x IN (sub)}, ANDed to WHERE, where {@code sub} is a plain
   * SELECT ... FROM ... [WHERE ...] (no grouping, aggregates, DISTINCT or LIMIT), possibly naming
   * columns of this query: pulled up into a semi (anti for NOT EXISTS) join of {@code from} with
   * the subquery's FROM, its WHERE (and the IN equality) as the join's conditions. The subquery's
   * entries join this query's range table hidden from names. Returns the new FROM tree, or null
   * when {@code c} is not such a condition.
   */
  private Bound.FromNode pullUp(Scope scope, ExprBinder binder, Bound.FromNode from, Expression c) {
    boolean anti = false;
    Expression inner = c;
    if (c instanceof net.sf.jsqlparser.expression.NotExpression n) {
      inner = n.getExpression();
      while (inner instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> p && p.size() == 1) {
        inner = p.get(0);
      }
      if (!(inner instanceof net.sf.jsqlparser.expression.operators.relational.ExistsExpression)) {
        return null;
      }
      anti = true;
    }
    Select sub;
    Expression inLeft = null;
    if (inner instanceof net.sf.jsqlparser.expression.operators.relational.ExistsExpression ex) {
      if (!(ex.getRightExpression() instanceof Select sel)) {
        return null;
      }
      anti ^= ex.isNot();
      sub = sel;
    } else if (inner instanceof InExpression in && !in.isNot() && in.getRightExpression() instanceof ParenthesedSelect p) {
      sub = p;
      inLeft = in.getLeftExpression();
    } else {
      return null;
    }
    while (sub instanceof ParenthesedSelect p && p.getLimit() == null && p.getOffset() == null) {
      sub = p.getSelect();
    }
    if (!(sub instanceof PlainSelect ps) || !simple(ps) || (inLeft != null && ps.getSelectItems().size() != 1)) {
      return null;
    }
    Scope local = new Scope(scope);
    ExprBinder onBinder = new ExprBinder(local, params, "JOIN conditions");
    int first = addRelation(local, ps.getFromItem());
    Bound.FromNode subFrom = new Bound.Rel(first);
    List<Scope.Named> subColumns = named(local.entries.get(first));
    if (ps.getJoins() != null) {
      for (Join j : ps.getJoins()) {
        subFrom = join(local, onBinder, subFrom, j, subColumns);
      }
    }
    if (local.correlated()) {
      throw Types.unsupported("subqueries whose FROM clause names the query around them");
    }
    List<Expr> on = new ArrayList<>();
    ExprBinder where = onBinder.in("WHERE");
    if (ps.getWhere() != null) {
      on.addAll(Exprs.conjuncts(where.bindPredicate(ps.getWhere())));
    }
    if (inLeft != null) {
      Expression item = ps.getSelectItems().get(0).getExpression();
      if (item instanceof AllColumns || item instanceof AllTableColumns) {
        if (local.visible().size() != 1 || local.visible().get(0).width() != 1) {
          throw new DatabaseException(SqlState.SYNTAX_ERROR, "subquery has too many columns");
        }
        item = new Column(local.visible().get(0).table().columns().get(0).name());
      }
      Expr value = where.in("SELECT").bindSettled(item);
      on.add(binder.compare(dev.parallax.executor.plan.BinaryOp.EQ, binder.bind(inLeft), value));
    }
    int base = scope.entries.size();
    for (Bound.RangeEntry e : local.entries) {
      scope.addHidden(e);
    }
    return new Bound.Join(from, shift(subFrom, base), anti ? JoinType.ANTI : JoinType.SEMI, on);
  }

  private static boolean simple(PlainSelect ps) {
    if (ps.getFromItem() == null || ps.getGroupBy() != null || ps.getHaving() != null || ps.getDistinct() != null
        || ps.getLimit() != null || ps.getOffset() != null || ps.getFetch() != null || ps.getForMode() != null
        || (ps.getWithItemsList() != null && !ps.getWithItemsList().isEmpty()) || ps.getWindowDefinitions() != null) {
      return false;
    }
    for (SelectItem<?> i : ps.getSelectItems()) {
      if (ExprBinder.containsAggregate(i.getExpression())) {
        return false;
      }
    }
    return true;
  }

  /** A subquery's join tree with its range indexes moved by {@code base} (its entries' place in this query). */
  private static Bound.FromNode shift(Bound.FromNode n, int base) {
    if (n instanceof Bound.Rel r) {
      return new Bound.Rel(r.range() + base);
    }
    Bound.Join j = (Bound.Join) n;
    return new Bound.Join(shift(j.left(), base), shift(j.right(), base), j.type(), j.on());
  }

  /** The AND-conjuncts of a WHERE clause, through parentheses. */
  private static List<Expression> conjuncts(Expression e) {
    List<Expression> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    if (e instanceof net.sf.jsqlparser.expression.operators.conditional.AndExpression a) {
      out.addAll(conjuncts(a.getLeftExpression()));
      out.addAll(conjuncts(a.getRightExpression()));
    } else if (e instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> p && p.size() == 1) {
      out.addAll(conjuncts(p.get(0)));
    } else {
      out.add(e);
    }
    return out;
  }

  /** A subquery that names nothing of the query around it (correlated ones are not supported yet). */
  private Bound.Query uncorrelated(ParenthesedSelect sub) {
    try {
      return query(sub);
    } catch (DatabaseException e) {
      if (SqlState.UNDEFINED_COLUMN.equals(e.sqlState()) || SqlState.UNDEFINED_TABLE.equals(e.sqlState())) {
        throw new DatabaseException(SqlState.FEATURE_NOT_SUPPORTED, "feature not supported: correlated subqueries"
            + " (or: " + e.getMessage() + ")");
      }
      throw e;
    }
  }

  private int addRelation(Scope scope, FromItem item) {
    if (item instanceof net.sf.jsqlparser.statement.select.LateralSubSelect) {
      throw Types.unsupported("LATERAL");
    }
    if (item instanceof ParenthesedSelect p) {
      String alias = p.getAlias() == null ? "unnamed_subquery" : ExprBinder.identifier(p.getAlias().getName());
      Bound.Query q = query(p.getSelect());
      if (p.getOrderByElements() != null || p.getLimit() != null || p.getOffset() != null) {
        q = new Bound.SetOp(q, null, true, q.names(), q.types(), outputOrder(p.getOrderByElements(), q.names(), q.types()),
            limit(p), offset(p));
      }
      return addSubquery(scope, alias, q, aliasColumns(p.getAlias()));
    }
    if (item instanceof net.sf.jsqlparser.statement.select.TableFunction tf) {
      return addSubquery(scope, tf.getAlias() == null ? "generate_series" : ExprBinder.identifier(tf.getAlias().getName()),
          generateSeries(tf), aliasColumns(tf.getAlias()) != null ? aliasColumns(tf.getAlias())
          : tf.getAlias() != null ? List.of(ExprBinder.identifier(tf.getAlias().getName())) : null);
    }
    if (!(item instanceof Table t)) {
      throw Types.unsupported("this FROM item (" + item + ")");
    }
    if (t.getSchemaName() != null) {
      throw Types.unsupported("schema-qualified names");
    }
    String name = ExprBinder.identifier(t.getName());
    String alias = t.getAlias() == null ? name : ExprBinder.identifier(t.getAlias().getName());
    Cte cte = ctes.get(name);
    if (cte != null) {
      java.util.Map<String, Cte> outer = ctes;
      ctes = cte.visible();
      Bound.Query q;
      try {
        q = query(cte.item().getSelect());
      } finally {
        ctes = outer;
      }
      List<String> names = null;
      if (cte.item().getWithItemList() != null) {
        names = cte.item().getWithItemList().stream().map(i -> ExprBinder.identifier(i.toString())).toList();
      }
      List<String> renamed = aliasColumns(t.getAlias());
      return addSubquery(scope, alias, q, renamed != null ? renamed : names);
    }
    SqlCatalog.Table table = catalog.table(name).orElseThrow(() ->
        new DatabaseException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist"));
    if (t.getAlias() != null && t.getAlias().getAliasColumns() != null) {
      throw Types.unsupported("column aliases of a table in FROM");
    }
    scope.add(alias, table);
    return scope.entries.size() - 1;
  }

  /** Rows the series makes at most (they are kept in the plan). */
  static final int MAX_SERIES = 1_000_000;

  /**
   * {@code generate_series(start, stop [, step])} over integer or bigint constants: its rows,
   * computed now (a Values Scan). Parameters or columns as arguments are not supported yet.
   */
  private Bound.Query generateSeries(net.sf.jsqlparser.statement.select.TableFunction tf) {
    net.sf.jsqlparser.expression.Function f = tf.getFunction();
    String name = f.getName().toLowerCase(java.util.Locale.ROOT);
    if (!name.equals("generate_series")) {
      throw Types.unsupported("function " + name + " in FROM");
    }
    List<Expression> raw = f.getParameters() == null ? List.of() : new ArrayList<>(f.getParameters());
    if (raw.size() < 2 || raw.size() > 3) {
      throw new DatabaseException(SqlState.UNDEFINED_FUNCTION, "function generate_series with " + raw.size()
          + " arguments does not exist");
    }
    ExprBinder b = new ExprBinder(new Scope(), params, "functions in FROM");
    List<Expr> args = new ArrayList<>();
    for (Expression e : raw) {
      Expr x = b.bind(e);
      if (!Exprs.isColumnFree(x) || containsParam(x)) {
        throw Types.unsupported("generate_series with arguments that are not constants");
      }
      args.add(x);
    }
    ColumnType t = b.commonType(args, "generate_series");
    if (t != ColumnType.INTEGER && t != ColumnType.BIGINT) {
      throw Types.unsupported("generate_series over " + t.sqlName());
    }
    long[] v = new long[3];
    v[2] = 1;
    for (int i = 0; i < args.size(); i++) {
      Object c = Types.fold(b.coerce(args.get(i), ColumnType.BIGINT, false, "generate_series")).value();
      if (c == null) {
        return new Bound.Values(List.of(), List.of("generate_series"), List.of(t));
      }
      v[i] = (Long) c;
    }
    if (v[2] == 0) {
      throw new DatabaseException(SqlState.INVALID_PARAMETER_VALUE, "step size cannot equal zero");
    }
    List<Object[]> rows = new ArrayList<>();
    for (long x = v[0]; v[2] > 0 ? x <= v[1] : x >= v[1]; x += v[2]) {
      if (rows.size() == MAX_SERIES) {
        throw Types.unsupported("generate_series of more than " + MAX_SERIES + " rows");
      }
      rows.add(new Object[] {t == ColumnType.INTEGER ? (Object) (int) x : (Object) x});
      if ((v[2] > 0 && x > Long.MAX_VALUE - v[2]) || (v[2] < 0 && x < Long.MIN_VALUE - v[2])) {
        break;
      }
    }
    return new Bound.Values(rows, List.of("generate_series"), List.of(t));
  }

  private static boolean containsParam(Expr e) {
    boolean[] found = new boolean[1];
    Exprs.rewrite(e, x -> {
      if (x instanceof Expr.Param) {
        found[0] = true;
      }
      return x;
    });
    return found[0];
  }

  private static List<String> aliasColumns(net.sf.jsqlparser.expression.Alias alias) {
    if (alias == null || alias.getAliasColumns() == null || alias.getAliasColumns().isEmpty()) {
      return null;
    }
    return alias.getAliasColumns().stream().map(c -> ExprBinder.identifier(c.name)).toList();
  }

  /** A subquery as a FROM entry: its output columns (renamed by {@code names}, first ones first) as a table. */
  private static int addSubquery(Scope scope, String alias, Bound.Query q, List<String> names) {
    List<String> cols = new ArrayList<>(q.names());
    if (names != null) {
      if (names.size() > cols.size()) {
        throw new DatabaseException(SqlState.SYNTAX_ERROR, "table \"" + alias + "\" has " + cols.size()
            + " columns available but " + names.size() + " columns specified");
      }
      for (int i = 0; i < names.size(); i++) {
        cols.set(i, names.get(i));
      }
    }
    List<SqlCatalog.Column> columns = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      columns.add(new SqlCatalog.Column(cols.get(i), q.types().get(i), false));
    }
    scope.add(alias, new SqlCatalog.Table(alias, -1, columns, List.of(), 1000), q);
    return scope.entries.size() - 1;
  }

  /**
   * One JOIN of the FROM list. {@code columns} (the FROM clause's output so far, SELECT * order)
   * grows by the right side's; for USING / NATURAL the joined columns become one, first in the
   * list: the left one for INNER and LEFT, the right one for RIGHT, COALESCE of both for FULL.
   */
  private Bound.FromNode join(Scope scope, ExprBinder onBinder, Bound.FromNode left, Join j, List<Scope.Named> columns) {
    if (j.isApply() || j.isSemi() || j.isStraight() || j.isWindowJoin() || j.isAsOf()) {
      throw Types.unsupported("this kind of join (" + j.toString().trim() + ")");
    }
    JoinType type = j.isLeft() ? JoinType.LEFT : j.isRight() ? JoinType.RIGHT : j.isFull() ? JoinType.FULL : JoinType.INNER;
    boolean hasOn = j.getOnExpressions() != null && !j.getOnExpressions().isEmpty();
    boolean using = (j.getUsingColumns() != null && !j.getUsingColumns().isEmpty()) || j.isNatural();
    if (!j.isSimple() && !j.isCross() && !hasOn && !using) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, "syntax error: JOIN needs an ON condition");
    }
    if ((j.isSimple() || j.isCross()) && (hasOn || using)) {
      throw new DatabaseException(SqlState.SYNTAX_ERROR, "syntax error: CROSS JOIN takes no ON or USING condition");
    }
    int entry = addRelation(scope, j.getRightItem());
    Bound.FromNode right = new Bound.Rel(entry);
    List<Scope.Named> rightColumns = named(scope.entries.get(entry));
    List<Expr> on = new ArrayList<>();
    if (hasOn) {
      for (Expression e : j.getOnExpressions()) {
        on.addAll(Exprs.conjuncts(onBinder.bindPredicate(e)));
      }
    }
    if (!using) {
      columns.addAll(rightColumns);
      return new Bound.Join(left, right, type, on);
    }
    List<String> names = new ArrayList<>();
    if (j.isNatural()) {
      for (Scope.Named r : rightColumns) {
        if (columns.stream().anyMatch(l -> l.name().equals(r.name()))) {
          names.add(r.name());
        }
      }
    } else {
      for (Column c : j.getUsingColumns()) {
        names.add(ExprBinder.identifier(c.getColumnName()));
      }
    }
    List<Scope.Named> mergedColumns = new ArrayList<>();
    List<Scope.Named> leftRest = new ArrayList<>(columns);
    List<Scope.Named> rightRest = new ArrayList<>(rightColumns);
    for (String name : names) {
      List<Scope.Named> l = leftRest.stream().filter(n -> n.name().equals(name)).toList();
      List<Scope.Named> r = rightRest.stream().filter(n -> n.name().equals(name)).toList();
      if (l.size() != 1 || r.size() != 1) {
        String side = l.size() != 1 ? "left" : "right";
        int count = l.size() != 1 ? l.size() : r.size();
        throw count == 0 ? new DatabaseException(SqlState.UNDEFINED_COLUMN, "column \"" + name
            + "\" specified in USING clause does not exist in " + side + " table")
            : new DatabaseException(SqlCodes.AMBIGUOUS_COLUMN, "common column name \"" + name + "\" appears more than once in "
            + side + " table");
      }
      Expr eq = onBinder.compare(dev.parallax.executor.plan.BinaryOp.EQ, l.get(0).expr(), r.get(0).expr());
      on.add(eq);
      Expr.Binary b = (Expr.Binary) eq;
      Expr value = type == JoinType.RIGHT ? b.right() : type == JoinType.FULL ? new Expr.Coalesce(List.of(b.left(), b.right()))
          : b.left();
      List<Integer> originals = new ArrayList<>(Exprs.columns(l.get(0).expr()));
      originals.addAll(Exprs.columns(r.get(0).expr()));
      scope.merge(name, value, originals);
      mergedColumns.add(new Scope.Named(name, value));
      leftRest.remove(l.get(0));
      rightRest.remove(r.get(0));
    }
    columns.clear();
    columns.addAll(mergedColumns);
    columns.addAll(leftRest);
    columns.addAll(rightRest);
    return new Bound.Join(left, right, type, on);
  }

  private static long limit(Select s) {
    if (s.getLimit() == null || s.getLimit().isLimitAll() || s.getLimit().isLimitNull()) {
      return -1;
    }
    if (s.getLimit().getOffset() != null) {
      throw Types.unsupported("LIMIT offset, count");
    }
    return constantCount(s.getLimit().getRowCount(), "LIMIT");
  }

  private static long offset(Select s) {
    return s.getOffset() == null ? 0 : constantCount(s.getOffset().getOffset(), "OFFSET");
  }

  private static long constantCount(Expression e, String clause) {
    if (e instanceof net.sf.jsqlparser.expression.NullValue) {
      return clause.equals("LIMIT") ? -1 : 0;
    }
    if (!(e instanceof LongValue v)) {
      throw Types.unsupported(clause + " with an expression that is not an integer constant");
    }
    if (v.getValue() < 0) {
      throw new DatabaseException(clause.equals("LIMIT") ? "2201W" : "2201X", clause + " must not be negative");
    }
    return v.getValue();
  }
}
